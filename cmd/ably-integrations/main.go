// Command ably-integrations is the `ably integrations` plugin: integration rules.
package main

import "github.com/ably/ably-suite/internal/integrationscli"

func main() { integrationscli.Main() }
