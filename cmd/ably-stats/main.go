// Command ably-stats is the `ably stats` plugin: account and app statistics.
package main

import "github.com/ably/ably-suite/internal/statscli"

func main() { statscli.Main() }
