// Command ably-push is the `ably push` plugin: an app's push notification configuration.
package main

import "github.com/ably/ably-suite/internal/pushcli"

func main() { pushcli.Main() }
