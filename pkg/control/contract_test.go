package control

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/controltest/controlspec"
)

// TestContract drives every call of the client against the fake Control API with the
// published spec loaded: every request the client sends and every response the fake returns
// is checked against ../shared/spec/control-v1.yaml.
func TestContract(t *testing.T) {
	srv := controltest.New(controltest.WithSpec(controlspec.MustLoad(t)))
	defer srv.Close()
	base, err := BaseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{BaseURL: base, Token: controltest.DefaultToken, Retry: NoRetries()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	me, err := c.Me(ctx)
	must("me", err)
	if me.AccountID != controltest.DefaultAccountID || len(me.Capabilities) != 11 {
		t.Fatalf("me = %+v", me)
	}
	acc := me.AccountID

	app, err := c.CreateApp(ctx, acc, AppFields{Name: ptr("contract app"), TLSOnly: ptr(true)})
	must("create app", err)
	apps, err := c.ListApps(ctx, acc)
	must("list apps", err)
	if len(apps) == 0 || apps[len(apps)-1].ID != app.ID {
		t.Fatalf("created app %s not listed: %+v", app.ID, apps)
	}
	_, err = c.UpdateApp(ctx, app.ID, AppFields{Status: ptr("disabled"), APNsUseSandboxEndpoint: ptr(false)})
	must("update app", err)
	_, err = c.UploadPKCS12(ctx, app.ID, []byte("\x30\x82binary-p12"), "pass")
	must("upload pkcs12", err)
	cleared, err := c.ClearAppSettings(ctx, app.ID, APNsSettings()...)
	must("clear APNs settings", err)
	if cleared.APNsCertificateConfigured || cleared.APNsAuthType != nil {
		t.Fatalf("after clearing APNs: %+v", cleared)
	}
	_, err = c.UpdateApp(ctx, app.ID, AppFields{FCMServiceAccount: ptr(`{"type":"service_account"}`), FCMProjectID: ptr("p")})
	must("set FCM", err)
	cleared, err = c.ClearAppSettings(ctx, app.ID, FCMSettings()...)
	must("clear FCM settings", err)
	if cleared.FCMServiceAccountConfigured || cleared.FCMProjectID != nil {
		t.Fatalf("after clearing FCM: %+v", cleared)
	}
	if _, err := c.ClearAppSettings(ctx, app.ID, "name"); err == nil || !strings.Contains(err.Error(), `"name" is not an app setting that can be cleared`) {
		t.Fatalf("clearing the name: %v", err)
	}

	key, err := c.CreateKey(ctx, app.ID, KeyFields{Name: ptr("subscriber"), Capability: map[string][]string{"chat:*": {"subscribe"}}})
	must("create key", err)
	_, err = c.UpdateKey(ctx, app.ID, key.ID, KeyFields{Name: ptr("renamed")})
	must("update key", err)
	keys, err := c.ListKeys(ctx, app.ID)
	must("list keys", err)
	if len(keys) < 2 { // the app's root key and ours
		t.Fatalf("keys %+v", keys)
	}
	must("revoke key", c.RevokeKey(ctx, app.ID, key.ID))

	_, err = c.CreateNamespace(ctx, app.ID, "chat", NamespaceFields{Persisted: ptr(true), BatchingEnabled: ptr(true), BatchingInterval: ptr(100)})
	must("create namespace", err)
	_, err = c.UpdateNamespace(ctx, app.ID, "chat", NamespaceFields{Persisted: ptr(false)})
	must("update namespace", err)
	_, err = c.ListNamespaces(ctx, app.ID)
	must("list namespaces", err)
	must("delete namespace", c.DeleteNamespace(ctx, app.ID, "chat"))

	q, err := c.CreateQueue(ctx, app.ID, QueueFields{Name: "my queue", TTL: 60, MaxLength: 10000, Region: "us-east-1-a"})
	must("create queue", err)
	if !strings.Contains(q.ID, ":") || !strings.Contains(q.ID, " ") {
		t.Fatalf("queue ID %q: want colons and the name's space", q.ID)
	}
	_, err = c.ListQueues(ctx, app.ID)
	must("list queues", err)
	must("delete queue", c.DeleteQueue(ctx, app.ID, q.ID))

	rule, err := c.CreateRule(ctx, app.ID, json.RawMessage(`{"ruleType":"http","requestMode":"single","source":{"channelFilter":"^chat","type":"channel.message"},"target":{"url":"https://example.com/hook","format":"json"}}`))
	must("create rule", err)
	_, err = c.GetRule(ctx, app.ID, rule.ID)
	must("get rule", err)
	_, err = c.UpdateRule(ctx, app.ID, rule.ID, json.RawMessage(`{"ruleType":"http","status":"disabled"}`))
	must("update rule", err)
	srv.AddRule(app.ID, map[string]any{"ruleType": "unsupported", "requestMode": "single", "source": map[string]any{"channelFilter": "", "type": "channel.message"}, "target": map[string]any{"url": "https://example.com/legacy"}})
	rules, err := c.ListRules(ctx, app.ID)
	must("list rules (with an unsupported rule type)", err)
	if len(rules) != 2 || rules[1].RuleType != "unsupported" || len(rules[1].Raw) == 0 {
		t.Fatalf("rules %+v", rules)
	}
	must("delete rule", c.DeleteRule(ctx, app.ID, rule.ID))

	q2 := StatsQuery{Unit: "hour", Direction: "forwards", Limit: 5, Start: time.Now().Add(-6 * time.Hour), End: time.Now()}
	_, err = c.AccountStats(ctx, acc, q2)
	must("account stats", err)
	stats, err := c.AppStats(ctx, app.ID, StatsQuery{Unit: "minute", Limit: 3})
	must("app stats", err)
	if len(stats) == 0 || stats[0].IntervalID == "" {
		t.Fatalf("stats %+v", stats)
	}
	must("delete app", c.DeleteApp(ctx, app.ID))

	// Not found, for the client's sake: a clear error rather than a violation.
	if err := c.DeleteApp(ctx, app.ID); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("deleting twice: %v", err)
	}

	if v := srv.SpecViolations(); len(v) > 0 {
		t.Fatalf("%d spec violations:\n%s", len(v), strings.Join(v, "\n"))
	}
	if n := len(srv.Requests()); n < 25 {
		t.Fatalf("only %d requests made: the contract run must cover every call", n)
	}
}
