package pushcli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ably/ably-suite/internal/pushcred/pushcredtest"
	"github.com/ably/ably-suite/internal/sessiontest"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
)

// run runs the plugin in-process against srv with the default token from the environment.
func run(t *testing.T, srv *controltest.Server, vars map[string]string, args ...string) plugintest.Result {
	t.Helper()
	env := map[string]string{"ABLY_ACCESS_TOKEN": controltest.DefaultToken, "ABLY_CONTROL_HOST": srv.URL}
	for k, v := range vars {
		env[k] = v
	}
	return plugintest.Options{Vars: env}.Run(t, Plugin(), args...)
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// lastBody decodes the body of the last request matching method and pattern.
func lastBody(t *testing.T, srv *controltest.Server, method, pattern string) map[string]any {
	t.Helper()
	reqs := srv.RequestsMatching(method, pattern)
	if len(reqs) == 0 {
		t.Fatalf("no %s %s request", method, pattern)
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[len(reqs)-1].Body, &body); err != nil {
		t.Fatalf("body %q: %v", reqs[len(reqs)-1].Body, err)
	}
	return body
}

// Token auth sends every token field, the key as the file holds it, and the endpoint
// (production unless --sandbox), in one PATCH named as app_patch names them.
func TestSetAPNsTokenSendsEveryField(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	key := pushcredtest.P8()
	keyFile := writeFile(t, "AuthKey.p8", key)
	res := run(t, srv, nil, "config", "set-apns", "--app", app.ID, "--key-file", keyFile, "--key-id", "ABC123DEFG", "--team-id", "TEAMID1234", "--topic", "com.example.app")
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	body := lastBody(t, srv, "PATCH", "/apps/*")
	want := map[string]any{"apnsAuthType": "token", "apnsSigningKey": string(key), "apnsSigningKeyId": "ABC123DEFG",
		"apnsIssuerKey": "TEAMID1234", "apnsTopicHeader": "com.example.app", "apnsUseSandboxEndpoint": false}
	if len(body) != len(want) {
		t.Errorf("sent %d fields, want %d: %v", len(body), len(want), keysOf(body))
	}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("%s = %v, want %v", k, body[k], v)
		}
	}
	if strings.Contains(res.Stdout+res.Stderr, "PRIVATE KEY") {
		t.Errorf("the key shows in the output:\n%s%s", res.Stdout, res.Stderr)
	}
	if got := srv.Apps()[0]; !got.APNSSigningKeyConfigured {
		t.Errorf("stored %+v", got)
	}
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Certificate auth uploads the file and the password (the flag's, else the environment's);
// the endpoint is changed only when --sandbox is given.
func TestSetAPNsCertificate(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	p12 := pushcredtest.PFX()
	file := writeFile(t, "push.p12", p12)
	for _, tc := range []struct {
		args    []string
		env     string
		want    string
		patches int
	}{
		{[]string{"--password", "from-flag"}, "from-env", "from-flag", 0},
		{nil, "from-env", "from-env", 0},
		{[]string{"--sandbox=false"}, "from-env", "from-env", 1},
	} {
		srv.ResetRequests()
		args := append([]string{"config", "set-apns", "--app", app.ID, "--certificate", file}, tc.args...)
		res := run(t, srv, map[string]string{"ABLY_APNS_P12_PASSWORD": tc.env}, args...)
		if res.Code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, res.Code, res.Stderr)
		}
		reqs := srv.RequestsMatching("POST", "/apps/*/pkcs12")
		if len(reqs) != 1 || !strings.Contains(string(reqs[0].Body), string(p12)) || !strings.Contains(string(reqs[0].Body), tc.want) {
			t.Errorf("%v: sent %d uploads, want one with the file and the password %q", tc.args, len(reqs), tc.want)
		}
		if n := len(srv.RequestsMatching("PATCH", "/apps/*")); n != tc.patches {
			t.Errorf("%v: %d PATCHes, want %d", tc.args, n, tc.patches)
		}
		if strings.Contains(res.Stdout+res.Stderr, tc.want) {
			t.Errorf("%v: the password shows in the output", tc.args)
		}
	}
	if got := lastBody(t, srv, "PATCH", "/apps/*"); len(got) != 1 || got["apnsUseSandboxEndpoint"] != false {
		t.Errorf("the endpoint PATCH sent %v", got)
	}
}

// Mixing the modes, or leaving out a flag of token auth, is a usage error naming the flag,
// with no request.
func TestSetAPNsUsage(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	srv.AddApp("", controltest.App{Name: "Demo"})
	p12 := writeFile(t, "push.p12", pushcredtest.PFX())
	p8 := writeFile(t, "AuthKey.p8", pushcredtest.P8())
	pem := writeFile(t, "cert.pem", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	token := []string{"--key-id", "K", "--team-id", "T", "--topic", "t"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "missing the credentials"},
		{[]string{"--certificate", p12, "--key-file", p8}, "--certificate and --key-file exclude each other"},
		{[]string{"--certificate", p12, "--topic", "t"}, "--topic is for token auth"},
		{append([]string{"--key-file", p8, "--password", "pw"}, token...), "--password is for a .p12 --certificate"},
		{[]string{"--key-file", p8, "--key-id", "K", "--team-id", "T"}, "--topic is required with --key-file"},
		{[]string{"--key-file", p8, "--key-id", "K", "--topic", "t"}, "--team-id is required with --key-file"},
		{append([]string{"--key-file", p12}, token...), "not a .p8 key"},
		{[]string{"--certificate", pem}, "a PEM file"},
		{[]string{"--certificate", p8}, "openssl pkcs12 -export"},
	} {
		res := run(t, srv, nil, append([]string{"config", "set-apns", "--app", "Demo"}, tc.args...)...)
		if res.Code != exitcode.Usage || !strings.Contains(res.Stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", tc.args, res.Code, res.Stderr, tc.want)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// set-fcm sends the file's text unchanged and the project ID it names.
func TestSetFCM(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	text := "{\n  \"type\": \"service_account\",\n  \"project_id\": \"my-project\",\n  \"private_key\": \"secret\"\n}\n"
	res := run(t, srv, nil, "config", "set-fcm", "--app", app.ID, "--service-account", writeFile(t, "sa.json", []byte(text)), "--json")
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	if body := lastBody(t, srv, "PATCH", "/apps/*"); len(body) != 2 || body["fcmServiceAccount"] != text || body["fcmProjectId"] != "my-project" {
		t.Errorf("sent %v", body)
	}
	var got changed
	if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil || got.Updated != "fcm" || !got.FCM.Configured || *got.FCM.ProjectID != "my-project" {
		t.Errorf("--json %s (%v)", res.Stdout, err)
	}
	if strings.Contains(res.Stdout, "secret") {
		t.Errorf("the service account shows: %s", res.Stdout)
	}
}

// clear-apns resets every APNs setting with null, after the prompt says yes; a no, or an app
// with nothing to clear, sends nothing.
func TestClearAPNs(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	token, topic := "token", "com.example.app"
	app := srv.AddApp("", controltest.App{Name: "Demo", APNSAuthType: &token, APNSSigningKeyConfigured: true, APNSTopicHeader: &topic, FCMServiceAccountConfigured: true})

	answers := &plugintest.Answers{Yes: []bool{false}}
	ctx, d, _ := plugintest.Options{TTY: true, Prompt: answers}.Deps(t)
	err := runClear(ctx, d, clearOptions{Session: sessiontest.Settings(srv, app.ID)}, apnsService())
	if exitcode.Of(err) != exitcode.Failure || len(answers.Asked) != 1 || !strings.Contains(answers.Asked[0], `clear the APNs configuration`) {
		t.Fatalf("answered no: %v, asked %q", err, answers.Asked)
	}
	if n := len(srv.RequestsMatching("PATCH", "/apps/*")); n != 0 {
		t.Fatalf("answered no, and %d PATCHes were sent", n)
	}

	answers = &plugintest.Answers{Yes: []bool{true}}
	ctx, d, streams := plugintest.Options{TTY: true, Prompt: answers}.Deps(t)
	if err := runClear(ctx, d, clearOptions{Session: sessiontest.Settings(srv, app.ID)}, apnsService()); err != nil {
		t.Fatal(err)
	}
	body := lastBody(t, srv, "PATCH", "/apps/*")
	for _, name := range control.APNsSettings() {
		if v, ok := body[name]; !ok || v != nil {
			t.Errorf("%s: sent %v (present %v), want null", name, v, ok)
		}
	}
	if len(body) != len(control.APNsSettings()) {
		t.Errorf("sent %v", keysOf(body))
	}
	if got := srv.Apps()[0]; got.APNSSigningKeyConfigured || got.APNSAuthType != nil || got.APNSTopicHeader != nil || !got.FCMServiceAccountConfigured {
		t.Errorf("stored %+v: want APNs cleared, FCM kept", got)
	}
	if !strings.Contains(streams.Stdout.String(), "Cleared the APNs configuration") {
		t.Errorf("output %q", streams.Stdout)
	}

	// Nothing left to clear: no question, no PATCH.
	srv.ResetRequests()
	answers = &plugintest.Answers{}
	ctx, d, streams = plugintest.Options{TTY: true, Prompt: answers}.Deps(t)
	if err := runClear(ctx, d, clearOptions{Session: sessiontest.Settings(srv, app.ID)}, apnsService()); err != nil {
		t.Fatal(err)
	}
	if len(answers.Asked) != 0 || len(srv.RequestsMatching("PATCH", "/apps/*")) != 0 || !strings.Contains(streams.Stdout.String(), "nothing to clear") {
		t.Errorf("asked %q, output %q", answers.Asked, streams.Stdout)
	}
}

// With --json, or off a terminal, and no --force, clearing is refused before any request,
// even on a terminal for --json.
func TestClearNeedsForce(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo", FCMServiceAccountConfigured: true})
	for _, o := range []plugintest.Options{{TTY: true, Format: output.JSON, Prompt: &plugintest.Answers{}}, {}} {
		transport := &plugintest.CountingTransport{}
		o.Transport = transport
		ctx, d, _ := o.Deps(t)
		err := runClear(ctx, d, clearOptions{Session: sessiontest.Settings(srv, app.ID)}, fcmService())
		if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "--force") {
			t.Errorf("TTY %v, format %v: %v, want a usage error asking for --force", o.TTY, o.Format, err)
		}
		if transport.N != 0 {
			t.Errorf("TTY %v, format %v: %d requests", o.TTY, o.Format, transport.N)
		}
	}
	ctx, d, streams := plugintest.Options{Format: output.JSON}.Deps(t)
	if err := runClear(ctx, d, clearOptions{Session: sessiontest.Settings(srv, app.ID), Force: true}, fcmService()); err != nil {
		t.Fatal(err)
	}
	if out := streams.Stdout.String(); !strings.HasPrefix(out, `{"cleared":"fcm","wasConfigured":true,"appId":"`+app.ID+`"`) {
		t.Errorf("--json %s", out)
	}
}

func TestDetails(t *testing.T) {
	sandbox, id := false, "K"
	cfg := configOf(control.App{ID: "a", APNsCertificateConfigured: true, APNsSigningKeyID: &id, APNsUseSandboxEndpoint: &sandbox})
	got := map[string]string{}
	for _, f := range cfg.details() {
		got[f.Label] = f.Value
	}
	for label, want := range map[string]string{"APNs": "configured (a .p12 certificate)", "APNs auth type": "-", "APNs key ID": "K",
		"APNs endpoint": "production", "FCM": "not configured", "FCM service account": "not configured"} {
		if got[label] != want {
			t.Errorf("%s: %q, want %q", label, got[label], want)
		}
	}
	if !cfg.APNs.Configured || cfg.FCM.Configured {
		t.Errorf("config %+v", cfg)
	}
	cfg = configOf(control.App{})
	if cfg.details()[7].Value != "-" {
		t.Errorf("an unknown endpoint: %q", cfg.details()[7].Value)
	}
}
