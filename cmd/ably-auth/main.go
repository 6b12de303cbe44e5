// Command ably-auth is the `ably auth` plugin: token issuing and API keys.
package main

import "github.com/ably/ably-suite/internal/authcli"

func main() { authcli.Main() }
