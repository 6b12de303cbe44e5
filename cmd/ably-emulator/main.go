// Command ably-emulator is the `ably emulator` plugin: a local Ably on one port.
package main

import "github.com/ably/ably-suite/internal/emulatorcli"

func main() { emulatorcli.Main() }
