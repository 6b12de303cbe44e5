package appscli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ably/ably-suite/internal/sessiontest"
	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
	"github.com/ably/ably-suite/pkg/resolve"
	"github.com/ably/ably-suite/pkg/session"
)

func strptr(s string) *string { return &s }

// The prompt decides whether an app is deleted, and every request goes through the Deps'
// transport.
func TestRunDeleteAsksThePrompt(t *testing.T) {
	for _, tc := range []struct {
		answer  bool
		code    int
		deleted bool
	}{{false, exitcode.Failure, false}, {true, exitcode.OK, true}} {
		srv := controltest.New()
		app := srv.AddApp("", controltest.App{Name: "Demo"})
		transport := &plugintest.CountingTransport{}
		answers := &plugintest.Answers{Yes: []bool{tc.answer}}
		ctx, d, streams := plugintest.Options{TTY: true, Prompt: answers, Transport: transport}.Deps(t)
		err := runDelete(ctx, d, deleteOptions{Session: sessiontest.Settings(srv, "Demo")})
		if got := exitcode.Of(err); got != tc.code {
			t.Fatalf("answer %v: exit %d (%v), want %d", tc.answer, got, err, tc.code)
		}
		if len(answers.Asked) != 1 || !strings.Contains(answers.Asked[0], `delete app "Demo" (`+app.ID+")") {
			t.Errorf("answer %v: asked %q", tc.answer, answers.Asked)
		}
		if gone := len(srv.Apps()) == 0; gone != tc.deleted {
			t.Errorf("answer %v: deleted = %v, want %v", tc.answer, gone, tc.deleted)
		}
		if transport.N == 0 {
			t.Errorf("answer %v: no request went through the Deps' transport", tc.answer)
		}
		if tc.deleted && !strings.Contains(streams.Stdout.String(), "Deleted app") {
			t.Errorf("answer %v: output %q", tc.answer, streams.Stdout)
		}
		srv.Close()
	}
}

// Without a terminal, and without Force, a delete is refused; with Force nothing is asked.
func TestRunDeleteNeedsForceOffATerminal(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	ctx, d, _ := plugintest.Options{}.Deps(t)
	err := runDelete(ctx, d, deleteOptions{Session: sessiontest.Settings(srv, app.ID)})
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("got %v, want a usage error asking for --force", err)
	}
	if len(srv.Apps()) != 1 {
		t.Fatal("the app was deleted")
	}
	answers := &plugintest.Answers{}
	ctx, d, _ = plugintest.Options{TTY: true, Prompt: answers, Format: output.JSON}.Deps(t)
	if err := runDelete(ctx, d, deleteOptions{Session: sessiontest.Settings(srv, app.ID), Force: true}); err != nil {
		t.Fatalf("with Force: %v", err)
	}
	if len(srv.Apps()) != 0 || len(answers.Asked) != 0 {
		t.Errorf("with Force: %d apps left, asked %q", len(srv.Apps()), answers.Asked)
	}
}

// runCreate and runUpdate send the options' fields, and runList shows what they made.
func TestRunCreateUpdateList(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	transport := &plugintest.CountingTransport{}
	ctx, d, streams := plugintest.Options{Transport: transport}.Deps(t)
	if err := runCreate(ctx, d, createOptions{Session: sessiontest.Settings(srv, ""), Fields: control.AppFields{Name: strptr("Shop")}}); err != nil {
		t.Fatal(err)
	}
	apps := srv.Apps()
	if len(apps) != 1 || apps[0].Name != "Shop" || apps[0].Status != statusEnabled {
		t.Fatalf("stored %+v", apps)
	}
	if !strings.Contains(streams.Stdout.String(), `Created app "Shop" (`+apps[0].ID+")") {
		t.Errorf("create printed %q", streams.Stdout)
	}
	sent := transport.N
	if sent == 0 {
		t.Error("create sent nothing through the Deps' transport")
	}

	o := updateOptions{Session: sessiontest.Settings(srv, "Shop"), Fields: control.AppFields{Status: strptr(statusDisabled)}}
	if err := runUpdate(ctx, d, o); err != nil {
		t.Fatal(err)
	}
	if got := srv.Apps()[0]; got.Status != statusDisabled || got.Name != "Shop" {
		t.Fatalf("after update: %+v", got)
	}
	if transport.N == sent {
		t.Error("update sent nothing through the Deps' transport")
	}

	ctx, d, streams = plugintest.Options{Format: output.JSON}.Deps(t)
	if err := runList(ctx, d, listOptions{Session: sessiontest.Settings(srv, "")}); err != nil {
		t.Fatal(err)
	}
	if out := streams.Stdout.String(); !strings.HasPrefix(out, `[{"accountId":"`+controltest.DefaultAccountID+`","id":"`+apps[0].ID+`"`) ||
		!strings.Contains(out, `"status":"disabled"`) || !strings.Contains(out, `"current":false`) {
		t.Errorf("list --json = %s", out)
	}
}

// The channel rule commands create, change and (when the prompt agrees) delete the rule.
func TestRunRules(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	yes := true
	ctx, d, _ := plugintest.Options{}.Deps(t)
	if err := runRulesCreate(ctx, d, rulesCreateOptions{Session: sessiontest.Settings(srv, "Demo"), Name: "chat",
		Fields: control.NamespaceFields{Persisted: &yes}}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Namespaces(app.ID); len(got) != 1 || got[0].ID != "chat" || !got[0].Persisted || got[0].PushEnabled {
		t.Fatalf("after create: %+v", got)
	}
	if err := runRulesUpdate(ctx, d, rulesUpdateOptions{Session: sessiontest.Settings(srv, app.ID), Name: "chat",
		Fields: control.NamespaceFields{PushEnabled: &yes}}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Namespaces(app.ID); len(got) != 1 || !got[0].Persisted || !got[0].PushEnabled {
		t.Fatalf("after update: %+v", got)
	}

	ctx, d, streams := plugintest.Options{Format: output.JSON}.Deps(t)
	if err := runRulesList(ctx, d, rulesListOptions{Session: sessiontest.Settings(srv, app.ID)}); err != nil {
		t.Fatal(err)
	}
	if out := streams.Stdout.String(); !strings.Contains(out, `"id":"chat"`) || !strings.Contains(out, `"pushEnabled":true`) {
		t.Errorf("rules list --json = %s", out)
	}

	for _, answer := range []bool{false, true} {
		answers := &plugintest.Answers{Yes: []bool{answer}}
		ctx, d, _ := plugintest.Options{TTY: true, Prompt: answers}.Deps(t)
		err := runRulesDelete(ctx, d, rulesDeleteOptions{Session: sessiontest.Settings(srv, app.ID), Name: "chat"})
		if answer != (err == nil) {
			t.Fatalf("answer %v: %v", answer, err)
		}
		if len(answers.Asked) != 1 || !strings.Contains(answers.Asked[0], `delete channel rule "chat"`) {
			t.Errorf("answer %v: asked %q", answer, answers.Asked)
		}
		if kept := len(srv.Namespaces(app.ID)) == 1; kept == answer {
			t.Errorf("answer %v: rule kept = %v", answer, kept)
		}
	}
}

// The .p12 password is the option's when given, else the environment's; Sandbox then picks
// the APNs endpoint.
func TestRunSetAPNsP12(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	p12 := []byte("not really a p12, but the fake takes any file")
	for _, tc := range []struct {
		password *string
		env      string
		want     string
	}{{nil, "from-env", "from-env"}, {strptr("from-flag"), "from-env", "from-flag"}} {
		srv.ResetRequests()
		sandbox := tc.want == "from-flag"
		ctx, d, _ := plugintest.Options{Vars: map[string]string{envP12Password: tc.env}}.Deps(t)
		o := setAPNsP12Options{Session: sessiontest.Settings(srv, app.ID), P12: p12, Password: tc.password, Sandbox: &sandbox}
		if err := runSetAPNsP12(ctx, d, o); err != nil {
			t.Fatal(err)
		}
		reqs := srv.RequestsMatching("POST", "/apps/*/pkcs12")
		if len(reqs) != 1 || !strings.Contains(string(reqs[0].Body), tc.want) || !strings.Contains(string(reqs[0].Body), string(p12)) {
			t.Fatalf("password %q: sent %q, want the file and the password %q", tc.env, bodyOf(reqs), tc.want)
		}
		if got := srv.Apps()[0]; !got.APNSCertificateConfigured || got.APNSUseSandboxEndpoint != sandbox {
			t.Errorf("stored %+v, want a certificate and sandbox %v", got, sandbox)
		}
	}
}

// runSwitch records the app in the profile; runCurrent reads it back, without a request.
func TestRunSwitchAndCurrent(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Staging"})
	home := t.TempDir()
	path := config.PathIn(filepath.Join(home, ".ably"))
	err := config.Update(context.Background(), path, func(f *config.File) error {
		f.SetCurrent("work")
		return f.PutAccount("work", config.Account{AccessToken: controltest.DefaultToken, AccountID: controltest.DefaultAccountID, ControlHost: srv.URL})
	})
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"HOME": home}

	ctx, d, streams := plugintest.Options{Vars: vars}.Deps(t)
	if err := runSwitch(ctx, d, switchOptions{Session: session.Settings{Flags: resolve.Flags{App: "Staging"}}}); err != nil {
		t.Fatal(err)
	}
	if want := `Switched profile "work" to app "Staging" (` + app.ID + ")"; !strings.Contains(streams.Stdout.String(), want) {
		t.Errorf("switch printed %q, want %q", streams.Stdout, want)
	}
	f, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := f.Account("work"); a.CurrentAppID != app.ID || a.Apps[app.ID].AppName != "Staging" {
		t.Fatalf("profile after switch: %+v", a)
	}

	srv.ResetRequests()
	vars["ABLY_APP_ID"] = "other1"
	ctx, d, streams = plugintest.Options{Vars: vars, Format: output.JSON}.Deps(t)
	if err := runCurrent(ctx, d, currentOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, want := streams.Stdout.String(), `{"profile":"work","id":"`+app.ID+`","name":"Staging"}`+"\n"; got != want {
		t.Errorf("current --json = %q, want %q", got, want)
	}
	if !strings.Contains(streams.Stderr.String(), "ABLY_APP_ID=other1 is set") {
		t.Errorf("current did not warn of ABLY_APP_ID: %q", streams.Stderr)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("current sent %d requests, want none: the profile knows the name", n)
	}
}
