package ably_test

import (
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/groups"
	"github.com/ably/ably-suite/internal/pushcred/pushcredtest"
	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/realtimetest"
	"github.com/ably/ably-suite/pkg/resttest"
)

// The secrets every command of the audit runs with. Neither may appear on stdout, on stderr
// or in a child process's arguments, except the key secret where the user asked for it
// (--show-secret). --token-only prints a token the command issued, never either secret.
const (
	auditKeySecret   = "auditKeySecretXq7Zr"
	auditAccessToken = "audit-access-token-Zk4Wm"
	// The push credentials' secrets: a .p12 password, and the private key of a Firebase
	// service account (the .p8 signing key's own body is audit.p8Body).
	auditP12Password  = "audit-p12-password-Vb2Lq"
	auditFCMKeySecret = "audit-fcm-private-key-Hn8Ty"
)

// TestSecretsAudit runs every command of the suite, on its success path, with --verbose,
// with --json, and on failure paths (server errors, a rejected token, bad input), with a known
// key secret and access token, and fails if either leaks.
func TestSecretsAudit(t *testing.T) {
	a := newAudit(t)

	invocations := a.invocations()
	a.requireEveryCommand(invocations)

	for _, inv := range invocations {
		res := a.run(inv, "--verbose")
		if res.err != nil {
			// The audit proves nothing about a success path that did not succeed.
			t.Fatalf("ably %s failed: %v\n%s", strings.Join(res.args, " "), res.err, res.stderr)
		}
		a.check(inv, res)
		if slices.Contains(inv, "--show-secret") && !strings.Contains(res.stdout, auditKeySecret) {
			t.Fatalf("ably %s did not show the secret it was asked for: the check cannot see secrets", strings.Join(res.args, " "))
		}
	}
	// JSON output, on repeat runs (the writes among them now fail or do nothing new).
	for _, inv := range invocations {
		a.check(inv, a.run(inv, "--json", "--verbose"))
	}

	// Failure paths: the server fails or rejects the token; commands still say nothing
	// secret.
	for i, inv := range invocations {
		status := []int{500, 401}[i%2]
		a.ctl.AddFault(controltest.Fault{Status: status})
		a.check(inv, a.run(inv, "--verbose"))
		a.ctl.ClearFaults()
	}

	// Bad input that echoes what it was given must not echo secrets.
	home := a.home()
	for _, inv := range [][]string{
		{"auth", "issue-jwt-token", "--api-key", "nodot:" + auditKeySecret},
		{"auth", "issue-jwt-token", "--api-key", "other.k:" + auditKeySecret, "--app", "mismatch"},
		{"auth", "issue-ably-token", "--api-key", "bad key:" + auditKeySecret},
		{"accounts", "login", "--token", auditAccessToken + "x", "--alias", "rejected"},
		{"push", "config", "set-apns", "--key-file", filepath.Join(home, "key.p8"), "--key-id", "K", "--team-id", "T", "--password", auditP12Password},
		{"push", "config", "set-apns", "--certificate", filepath.Join(home, "key.p8"), "--password", auditP12Password},
		{"push", "config", "set-apns", "--key-file", filepath.Join(home, "firebase.json"), "--key-id", "K", "--team-id", "T", "--topic", "t"},
		{"push", "config", "set-fcm", "--service-account", filepath.Join(home, "no-project.json")},
		{"push", "config", "set-fcm", "--service-account", filepath.Join(home, "key.p8")},
	} {
		res := a.run(inv, "--verbose")
		// The user typed the secret on the command line here, so only the output is checked.
		a.checkOutput(inv, res)
	}

	a.checkChildArguments()
}

type audit struct {
	t        *testing.T
	ctl      *controltest.Server
	rest     *realtimetest.Server
	env      []string
	spyLog   string
	appID    string
	ruleID   string
	queueID  string
	otherKey string
	serial   string // a message on the mutable channel chat:1
	jwt      string // an Ably JWT of the audit key, itself a secret
	p8Body   string // the base64 body of the audit's .p8 signing key
}

type result struct {
	stdout, stderr string
	args           []string
	err            error
}

func newAudit(t *testing.T) *audit {
	t.Helper()
	a := &audit{t: t, ctl: controltest.New()}
	t.Cleanup(a.ctl.Close)
	a.ctl.SetToken(controltest.Token{Value: auditAccessToken, ID: "tok-audit", Name: "Audit", Capabilities: controltest.AllCapabilities()})
	app := a.ctl.AddApp("", controltest.App{Name: "audit"})
	a.appID = app.ID
	key := a.ctl.AddKey(app.ID, controltest.Key{ID: "kAudit", Key: app.ID + ".kAudit:" + auditKeySecret, RevocableTokens: true,
		Capability: map[string][]string{"[*]*": {"*"}}}) // every channel, [meta] ones too (ably logs)
	other := a.ctl.AddKey(app.ID, controltest.Key{ID: "kOther", Key: app.ID + ".kOther:" + auditKeySecret + "2"})
	a.otherKey = other.ID
	a.ctl.AddNamespace(app.ID, controltest.Namespace{ID: "chat"})
	a.queueID = a.ctl.AddQueue(app.ID, controltest.Queue{Name: "audit queue"}).ID
	a.ruleID = a.ctl.AddRule(app.ID, map[string]any{"ruleType": "http", "requestMode": "single",
		"source": map[string]any{"channelFilter": "", "type": "channel.message"}, "target": map[string]any{"url": "https://example.com/hook"}}).ID()
	a.rest = realtimetest.New(realtimetest.WithREST(resttest.WithMutable(func(_, ch string) bool { return strings.HasPrefix(ch, "chat:") }), resttest.WithKeys(func(name string) (resttest.Key, bool) {
		for _, k := range a.ctl.Keys(app.ID) {
			if k.AppID+"."+k.ID == name {
				return resttest.Key{Key: k.Key, Capability: k.Capability, RevocableTokens: k.RevocableTokens}, true
			}
		}
		return resttest.Key{}, false
	})))
	t.Cleanup(a.rest.Close)
	a.serial = a.rest.Publish("chat:1", resttest.Message{Name: "seed", Data: []byte(`"seeded"`)})[0].Serial
	a.rest.Publish("[meta]log", resttest.Message{Name: "log", Data: []byte(`{"error":"seeded"}`)})
	a.rest.Publish("[meta]log:push", resttest.Message{Name: "push.delivered", Data: []byte(`"seeded"`)})
	a.rest.Publish("[meta]channel.lifecycle", resttest.Message{Name: "channel.opened", Data: []byte(`{"name":"seeded"}`)})
	a.rest.Publish("[meta]connection.lifecycle", resttest.Message{Name: "connection.opened", Data: []byte(`{"connectionId":"seeded"}`)})
	a.rest.EnterPresence("chat:1", resttest.PresenceMember{ClientID: "audit-member", ConnectionID: "conn1"})
	sk, err := ablyauth.ParseKey(key.Key)
	must(t, err)
	jwt, err := ablyauth.NewIssuer().Issue(sk, ablyauth.JWTRequest{ClientID: "audit-client", TTL: time.Hour, Capability: ablyauth.Capability{"[*]*": {"*"}}})
	must(t, err)
	a.jwt = jwt.Token

	home := t.TempDir()
	cfgDir := filepath.Join(home, ".ably")
	config := fmt.Sprintf(`[current]
account = "audit"

[accounts.audit]
accessToken = %q
accountId = %q
currentAppId = %q

[accounts.audit.apps.%s]
appName = "audit"
apiKey = %q
keyId = "kAudit"
keyName = %q
`, auditAccessToken, controltest.DefaultAccountID, app.ID, app.ID, key.Key, app.ID+".kAudit")
	must(t, os.MkdirAll(cfgDir, 0o700))
	must(t, os.WriteFile(filepath.Join(cfgDir, "config"), []byte(config), 0o600))
	must(t, os.WriteFile(filepath.Join(home, "cert.p12"), pushcredtest.PFX(), 0o600))
	p8 := pushcredtest.P8()
	must(t, os.WriteFile(filepath.Join(home, "key.p8"), p8, 0o600))
	block, _ := pem.Decode(p8)
	a.p8Body = base64.StdEncoding.EncodeToString(block.Bytes)[:40]
	serviceAccount := `{"type":"service_account","project_id":"audit-project","private_key":"-----BEGIN PRIVATE KEY-----\n` + auditFCMKeySecret + `\n-----END PRIVATE KEY-----\n"}`
	must(t, os.WriteFile(filepath.Join(home, "firebase.json"), []byte(serviceAccount), 0o600))
	must(t, os.WriteFile(filepath.Join(home, "no-project.json"), []byte(`{"type":"service_account","private_key":"`+auditFCMKeySecret+`"}`), 0o600))

	// A plugin that records the arguments of every run (metadata calls, completion, dispatch).
	spyDir := t.TempDir()
	a.spyLog = filepath.Join(spyDir, "args.log")
	spy := "#!/bin/sh\necho \"$*\" >> " + a.spyLog + "\n" +
		"[ \"$1\" = ably-plugin-metadata ] && echo '{\"schemaVersion\":\"1\",\"name\":\"spy\",\"vendor\":\"T\",\"version\":\"1\",\"shortDescription\":\"Spy\"}'\nexit 0\n"
	must(t, os.WriteFile(filepath.Join(spyDir, "ably-spy"), []byte(spy), 0o755))

	bin := suiteBinDir(t)
	a.env = []string{
		"HOME=" + home, "ABLY_CLI_CONFIG_DIR=" + cfgDir, "XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"PATH=" + bin + string(filepath.ListSeparator) + spyDir,
		"ABLY_CONTROL_HOST=" + a.ctl.URL, "ABLY_ENDPOINT=" + a.rest.URL,
		"NO_COLOR=1", "GORACE=atexit_sleep_ms=0",
	}
	return a
}

// home is the audit's HOME, where its files are.
func (a *audit) home() string {
	return filepath.Dir(strings.TrimPrefix(a.env[1], "ABLY_CLI_CONFIG_DIR="))
}

// invocations is one run of every command of the suite.
func (a *audit) invocations() [][]string {
	app, home := a.appID, a.home()
	return [][]string{
		{"accounts", "list"},
		{"accounts", "current"},
		{"accounts", "switch", "audit"},
		{"apps", "list"},
		{"apps", "create", "--name", "created by audit"},
		{"apps", "update", "--app", app, "--tls-only"},
		{"apps", "switch", app},
		{"apps", "current"},
		{"apps", "set-apns-p12", "--certificate", filepath.Join(home, "cert.p12"), "--password", auditP12Password},
		{"apps", "channel-rules", "list"},
		{"apps", "channel-rules", "create", "--name", "news", "--persisted"},
		{"apps", "channel-rules", "update", "news", "--push-enabled"},
		{"apps", "channel-rules", "delete", "news", "--force"},
		{"apps", "delete", "--app", "created by audit", "--force"},
		{"auth", "issue-jwt-token"},
		{"auth", "issue-jwt-token", "--token-only"},
		{"auth", "issue-ably-token"},
		{"auth", "issue-ably-token", "--token-only"},
		{"auth", "revoke-token", "--client-id", "someone", "--force"},
		{"auth", "inspect-token", a.jwt},
		{"auth", "keys", "list"},
		{"auth", "keys", "list", "--show-secret"},
		{"auth", "keys", "get", "kAudit"},
		{"auth", "keys", "get", "kAudit", "--show-secret"},
		{"auth", "keys", "create", "--name", "audit key", "--capability", "subscribe"},
		{"auth", "keys", "update", "kAudit", "--name", "renamed"},
		{"auth", "keys", "switch", "kAudit"},
		{"auth", "keys", "current"},
		{"auth", "keys", "current", "--show-secret"},
		{"auth", "keys", "revoke", a.otherKey, "--force"},
		{"integrations", "list"},
		{"integrations", "get", a.ruleID},
		{"integrations", "create", "--type", "aws/lambda", "--region", "us-east-1", "--function-name", "f",
			"--aws-access-key-id", "AKIAAUDIT", "--aws-secret-access-key", "aws-secret-value"},
		{"integrations", "update", a.ruleID, "--status", "disabled"},
		{"integrations", "delete", a.ruleID, "--force"},
		{"push", "config", "show"},
		{"push", "config", "set-apns", "--certificate", filepath.Join(home, "cert.p12"), "--password", auditP12Password, "--sandbox"},
		{"push", "config", "set-apns", "--key-file", filepath.Join(home, "key.p8"), "--key-id", "ABC123DEFG", "--team-id", "TEAMID1234", "--topic", "com.example.audit"},
		{"push", "config", "set-fcm", "--service-account", filepath.Join(home, "firebase.json")},
		{"push", "config", "clear-apns", "--force"},
		{"push", "config", "clear-fcm", "--force"},
		{"queues", "list"},
		{"queues", "create", "--name", "audit q2"},
		{"queues", "delete", a.queueID, "--force"},
		{"stats", "account"},
		{"stats", "app"},
		{"channels", "publish", "chat:1", "hello from the audit"},
		{"channels", "publish", "chat:1", "token {{.Count}}", "--count", "2", "--delay", "0", "--token", a.jwt},
		{"channels", "history", "chat:1"},
		{"channels", "history", "chat:1", "--token", a.jwt},
		{"channels", "list"},
		{"channels", "batch-publish", "--channels", "chat:1,chat:2", "batch"},
		{"channels", "presence", "get", "chat:1"},
		{"channels", "occupancy", "get", "chat:1"},
		{"channels", "get-message", "chat:1", a.serial},
		{"channels", "update", "chat:1", a.serial, "updated"},
		{"channels", "append", "chat:1", a.serial, " and appended"},
		{"channels", "annotations", "publish", "chat:1", a.serial, "reaction:distinct.v1", "--name", "like"},
		{"channels", "annotations", "get", "chat:1", a.serial},
		{"channels", "annotations", "delete", "chat:1", a.serial, "reaction:distinct.v1", "--name", "like"},
		{"channels", "delete", "chat:1", a.serial, "--description", "audit"},
		{"channels", "subscribe", "chat:1", "--rewind", "1", "--count", "1"},
		{"channels", "subscribe", "chat:1", "--rewind", "1", "--count", "1", "--token", a.jwt},
		{"channels", "publish", "chat:1", "over realtime", "--transport", "realtime"},
		{"channels", "presence", "enter", "chat:1", "--data", "here", "--duration", "1"},
		{"channels", "presence", "subscribe", "chat:1", "--count", "1"},
		{"channels", "occupancy", "subscribe", "chat:1", "--count", "1"},
		{"channels", "annotations", "subscribe", "chat:1", "--duration", "1"},
		{"connections", "test"},
		{"logs", "history"},
		{"logs", "subscribe", "--rewind", "1", "--count", "1"},
		{"logs", "channel-lifecycle", "subscribe", "--rewind", "1", "--count", "1"},
		{"logs", "connection-lifecycle", "subscribe", "--rewind", "1", "--count", "1", "--token", a.jwt},
		{"logs", "push", "subscribe", "--rewind", "1", "--count", "1"},
		{"logs", "connection-lifecycle", "history", "--token", a.jwt},
		{"logs", "push", "history"},
	}
}

// requireEveryCommand fails when a command of the suite is missing from the audit, so a new
// command cannot skip it. The emulator's are not run: they read no credential (start makes
// its own, at random, and prints them by design; status and stop read only its pid file).
func (a *audit) requireEveryCommand(invocations [][]string) {
	covered := map[string]bool{}
	for _, inv := range invocations {
		covered[strings.Join(inv, " ")] = true
	}
	has := func(path string) bool {
		for c := range covered {
			if c == path || strings.HasPrefix(c, path+" ") {
				return true
			}
		}
		return false
	}
	for _, p := range groups.Plugins() {
		for _, path := range leafCommands(p.Metadata.Name, p.CLIApp().Commands) {
			if !has(path) && path != "accounts login" && path != "accounts logout" && !strings.HasPrefix(path, "emulator ") {
				a.t.Errorf("the secrets audit does not run %q: add it to invocations", "ably "+path)
			}
		}
	}
}

func leafCommands(prefix string, cmds []*cli.Command) []string {
	var out []string
	for _, c := range cmds {
		if c.Hidden {
			continue
		}
		if len(c.Subcommands) > 0 {
			out = append(out, leafCommands(prefix+" "+c.Name, c.Subcommands)...)
			continue
		}
		out = append(out, prefix+" "+c.Name)
	}
	return out
}

func (a *audit) run(inv []string, extra ...string) result {
	args := append(slices.Clone(inv), extra...)
	cmd := exec.Command("ably", args...)
	cmd.Env = a.env
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return result{stdout: stdout.String(), stderr: stderr.String(), args: args, err: err}
}

// check fails when a secret the user did not ask to see shows in the run's output.
func (a *audit) check(inv []string, res result) {
	if strings.Contains(strings.Join(inv, " "), auditAccessToken) || strings.Contains(strings.Join(inv, " "), auditKeySecret) {
		a.t.Fatalf("invocation %v carries a secret itself", inv)
	}
	a.checkOutput(inv, res)
}

func (a *audit) checkOutput(inv []string, res result) {
	a.t.Helper()
	showSecret := slices.Contains(res.args, "--show-secret")
	for name, out := range map[string]string{"stdout": res.stdout, "stderr": res.stderr} {
		if strings.Contains(out, auditAccessToken) {
			a.t.Errorf("ably %s: the access token appears on %s:\n%s", strings.Join(res.args, " "), name, out)
		}
		if strings.Contains(out, auditKeySecret) && !(showSecret && name == "stdout") {
			a.t.Errorf("ably %s: the key secret appears on %s:\n%s", strings.Join(res.args, " "), name, out)
		}
		if strings.Contains(out, a.jwt) {
			a.t.Errorf("ably %s: the JWT appears on %s:\n%s", strings.Join(res.args, " "), name, out)
		}
		if strings.Contains(out, "aws-secret-value") && !showSecret {
			a.t.Errorf("ably %s: an integration's secret appears on %s:\n%s", strings.Join(res.args, " "), name, out)
		}
		for what, secret := range map[string]string{"the .p12 password": auditP12Password, "the .p8 signing key": a.p8Body,
			"the service account's key": auditFCMKeySecret, "a private key": "PRIVATE KEY-----\n"} {
			if strings.Contains(out, secret) {
				a.t.Errorf("ably %s: %s appears on %s:\n%s", strings.Join(res.args, " "), what, name, out)
			}
		}
	}
}

// checkChildArguments runs what starts other processes (help and plugin list run every
// plugin, completion runs the plugin, dispatch execs it) with the secrets in the environment,
// and checks that no child was given one as an argument.
func (a *audit) checkChildArguments() {
	env := append(slices.Clone(a.env), "ABLY_API_KEY="+a.appID+".kAudit:"+auditKeySecret, "ABLY_ACCESS_TOKEN="+auditAccessToken)
	for _, args := range [][]string{{"help"}, {"plugin", "list"}, {"__complete", "spy", ""}, {"spy", "run"},
		{"--profile", "audit", "spy", "x"}, {"--verbose", "spy", "y"}} {
		cmd := exec.Command("ably", args...)
		cmd.Env = env
		out, _ := cmd.CombinedOutput()
		if strings.Contains(string(out), auditAccessToken) || strings.Contains(string(out), auditKeySecret) {
			a.t.Errorf("ably %s printed a secret:\n%s", strings.Join(args, " "), out)
		}
	}
	log, err := os.ReadFile(a.spyLog)
	if err != nil || len(log) == 0 {
		a.t.Fatalf("the spy plugin was never run: %v", err)
	}
	if strings.Contains(string(log), auditAccessToken) || strings.Contains(string(log), auditKeySecret) {
		a.t.Errorf("a child process was given a secret as an argument:\n%s", log)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
