// Package connectionscli holds the commands of the ably-connections plugin (`ably
// connections ...`): checks of a Realtime connection to Ably.
package connectionscli

import (
	"context"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/live"
	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
)

// Plugin is the ably-connections plugin.
func Plugin() plugin.Plugin {
	return plugin.Plugin{
		Metadata: plugin.Metadata{
			Name:             "connections",
			Vendor:           "Ably",
			ShortDescription: "Check Realtime connections to Ably",
		},
		Description: `Checks of the Realtime connection a command of this suite makes.

Examples:
   ably connections test
   ably connections test --json`,
		Commands: []*cli.Command{testCommand()},
	}
}

// Main runs ably-connections.
func Main() { plugin.Main(Plugin()) }

func testCommand() *cli.Command {
	return &cli.Command{
		Name:  "test",
		Usage: "Connect to Ably over Realtime and report how it went",
		Description: `Opens a Realtime connection (WebSocket) with the credential (--token, ABLY_TOKEN, --api-key,
ABLY_API_KEY or the profile's key), reports the connection ID, the client ID, the time to
connect and the round trip of a ping (HEARTBEAT), then closes it. Exit 0 when the connection
was made; otherwise the error with its exit code (4 for a refused credential, 6 when Ably
cannot be reached). Only the WebSocket transport exists here (--transport ws).

Examples:
   ably connections test
   ably connections test --json
   ably connections test --endpoint http://127.0.0.1:8080 --api-key "$KEY"`,
		Flags: append(dataplane.Flags(),
			&cli.StringFlag{Name: "transport", Value: "ws", Usage: "`TRANSPORT` to test: ws (the WebSocket transport; the only one)"}),
		Action: plugin.Action(func(c *cli.Context) (testOptions, error) {
			s, err := dataplane.SettingsOf(c)
			if err != nil {
				return testOptions{}, err
			}
			if c.NArg() > 0 {
				return testOptions{}, exitcode.Usagef("unexpected argument %q: usage: %s", c.Args().First(), c.Command.HelpName)
			}
			switch t := c.String("transport"); t {
			case "ws", "websocket", "web_socket", "all":
			default:
				return testOptions{}, exitcode.Usagef("--transport %q: only ws (WebSocket) exists here", t)
			}
			return testOptions{Data: s}, nil
		}, runTest),
	}
}

type testOptions struct {
	Data dataplane.Settings
}

// testReport is what --json prints.
type testReport struct {
	TestPassed   bool    `json:"testPassed"`
	Transport    string  `json:"transport"`
	ConnectionID string  `json:"connectionId"`
	ClientID     string  `json:"clientId,omitempty"`
	ConnectMs    float64 `json:"connectMs"`
	PingMs       float64 `json:"pingMs"`
	ServerID     string  `json:"serverId,omitempty"`
}

func runTest(ctx context.Context, d plugin.Deps, o testOptions) error {
	c, err := dataplane.Open(d, o.Data)
	if err != nil {
		return err
	}
	start := d.Now()
	s, err := live.Connect(ctx, d, c)
	if err != nil {
		return err
	}
	connected := d.Now().Sub(start)
	defer s.Close(nil)
	rtt, err := s.Conn.Ping(ctx)
	if err != nil {
		return exitcode.New(exitcode.Network, "connected, but the ping went unanswered: %v", err)
	}
	info := s.Conn.Info()
	r := testReport{TestPassed: true, Transport: "web_socket", ConnectionID: info.ID, ClientID: info.ClientID,
		ConnectMs: millis(connected), PingMs: millis(rtt), ServerID: info.Details.ServerID}
	if d.Out.IsJSON() {
		return d.Out.JSON(r)
	}
	d.Out.Heading("Connected to Ably over WebSocket")
	return d.Out.Details([]output.Field{
		{Label: "Connection ID", Value: r.ConnectionID},
		{Label: "Client ID", Value: output.OrDash(r.ClientID)},
		{Label: "Transport", Value: r.Transport},
		{Label: "Connect time", Value: connected.Round(100 * time.Microsecond).String()},
		{Label: "Ping", Value: rtt.Round(10 * time.Microsecond).String()},
	})
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
