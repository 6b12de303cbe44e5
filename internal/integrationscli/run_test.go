package integrationscli

import (
	"strings"
	"testing"

	"github.com/ably/ably-suite/internal/sessiontest"
	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
)

func httpRule() map[string]any {
	return map[string]any{"ruleType": "http", "requestMode": "single",
		"source": map[string]any{"channelFilter": "", "type": "channel.message"}, "target": map[string]any{"url": "https://example.com/hook"}}
}

// The prompt decides whether a rule is deleted; without a terminal and --force nothing is
// sent at all.
func TestRunDeleteAsksThePrompt(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	for _, tc := range []struct {
		tty, answer bool
		code        int
		deleted     bool
	}{{true, false, exitcode.Failure, false}, {false, false, exitcode.Usage, false}, {true, true, exitcode.OK, true}} {
		id := srv.AddRule(app.ID, httpRule()).ID()
		answers := &plugintest.Answers{Yes: []bool{tc.answer}}
		transport := &plugintest.CountingTransport{}
		ctx, d, _ := plugintest.Options{TTY: tc.tty, Prompt: answers, Transport: transport}.Deps(t)
		err := runDelete(ctx, d, deleteOptions{Session: sessiontest.Settings(srv, app.ID), ID: id})
		if got := exitcode.Of(err); got != tc.code {
			t.Fatalf("tty %v answer %v: exit %d (%v), want %d", tc.tty, tc.answer, got, err, tc.code)
		}
		if tc.tty && (len(answers.Asked) != 1 || !strings.Contains(answers.Asked[0], id)) {
			t.Errorf("asked %q, want the rule named", answers.Asked)
		}
		gone := true
		for _, r := range srv.Rules(app.ID) {
			gone = gone && r.ID() != id
		}
		if gone != tc.deleted {
			t.Errorf("tty %v answer %v: deleted %v, want %v", tc.tty, tc.answer, gone, tc.deleted)
		}
		if tc.deleted && transport.N == 0 {
			t.Error("no request went through the Deps' transport")
		}
	}
}

// list masks a rule's secrets unless asked, in JSON too.
func TestRunListMasksSecrets(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	rule := httpRule()
	rule["target"] = map[string]any{"url": "https://example.com/hook", "headers": []any{map[string]any{"name": "Authorization", "value": "Bearer hook-secret-value"}}}
	srv.AddRule(app.ID, rule)
	for _, show := range []bool{false, true} {
		ctx, d, streams := plugintest.Options{Format: output.JSON}.Deps(t)
		if err := runList(ctx, d, listOptions{Session: sessiontest.Settings(srv, app.ID), ShowSecret: show}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(streams.Stdout.String(), "hook-secret-value"); got != show {
			t.Errorf("--show-secret %v: secret shown %v\n%s", show, got, streams.Stdout)
		}
	}
}
