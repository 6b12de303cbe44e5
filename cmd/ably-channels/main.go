// Command ably-channels is the `ably channels` plugin: Ably channels over the REST API.
package main

import "github.com/ably/ably-suite/internal/channelscli"

func main() { channelscli.Main() }
