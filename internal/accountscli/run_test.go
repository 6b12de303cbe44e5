package accountscli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
)

// The run functions take everything from their options and the Deps: the token typed at
// the prompt, the config directory from Getenv, every request through the transport.
func TestRunLoginListSwitchLogout(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	dir := t.TempDir()
	vars := map[string]string{"ABLY_CONTROL_HOST": srv.URL, "ABLY_CLI_CONFIG_DIR": dir}

	transport := &plugintest.CountingTransport{}
	answers := &plugintest.Answers{Lines: []string{controltest.DefaultToken}}
	ctx, d, streams := plugintest.Options{Vars: vars, TTY: true, Prompt: answers, Transport: transport}.Deps(t)
	if err := runLogin(ctx, d, loginOptions{Alias: "work"}); err != nil {
		t.Fatalf("login: %v (%s)", err, streams.Stderr)
	}
	if len(answers.Asked) != 1 || transport.N == 0 {
		t.Fatalf("login asked %q and sent %d requests: want the hidden prompt once and the token checked", answers.Asked, transport.N)
	}
	if cfg, err := os.ReadFile(filepath.Join(dir, "config")); err != nil || !strings.Contains(string(cfg), "[accounts.work]") {
		t.Fatalf("config after login: %v\n%s", err, cfg)
	}
	ctx, d, _ = plugintest.Options{Vars: vars, Transport: transport}.Deps(t)
	if err := runLogin(ctx, d, loginOptions{Token: controltest.DefaultToken, Alias: "home"}); err != nil {
		t.Fatal(err)
	}

	// list prints both profiles, the first login's current, and makes no request.
	before := transport.N
	ctx, d, streams = plugintest.Options{Vars: vars, Transport: transport, Format: output.JSON}.Deps(t)
	if err := runList(ctx, d, listOptions{}); err != nil {
		t.Fatal(err)
	}
	if out := streams.Stdout.String(); !strings.Contains(out, `"alias":"home","current":false`) || !strings.Contains(out, `"alias":"work","current":true`) {
		t.Errorf("list --json: %s", out)
	}
	if transport.N != before {
		t.Errorf("list sent %d requests", transport.N-before)
	}

	ctx, d, _ = plugintest.Options{Vars: vars, Transport: transport}.Deps(t)
	if err := runSwitch(ctx, d, switchOptions{Alias: "home"}); err != nil {
		t.Fatal(err)
	}
	if err := runSwitch(ctx, d, switchOptions{Alias: "nobody"}); exitcode.Of(err) != exitcode.NotFound {
		t.Errorf("switch to an unknown profile: %v", err)
	}
	ctx, d, _ = plugintest.Options{Vars: vars}.Deps(t)
	if err := runLogout(ctx, d, logoutOptions{}); exitcode.Of(err) != exitcode.Usage {
		t.Fatalf("logout off a terminal without --force: %v", err)
	}
	ctx, d, _ = plugintest.Options{Vars: vars, TTY: true, Prompt: &plugintest.Answers{Yes: []bool{false}}}.Deps(t)
	if err := runLogout(ctx, d, logoutOptions{}); err == nil {
		t.Fatal("logout answered no went ahead")
	}
	ctx, d, streams = plugintest.Options{Vars: vars}.Deps(t)
	if err := runLogout(ctx, d, logoutOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(streams.Stdout.String(), `Logged out of profile "home"`) {
		t.Errorf("logout: %s", streams.Stdout)
	}
}
