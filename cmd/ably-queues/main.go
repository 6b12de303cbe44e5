// Command ably-queues is the `ably queues` plugin: Ably queues.
package main

import "github.com/ably/ably-suite/internal/queuescli"

func main() { queuescli.Main() }
