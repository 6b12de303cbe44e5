package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/controltest"
)

// requestsPerCommand runs Control API commands against an in-process fake and counts the
// HTTP requests each makes. A warm profile must make no request beyond the call itself.
func (b *bench) requestsPerCommand() error {
	bin, home := b.bin, filepath.Join(b.dir, "req-home")
	srv := controltest.New()
	defer srv.Close()
	env := []string{
		"PATH=" + bin, "HOME=" + home, "ABLY_CLI_CONFIG_DIR=" + filepath.Join(home, ".ably"),
		"ABLY_CONTROL_HOST=" + srv.URL, "XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
	}
	app := srv.AddApp("", controltest.App{Name: "bench"})
	steps := []struct {
		what string
		args []string
		want int
	}{
		{"`ably accounts login` (checks the token)", []string{"accounts", "login", "--token", controltest.DefaultToken}, 1},
		{"`ably accounts current` (warm profile)", []string{"accounts", "current"}, 0},
		{"`ably accounts current --refresh`", []string{"accounts", "current", "--refresh"}, 1},
		{"`ably apps list`", []string{"apps", "list"}, 1},
		{"`ably apps switch ID` (ID unknown to the profile: one listing)", []string{"apps", "switch", app.ID}, 1},
		{"`ably apps current`", []string{"apps", "current"}, 0},
		{"`ably apps create --name x`", []string{"apps", "create", "--name", "x"}, 1},
		{"`ably auth keys list` (current app)", []string{"auth", "keys", "list"}, 1},
		{"`ably auth keys list --app bench` (name known to the profile)", []string{"auth", "keys", "list", "--app", "bench"}, 1},
		{"`ably apps channel-rules list`", []string{"apps", "channel-rules", "list"}, 1},
		{"`ably integrations list`", []string{"integrations", "list"}, 1},
		{"`ably queues list`", []string{"queues", "list"}, 1},
		{"`ably queues create --name q`", []string{"queues", "create", "--name", "q"}, 1},
		{"`ably stats app`", []string{"stats", "app"}, 1},
		{"`ably stats account`", []string{"stats", "account"}, 1},
	}
	rows := [][]string{}
	for _, st := range steps {
		srv.ResetRequests()
		cmd := exec.Command(filepath.Join(bin, "ably"), st.args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v: %s", st.what, err, out)
		}
		got := len(srv.Requests())
		rows = append(rows, []string{st.what, fmt.Sprint(got), fmt.Sprint(st.want), verdict(got == st.want)})
	}
	b.r.heading("HTTP requests per command")
	b.r.para("Each command run against an in-process fake Control API; a warm profile (token details cached) makes no request beyond the call itself.")
	b.r.table([]string{"command", "requests", "expected", ""}, rows)
	return nil
}

// clientOverhead compares a warm ListApps through the client with the same GET made with
// bare net/http against the same local fake: the difference is what the client adds.
func (b *bench) clientOverhead() error {
	srv := controltest.New()
	defer srv.Close()
	base, err := control.BaseURL(srv.URL)
	if err != nil {
		return err
	}
	c, err := control.New(control.Options{BaseURL: base, Token: controltest.DefaultToken})
	if err != nil {
		return err
	}
	ctx := context.Background()
	if _, err := c.TokenInfo(ctx); err != nil { // warm the token cache, as a profile would be
		return err
	}
	url := strings.TrimSuffix(srv.URL, "/") + "/accounts/" + controltest.DefaultAccountID + "/apps"
	raw := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("Authorization", "Bearer "+controltest.DefaultToken)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body) // so the connection is reused, as the client's is
			res.Body.Close()
		}
	})
	viaClient := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			if _, err := c.ListApps(ctx, controltest.DefaultAccountID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.r.heading("Control API client overhead")
	b.r.para("A warm `ListApps` through the client against the same GET with bare net/http, both against the local fake over loopback.")
	b.r.table([]string{"call", "time a call"}, [][]string{
		{"bare net/http GET", fmt.Sprintf("%.1f µs", float64(raw.NsPerOp())/1e3)},
		{"`control.Client.ListApps`", fmt.Sprintf("%.1f µs", float64(viaClient.NsPerOp())/1e3)},
		{"client overhead", fmt.Sprintf("%.1f µs", float64(viaClient.NsPerOp()-raw.NsPerOp())/1e3)},
	})
	return nil
}
