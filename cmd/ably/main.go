// Command ably is the suite's dispatcher: `ably <group> [args...]` runs the plugin
// ably-<group>. See package internal/dispatcher.
package main

import "github.com/ably/ably-suite/internal/dispatcher"

func main() { dispatcher.Main() }
