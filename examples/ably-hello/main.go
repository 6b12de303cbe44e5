// Command ably-hello is a third-party plugin written on the suite's pkg/: put it on PATH and
// run `ably hello greet --name Ada`. It gets --json, --pretty-json, --verbose, --profile, the
// metadata answer for `ably help`, and the suite's exit codes for free.
package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/plugin"
)

func main() {
	plugin.Main(plugin.Plugin{
		Metadata: plugin.Metadata{Name: "hello", Vendor: "Example Corp", Version: "1.0.0", ShortDescription: "Say hello (an example plugin)"},
		Commands: []*cli.Command{{
			Name:  "greet",
			Usage: "Greet someone",
			Flags: []cli.Flag{&cli.StringFlag{Name: "name", Value: "world"}},
			Action: func(c *cli.Context) error {
				out := plugin.Printer(c)
				if out.IsJSON() {
					return out.JSON(map[string]string{"greeting": "hello", "name": c.String("name")})
				}
				_, err := fmt.Fprintf(out.Out, "Hello, %s!\n", c.String("name"))
				return err
			},
		}},
	})
}
