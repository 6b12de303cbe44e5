// Command ably-connections is the `ably connections` plugin: Realtime connection checks.
package main

import "github.com/ably/ably-suite/internal/connectionscli"

func main() { connectionscli.Main() }
