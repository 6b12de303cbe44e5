// Command ably-accounts is the `ably accounts` plugin: log in with access tokens and manage
// profiles.
package main

import "github.com/ably/ably-suite/internal/accountscli"

func main() { accountscli.Main() }
