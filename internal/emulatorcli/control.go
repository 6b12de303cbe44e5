package emulatorcli

import (
	"context"
	"os"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
)

// stopGrace is how long `emulator stop` waits for a clean stop before killing.
const stopGrace = 10 * time.Second

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "Say whether an emulator runs in the background, where and since when",
		Description: `Reads the background emulator's pid file (emulator.json in the config directory) and checks
that the emulator answers on its URL as that process. Exit 0 when it runs; 3 when none does
(a pid file left by one that is gone is removed).

Examples:
   ably emulator status
   ably emulator status --json`,
		Action: plugin.Action(noArgs, runStatus),
	}
}

func stopCommand() *cli.Command {
	return &cli.Command{
		Name:  "stop",
		Usage: "Stop the emulator running in the background",
		Description: `Stops the emulator started with 'ably emulator start --detach': its Realtime connections are
told they are disconnected, then it exits (killed if it has not after 10s). Exit 0, also when
none was running (a stale pid file is removed).

Examples:
   ably emulator stop`,
		Action: plugin.Action(noArgs, runStop),
	}
}

func noArgs(c *cli.Context) (struct{}, error) {
	if c.Args().Present() {
		return struct{}{}, exitcode.Usagef("unexpected argument %q: '%s' takes no arguments", c.Args().First(), c.Command.HelpName)
	}
	return struct{}{}, nil
}

// statusReport is `emulator status --json`.
type statusReport struct {
	Running     bool   `json:"running"`
	PID         int    `json:"pid,omitempty"`
	URL         string `json:"url,omitempty"`
	ControlHost string `json:"controlHost,omitempty"`
	Endpoint    string `json:"endpoint,omitempty"`
	StartedAt   string `json:"startedAt,omitempty"`
	Log         string `json:"log,omitempty"`
}

// background finds the background emulator: ok when it runs. A pid file whose emulator is
// gone is removed (stale is then true).
func background(ctx context.Context, d plugin.Deps) (p pidFile, ok, stale bool, path string, err error) {
	path, _, err = backgroundFiles(d)
	if err != nil {
		return p, false, false, path, err
	}
	p, exists, err := readPidFile(path)
	if !exists {
		return p, false, false, path, nil
	}
	if err == nil && running(ctx, p) {
		return p, true, false, path, nil
	}
	_ = os.Remove(path)
	return p, false, true, path, nil
}

func runStatus(ctx context.Context, d plugin.Deps, _ struct{}) error {
	p, ok, stale, path, err := background(ctx, d)
	if err != nil {
		return err
	}
	if !ok {
		why := "no emulator is running in the background"
		if stale {
			why += " (removed the pid file " + path + " of one that is gone)"
		}
		if d.Out.IsJSON() {
			if err := d.Out.JSON(statusReport{}); err != nil {
				return err
			}
		}
		return exitcode.New(exitcode.NotFound, "%s: start one with 'ably emulator start --detach'", why)
	}
	r := statusReport{Running: true, PID: p.PID, URL: p.URL, ControlHost: p.ControlHost, Endpoint: p.Endpoint, StartedAt: p.StartedAt, Log: p.Log}
	if d.Out.IsJSON() {
		return d.Out.JSON(r)
	}
	return d.Out.Details([]output.Field{
		{Label: "Running", Value: "yes"},
		{Label: "PID", Value: strconv.Itoa(p.PID)},
		{Label: "URL", Value: p.URL},
		{Label: "Control API", Value: p.ControlHost},
		{Label: "Started", Value: p.StartedAt},
		{Label: "Log", Value: p.Log},
	})
}

func runStop(ctx context.Context, d plugin.Deps, _ struct{}) error {
	p, ok, stale, path, err := background(ctx, d)
	if err != nil {
		return err
	}
	if !ok {
		msg := "No emulator was running in the background."
		if stale {
			msg = "No emulator was running in the background; removed the stale pid file " + path + "."
		}
		return d.Out.ErrPrintf("%s\n", msg)
	}
	killed, err := terminate(p.PID, stopGrace)
	if err != nil {
		return exitcode.New(exitcode.Failure, "cannot stop the emulator (pid %d): %v", p.PID, err)
	}
	removePidFileOf(path, p.PID)
	if killed {
		return d.Out.ErrPrintf("Killed the emulator (pid %d): it had not stopped after %s.\n", p.PID, stopGrace)
	}
	return d.Out.ErrPrintf("Stopped the emulator (pid %d) on %s.\n", p.PID, p.URL)
}
