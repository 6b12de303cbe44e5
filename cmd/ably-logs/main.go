// Command ably-logs is the `ably logs` plugin: the app's logs on Ably's [meta] channels.
package main

import "github.com/ably/ably-suite/internal/logscli"

func main() { logscli.Main() }
