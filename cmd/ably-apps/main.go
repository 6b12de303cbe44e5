// Command ably-apps is the `ably apps` plugin: apps, channel rules and push certificates.
package main

import "github.com/ably/ably-suite/internal/appscli"

func main() { appscli.Main() }
