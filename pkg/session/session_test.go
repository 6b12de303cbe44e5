package session

import (
	"os"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
	"github.com/ably/ably-suite/pkg/resolve"
)

// A command reads the config file once: after the first read the file on disk is replaced
// by one that does not parse, and the command (profile, token, host, the cached token
// details for the capability check, the app) still runs from that one reading, with no
// request (the Control API address is unreachable).
func TestCommandReadsTheConfigOnce(t *testing.T) {
	dir := t.TempDir()
	path := config.PathIn(dir)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	content := `[current]
account = "work"

[accounts.work]
accessToken = "tok"
accountId = "acc"
currentAppId = "app1"
tokenCapabilities = ["read:app"]
tokenCheckedAt = "2026-05-01T11:59:00Z"

[accounts.work.apps.app1]
appName = "Prod"
`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	reads := 0
	load := func(p string) (*config.File, error) {
		reads++
		f, err := config.Load(p)
		// Any later reading sees a broken file.
		if werr := os.WriteFile(p, []byte("[broken\n"), 0o600); werr != nil {
			t.Fatal(werr)
		}
		return f, err
	}
	env := map[string]string{"ABLY_CLI_CONFIG_DIR": dir, "ABLY_CONTROL_HOST": "http://127.0.0.1:1"}
	var got AppRef
	p := plugin.Plugin{
		Metadata: plugin.Metadata{Name: "t", Vendor: "Test", ShortDescription: "test"},
		Commands: []*cli.Command{{
			Name:  "run",
			Flags: append(Flags(), AppFlag()),
			Action: func(c *cli.Context) error {
				opt := resolve.CommandOptions(c)
				opt.Load = load
				s, err := open(c.Context, plugin.DepsOf(c), SettingsOf(c), resolve.New(opt))
				if err != nil {
					return err
				}
				for range 3 { // one check per request of a command that makes three
					if err := s.Client.Check(c.Context, control.ReadApp, "read apps"); err != nil {
						return err
					}
				}
				got, err = s.App(c.Context)
				return err
			},
		}},
	}
	res := plugintest.Options{Vars: env, Now: func() time.Time { return now }}.Run(t, p, "run")
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	if reads != 1 {
		t.Fatalf("the config file was read %d times", reads)
	}
	if got != (AppRef{ID: "app1", Name: "Prod", Source: "profile work"}) {
		t.Fatalf("app %+v", got)
	}
}
