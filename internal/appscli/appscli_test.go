package appscli

import (
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
)

// run runs the plugin in-process against srv with the default token from the environment.
func run(t *testing.T, srv *controltest.Server, args ...string) plugintest.Result {
	t.Helper()
	return plugintest.Options{Vars: map[string]string{
		"ABLY_ACCESS_TOKEN": controltest.DefaultToken,
		"ABLY_CONTROL_HOST": srv.URL,
	}}.Run(t, Plugin(), args...)
}

// TestOnlySetFlagsAreSent checks the bodies sent: partial updates carry exactly the flags
// given, false included, and nothing else.
func TestOnlySetFlagsAreSent(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo", TLSOnly: true})
	srv.AddNamespace(app.ID, controltest.Namespace{ID: "chat", Persisted: true})
	cases := []struct {
		args   []string
		method string
		path   string
		body   string
	}{
		{[]string{"create", "--name", "New"}, "POST", "/accounts/*/apps", `{"name":"New"}`},
		{[]string{"update", "--app", app.ID, "--status", "disabled"}, "PATCH", "/apps/*", `{"status":"disabled"}`},
		{[]string{"update", "--app", app.ID, "--tls-only=false", "--apns-use-sandbox-endpoint"}, "PATCH", "/apps/*",
			`{"tlsOnly":false,"apnsUseSandboxEndpoint":true}`},
		{[]string{"rules", "create", "--app", app.ID, "--name", "news", "--batching-interval", "50"}, "POST", "/apps/*/namespaces",
			`{"id":"news","batchingInterval":50}`},
		{[]string{"rules", "update", "--app", app.ID, "chat", "--persisted=false", "--conflation-key", ""}, "PATCH", "/apps/*/namespaces/*",
			`{"persisted":false,"conflationKey":""}`},
	}
	for _, c := range cases {
		srv.ResetRequests()
		res := run(t, srv, c.args...)
		if res.Code != 0 {
			t.Errorf("%v: exit %d: %s", c.args, res.Code, res.Stderr)
			continue
		}
		reqs := srv.RequestsMatching(c.method, c.path)
		if len(reqs) != 1 || string(reqs[0].Body) != c.body {
			t.Errorf("%v: sent %d %s %s requests, body %q; want one with %s", c.args, len(reqs), c.method, c.path, bodyOf(reqs), c.body)
		}
	}
}

func bodyOf(reqs []controltest.Request) string {
	if len(reqs) == 0 {
		return ""
	}
	return string(reqs[len(reqs)-1].Body)
}

func TestLateFlags(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	srv.AddNamespace(app.ID, controltest.Namespace{ID: "chat"})
	res := run(t, srv, "rules", "update", "chat", "--app", "Demo", "--push-enabled", "--json")
	if res.Code != 0 || !strings.Contains(res.Stdout, `"pushEnabled":true`) {
		t.Fatalf("flags after the name: exit %d, stdout %q, stderr %q", res.Code, res.Stdout, res.Stderr)
	}
	res = run(t, srv, "rules", "delete", "chat", "--app", app.ID, "-f")
	if res.Code != 0 {
		t.Fatalf("-f after the name: exit %d, %s", res.Code, res.Stderr)
	}
	res = run(t, srv, "rules", "update", "chat", "--app")
	if res.Code != exitcode.Usage || !strings.Contains(res.Stderr, "flag --app needs a value") {
		t.Fatalf("a late flag without its value: exit %d, %s", res.Code, res.Stderr)
	}
}

func TestParseMillis(t *testing.T) {
	for in, want := range map[string]int{"50": 50, " 20 ": 20, "1s": 1000, "100ms": 100, "1m": 60000} {
		if got, err := parseMillis(in); err != nil || got != want {
			t.Errorf("parseMillis(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "1.5ms", "1us", "9999999999s"} {
		if got, err := parseMillis(in); err == nil {
			t.Errorf("parseMillis(%q) = %d, want an error", in, got)
		}
	}
}

func TestCheckRuleName(t *testing.T) {
	for _, ok := range []string{"chat", "my-app_1", "a.b", "-odd"} {
		if err := checkRuleName("--name", ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "chat:room", "[meta]chat", "my chat", "tab\there"} {
		if err := checkRuleName("--name", bad); exitcode.Of(err) != exitcode.Usage {
			t.Errorf("%q: got %v, want a usage error", bad, err)
		}
	}
}

func TestRuleSummary(t *testing.T) {
	ms := func(n int) *int { return &n }
	cases := []struct {
		rule control.Namespace
		want string
	}{
		{control.Namespace{}, "-"},
		{control.Namespace{Persisted: true, TLSOnly: true}, "persisted, tls-only"},
		{control.Namespace{BatchingEnabled: true}, "batching"},
		{control.Namespace{BatchingEnabled: true, BatchingInterval: ms(20), ConflationEnabled: true, ConflationInterval: ms(500), ConflationKey: "k"},
			`batching 20ms, conflation 500ms key="k"`},
		{control.Namespace{BatchingInterval: ms(20)}, "-"}, // an interval alone turns nothing on
	}
	for _, c := range cases {
		if got := ruleSummary(c.rule); got != c.want {
			t.Errorf("ruleSummary(%+v) = %q, want %q", c.rule, got, c.want)
		}
	}
}

func TestOrList(t *testing.T) {
	if got := orList([]string{"a", "b", "c"}); got != "a, b or c" {
		t.Errorf("got %q", got)
	}
	if got := orList([]string{"a"}); got != "a" {
		t.Errorf("got %q", got)
	}
}
