package controltest_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ably/ably-suite/pkg/controltest"
)

// ablyID is what the fake's IDs look like: Ably's short alphanumerics.
var ablyID = regexp.MustCompile(`^[0-9A-Za-z]{6}$`)

func TestApps(t *testing.T) {
	srv := newServer(t)
	apps := "/accounts/acc-1/apps"

	var created controltest.App
	want(t, api(t, srv, "POST", apps, `{"name":"Demo","tlsOnly":true,"fcmServiceAccount":"{}"}`), 201).decode(t, &created)
	if !ablyID.MatchString(created.ID) || created.AccountID != "acc-1" || created.Name != "Demo" || created.Status != "enabled" ||
		!created.TLSOnly || !created.FCMServiceAccountConfigured || created.Created == 0 {
		t.Errorf("created: %+v", created)
	}

	var list []controltest.App
	want(t, api(t, srv, "GET", apps, ""), 200).decode(t, &list)
	if len(list) != 1 || list[0] != created {
		t.Errorf("list after create: %+v", list)
	}
	// A new app comes with a root key, as on Ably.
	if keys := srv.Keys(created.ID); len(keys) != 1 || keys[0].Name != "Root" || keys[0].Capability["*"][0] != "*" {
		t.Errorf("keys of a new app: %+v", keys)
	}

	// PATCH changes only what it names.
	var updated controltest.App
	want(t, api(t, srv, "PATCH", "/apps/"+created.ID, `{"name":"Renamed"}`), 200).decode(t, &updated)
	if updated.Name != "Renamed" || !updated.TLSOnly || updated.Status != "enabled" || updated.Created != created.Created {
		t.Errorf("updated: %+v", updated)
	}
	want(t, api(t, srv, "PATCH", "/apps/"+created.ID, `{"tlsOnly":null,"status":"disabled"}`), 200).decode(t, &updated)
	if updated.Name != "Renamed" || updated.TLSOnly || updated.Status != "disabled" {
		t.Errorf("updated again: %+v", updated)
	}

	// What the API refuses.
	checkError(t, api(t, srv, "POST", apps, `{"name":"Renamed"}`), 422, controltest.CodeInvalidResource, "already exists")
	checkError(t, api(t, srv, "POST", apps, `{}`), 422, controltest.CodeInvalidResource, "name is required")
	checkError(t, api(t, srv, "POST", apps, `{"name":""}`), 422, controltest.CodeInvalidResource, "name is required")
	checkError(t, api(t, srv, "POST", apps, `{"name":`), 400, controltest.CodeInvalidBody, "not a JSON object")
	checkError(t, api(t, srv, "POST", apps, `["x"]`), 400, controltest.CodeInvalidBody, "not a JSON object")
	checkError(t, api(t, srv, "POST", apps, `{"name":"X","colour":"red"}`), 400, controltest.CodeBadRequest, `unknown field "colour"`)
	checkError(t, api(t, srv, "POST", apps, `{"name":42}`), 400, controltest.CodeBadRequest, `field "name"`)
	checkError(t, api(t, srv, "PATCH", "/apps/"+created.ID, `{"status":"paused"}`), 422, controltest.CodeInvalidResource, "status")
	checkError(t, api(t, srv, "PATCH", "/apps/"+created.ID, `{"apnsAuthType":"magic"}`), 422, controltest.CodeInvalidResource, "apnsAuthType")
	checkError(t, api(t, srv, "PATCH", "/apps/nope", `{"name":"x"}`), 404, controltest.CodeNotFound, `app "nope" not found`)

	// Delete takes the app's keys, namespaces, queues and rules with it.
	srv.AddNamespace(created.ID, controltest.Namespace{ID: "ns"})
	srv.AddQueue(created.ID, controltest.Queue{Name: "q"})
	srv.AddRule(created.ID, `{"ruleType":"http","target":{}}`)
	want(t, api(t, srv, "DELETE", "/apps/"+created.ID, ""), 204)
	want(t, api(t, srv, "GET", apps, ""), 200).decode(t, &list)
	if len(list) != 0 {
		t.Errorf("list after delete: %+v", list)
	}
	if len(srv.Keys(created.ID))+len(srv.Namespaces(created.ID))+len(srv.Queues(created.ID))+len(srv.Rules(created.ID)) != 0 {
		t.Errorf("the app's things outlived it")
	}
	checkError(t, api(t, srv, "DELETE", "/apps/"+created.ID, ""), 404, controltest.CodeNotFound, created.ID)
	checkError(t, api(t, srv, "GET", "/apps/"+created.ID+"/keys", ""), 404, controltest.CodeNotFound, created.ID)
}

func TestPKCS12(t *testing.T) {
	srv := newServer(t)
	app := srv.AddApp("", controltest.App{Name: "Push"})
	var got controltest.App
	want(t, uploadP12As(t, srv, controltest.DefaultToken, app.ID), 200).decode(t, &got)
	if !got.APNSCertificateConfigured || got.APNSAuthType == nil || *got.APNSAuthType != "certificate" {
		t.Errorf("after upload: %+v", got)
	}
	checkError(t, api(t, srv, "POST", "/apps/"+app.ID+"/pkcs12", `{"p12Pass":"x"}`), 400, controltest.CodeBadRequest, "multipart")
	checkError(t, uploadP12As(t, srv, controltest.DefaultToken, "nope"), 404, controltest.CodeNotFound, `"nope"`)
}

// Push credentials, as the push config commands set and clear them: secrets are reported back
// only as *Configured booleans, the rest as given; null resets each.
func TestAppPushSettings(t *testing.T) {
	srv := newServer(t)
	app := srv.AddApp("", controltest.App{Name: "Push"})
	path := "/apps/" + app.ID
	var got controltest.App
	want(t, api(t, srv, "PATCH", path, `{"apnsAuthType":"token","apnsSigningKey":"-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n",`+
		`"apnsSigningKeyId":"ABC123DEFG","apnsIssuerKey":"TEAMID1234","apnsTopicHeader":"com.example.app","apnsUseSandboxEndpoint":true,`+
		`"fcmServiceAccount":"{\"type\":\"service_account\"}","fcmProjectId":"my-project"}`), 200).decode(t, &got)
	if !got.APNSSigningKeyConfigured || got.APNSCertificateConfigured || *got.APNSAuthType != "token" || *got.APNSSigningKeyID != "ABC123DEFG" ||
		*got.APNSIssuerKey != "TEAMID1234" || *got.APNSTopicHeader != "com.example.app" || !got.APNSUseSandboxEndpoint ||
		!got.FCMServiceAccountConfigured || *got.FCMProjectID != "my-project" {
		t.Fatalf("after setting: %+v", got)
	}
	r := api(t, srv, "GET", "/accounts/acc-1/apps", "")
	if strings.Contains(string(r.body), "secret") || strings.Contains(string(r.body), "service_account") {
		t.Errorf("a secret is listed: %s", r.body)
	}
	want(t, uploadP12As(t, srv, controltest.DefaultToken, app.ID), 200).decode(t, &got)
	if !got.APNSCertificateConfigured || *got.APNSAuthType != "certificate" {
		t.Fatalf("after a .p12: %+v", got)
	}
	want(t, api(t, srv, "PATCH", path, `{"apnsAuthType":null,"apnsCertificate":null,"apnsIssuerKey":null,"apnsPrivateKey":null,`+
		`"apnsSigningKey":null,"apnsSigningKeyId":null,"apnsTopicHeader":null,"apnsUseSandboxEndpoint":null}`), 200).decode(t, &got)
	if got.APNSSigningKeyConfigured || got.APNSCertificateConfigured || got.APNSAuthType != nil || got.APNSSigningKeyID != nil ||
		got.APNSIssuerKey != nil || got.APNSTopicHeader != nil || got.APNSUseSandboxEndpoint || !got.FCMServiceAccountConfigured {
		t.Fatalf("after clearing APNs: %+v", got)
	}
	want(t, api(t, srv, "PATCH", path, `{"fcmProjectId":null,"fcmServiceAccount":null}`), 200).decode(t, &got)
	if got.FCMServiceAccountConfigured || got.FCMProjectID != nil {
		t.Fatalf("after clearing FCM: %+v", got)
	}
}

func TestKeys(t *testing.T) {
	srv := newServer(t)
	app := srv.AddApp("", controltest.App{Name: "A"})
	keys := "/apps/" + app.ID + "/keys"

	var k controltest.Key
	want(t, api(t, srv, "POST", keys, `{"name":"Pub","capability":{"chat":["publish","subscribe"]}}`), 201).decode(t, &k)
	if !regexp.MustCompile(`^`+app.ID+`\.[0-9A-Za-z]{6}:[A-Za-z0-9_-]{43}$`).MatchString(k.Key) ||
		!strings.HasPrefix(k.Key, app.ID+"."+k.ID+":") || k.Status != controltest.KeyEnabled || k.AppID != app.ID {
		t.Errorf("created key: %+v", k)
	}
	var list []controltest.Key
	want(t, api(t, srv, "GET", keys, ""), 200).decode(t, &list)
	if len(list) != 1 || list[0].Key != k.Key {
		t.Errorf("list: %+v", list)
	}

	var u controltest.Key
	want(t, api(t, srv, "PATCH", keys+"/"+k.ID, `{"name":"Renamed"}`), 200).decode(t, &u)
	if u.Name != "Renamed" || len(u.Capability["chat"]) != 2 || u.Key != k.Key {
		t.Errorf("renamed: %+v", u)
	}
	// A new capability replaces the old one wholesale.
	u = controltest.Key{}
	want(t, api(t, srv, "PATCH", keys+"/"+k.ID, `{"capability":{"other":["history"]}}`), 200).decode(t, &u)
	if len(u.Capability) != 1 || u.Capability["other"][0] != "history" || u.Name != "Renamed" {
		t.Errorf("recapable: %+v", u)
	}

	want(t, api(t, srv, "POST", keys+"/"+k.ID+"/revoke", ""), 200)
	want(t, api(t, srv, "GET", keys, ""), 200).decode(t, &list)
	if len(list) != 1 || list[0].Status != controltest.KeyRevoked {
		t.Errorf("after revoke: %+v", list)
	}
	// The full key name works as the ID too.
	want(t, api(t, srv, "PATCH", keys+"/"+url.PathEscape(app.ID+"."+k.ID), `{"name":"By name"}`), 200)

	checkError(t, api(t, srv, "POST", keys, `{"name":"x"}`), 422, controltest.CodeInvalidResource, "capability is required")
	checkError(t, api(t, srv, "POST", keys, `{"capability":{"*":["*"]}}`), 422, controltest.CodeInvalidResource, "name is required")
	checkError(t, api(t, srv, "POST", keys, `{"name":"x","capability":{"*":["publsh"]}}`), 422, controltest.CodeInvalidResource, `"publsh"`)
	checkError(t, api(t, srv, "POST", keys, `{"name":"x","capability":{"*":[]}}`), 422, controltest.CodeInvalidResource, "at least one operation")
	checkError(t, api(t, srv, "POST", keys, `{"name":"x","capability":["publish"]}`), 400, controltest.CodeBadRequest, `field "capability"`)
	checkError(t, api(t, srv, "PATCH", keys+"/zzzzzz", `{"name":"x"}`), 404, controltest.CodeNotFound, `key "zzzzzz"`)
	checkError(t, api(t, srv, "POST", keys+"/zzzzzz/revoke", ""), 404, controltest.CodeNotFound, `key "zzzzzz"`)
}

func TestNamespaces(t *testing.T) {
	srv := newServer(t)
	app := srv.AddApp("", controltest.App{Name: "A"})
	ns := "/apps/" + app.ID + "/namespaces"

	var n controltest.Namespace
	want(t, api(t, srv, "POST", ns, `{"id":"chat","persisted":true,"batchingEnabled":true,"batchingInterval":100}`), 201).decode(t, &n)
	if n.ID != "chat" || n.AppID != app.ID || !n.Persisted || !n.BatchingEnabled || *n.BatchingInterval != 100 {
		t.Errorf("created: %+v", n)
	}
	// The real API returns "identified" although the spec does not list it; so does the fake.
	r := want(t, api(t, srv, "GET", ns, ""), 200)
	if !strings.Contains(string(r.body), `"identified":false`) {
		t.Errorf("list lacks identified: %s", r.body)
	}

	want(t, api(t, srv, "PATCH", ns+"/chat", `{"pushEnabled":true}`), 200).decode(t, &n)
	if !n.PushEnabled || !n.Persisted || *n.BatchingInterval != 100 {
		t.Errorf("patched: %+v", n)
	}
	checkError(t, api(t, srv, "POST", ns, `{"id":"chat"}`), 422, controltest.CodeInvalidResource, "already exists")
	checkError(t, api(t, srv, "POST", ns, `{"persisted":true}`), 422, controltest.CodeInvalidResource, "id is required")
	checkError(t, api(t, srv, "PATCH", ns+"/chat", `{"batchingInterval":5}`), 400, controltest.CodeBadRequest, "batchingInterval")
	checkError(t, api(t, srv, "PATCH", ns+"/chat", `{"id":"other"}`), 400, controltest.CodeBadRequest, `unknown field "id"`)
	checkError(t, api(t, srv, "PATCH", ns+"/nope", `{}`), 404, controltest.CodeNotFound, `namespace "nope"`)

	want(t, api(t, srv, "DELETE", ns+"/chat", ""), 204)
	checkError(t, api(t, srv, "DELETE", ns+"/chat", ""), 404, controltest.CodeNotFound, `namespace "chat"`)
	if got := srv.Namespaces(app.ID); len(got) != 0 {
		t.Errorf("after delete: %+v", got)
	}
}

func TestQueues(t *testing.T) {
	srv := newServer(t)
	app := srv.AddApp("", controltest.App{Name: "A"})
	queues := "/apps/" + app.ID + "/queues"

	var q controltest.Queue
	want(t, api(t, srv, "POST", queues, `{"name":"My queue","ttl":30,"maxLength":500,"region":"eu-west-1-a"}`), 201).decode(t, &q)
	wantID := app.ID + ":eu-west-1-a:My queue"
	if q.ID != wantID || q.AppID != app.ID || q.TTL != 30 || q.MaxLength != 500 || q.State != "Running" ||
		q.AMQP.QueueName != app.ID+":My queue" || q.STOMP.Destination != "/amqp/queue/"+app.ID+":My queue" ||
		!strings.HasPrefix(q.AMQP.URI, "amqps://eu-west-1-a-queue.ably.io") {
		t.Errorf("created: %+v", q)
	}
	var list []controltest.Queue
	want(t, api(t, srv, "GET", queues, ""), 200).decode(t, &list)
	if len(list) != 1 || list[0].ID != wantID {
		t.Errorf("list: %+v", list)
	}

	checkError(t, api(t, srv, "POST", queues, `{"name":"My queue","ttl":30,"maxLength":500,"region":"eu-west-1-a"}`), 422, controltest.CodeInvalidResource, "already exists")
	checkError(t, api(t, srv, "POST", queues, `{"name":"q","maxLength":500,"region":"eu-west-1-a"}`), 422, controltest.CodeInvalidResource, "ttl is required")
	checkError(t, api(t, srv, "POST", queues, `{"name":"q","ttl":1,"maxLength":5,"region":"ap-south-1-a"}`), 422, controltest.CodeInvalidResource, "region must be one of")
	checkError(t, api(t, srv, "POST", queues, `{"name":"q","ttl":61,"maxLength":5,"region":"eu-west-1-a"}`), 422, controltest.CodeInvalidResource, "ttl")

	// The ID goes in the path escaped: the space always, the colons maybe.
	checkError(t, api(t, srv, "DELETE", queues+"/"+app.ID+":eu-west-1-a:Other", ""), 404, controltest.CodeNotFound, `queue "`+app.ID+`:eu-west-1-a:Other"`)
	want(t, api(t, srv, "DELETE", queues+"/"+url.PathEscape(wantID), ""), 204)
	want(t, api(t, srv, "GET", queues, ""), 200).decode(t, &list)
	if len(list) != 0 {
		t.Errorf("after delete: %+v", list)
	}
	srv.AddQueue(app.ID, controltest.Queue{Name: "a b", Region: "us-east-1-a"})
	want(t, api(t, srv, "DELETE", queues+"/"+app.ID+"%3Aus-east-1-a%3Aa%20b", ""), 204)
}

func TestRules(t *testing.T) {
	srv := newServer(t)
	app := srv.AddApp("", controltest.App{Name: "A"})
	rules := "/apps/" + app.ID + "/rules"

	// A rule type the fake does not model is kept as sent, fields and all.
	var r controltest.Rule
	want(t, api(t, srv, "POST", rules, `{"ruleType":"future/thing","requestMode":"single","target":{"url":"https://x","format":"json","retries":3},"extra":{"deep":[1,2]}}`), 201).decode(t, &r)
	if !ablyID.MatchString(r.ID()) || r.AppID() != app.ID || r.RuleType() != "future/thing" || r["status"] != "enabled" ||
		r["version"] != "1.2" || r["created"] == nil || r["modified"] == nil {
		t.Errorf("created: %v", r)
	}
	if extra, _ := json.Marshal(r["extra"]); string(extra) != `{"deep":[1,2]}` {
		t.Errorf("extra = %s", extra)
	}

	var got controltest.Rule
	want(t, api(t, srv, "GET", rules+"/"+r.ID(), ""), 200).decode(t, &got)
	if got.ID() != r.ID() {
		t.Errorf("get: %v", got)
	}

	// PATCH merges: target.url changes, target.format stays, null removes.
	want(t, api(t, srv, "PATCH", rules+"/"+r.ID(), `{"status":"disabled","target":{"url":"https://y","retries":null}}`), 200).decode(t, &got)
	target, _ := got["target"].(map[string]any)
	if got["status"] != "disabled" || target["url"] != "https://y" || target["format"] != "json" || target["retries"] != nil ||
		got["requestMode"] != "single" {
		t.Errorf("patched: %v", got)
	}
	checkError(t, api(t, srv, "PATCH", rules+"/"+r.ID(), `{"ruleType":"http"}`), 422, controltest.CodeInvalidResource, "ruleType cannot change")

	seeded := srv.AddRule(app.ID, map[string]any{"ruleType": "unsupported", "requestMode": "single",
		"source": map[string]any{"channelFilter": "", "type": "channel.message"}, "target": map[string]any{"url": "https://z"}})
	var list []controltest.Rule
	want(t, api(t, srv, "GET", rules, ""), 200).decode(t, &list)
	if len(list) != 2 || list[1].ID() != seeded.ID() || list[1].RuleType() != "unsupported" {
		t.Errorf("list: %v", list)
	}

	checkError(t, api(t, srv, "POST", rules, `{"target":{}}`), 422, controltest.CodeInvalidResource, "ruleType is required")
	checkError(t, api(t, srv, "POST", rules, `{"ruleType":"http"}`), 422, controltest.CodeInvalidResource, "target is required")
	checkError(t, api(t, srv, "POST", rules, `{"ruleType":"http",`), 400, controltest.CodeInvalidBody, "not a JSON object")

	want(t, api(t, srv, "DELETE", rules+"/"+r.ID(), ""), 204)
	checkError(t, api(t, srv, "GET", rules+"/"+r.ID(), ""), 404, controltest.CodeNotFound, `rule "`+r.ID()+`"`)
	if got := srv.Rules(app.ID); len(got) != 1 {
		t.Errorf("after delete: %v", got)
	}
}

func TestUnknownEndpoints(t *testing.T) {
	srv := newServer(t)
	checkError(t, api(t, srv, "GET", "/apps", ""), 404, controltest.CodeNotFound, "no Control API endpoint")
	checkError(t, api(t, srv, "PUT", "/me", ""), 405, 40500, "PUT")
	checkError(t, api(t, srv, "GET", "/apps/x/keys/y", ""), 405, 40500, "GET")
}

// TestConcurrentUse hammers one server from many goroutines; run with -race.
func TestConcurrentUse(t *testing.T) {
	srv := newServer(t)
	app := srv.AddApp("", controltest.App{Name: "A"})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			want(t, api(t, srv, "POST", "/accounts/acc-1/apps", fmt.Sprintf(`{"name":"app %d"}`, i)), 201)
			want(t, api(t, srv, "POST", "/apps/"+app.ID+"/keys", fmt.Sprintf(`{"name":"k%d","capability":{"*":["*"]}}`, i)), 201)
			want(t, api(t, srv, "GET", "/apps/"+app.ID+"/keys", ""), 200)
			srv.AddFault(controltest.Fault{Path: "/nothing", Status: 500})
			_ = srv.Requests()
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, a := range srv.Apps() {
		seen[a.ID] = true
	}
	for _, k := range srv.Keys(app.ID) {
		seen[k.ID] = true
	}
	// 17 apps, 16 root keys (not listed here) and 16 keys: the IDs must all differ.
	if len(seen) != 17+16 {
		t.Errorf("%d distinct IDs, want %d", len(seen), 17+16)
	}
	if n := len(srv.Requests()); n != 48 {
		t.Errorf("%d requests logged, want 48", n)
	}
}

// checkError asserts an Ably error answer.
func checkError(t *testing.T, r response, status, code int, msg string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status %d, want %d: %s", r.status, status, r.body)
		return
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	eb := r.errorBody(t)
	if eb.Code != code || eb.StatusCode != status || !strings.Contains(eb.Message, msg) || eb.Href != fmt.Sprintf("https://help.ably.io/error/%d", code) {
		t.Errorf("error %+v, want code %d, statusCode %d, a message containing %q", eb, code, status, msg)
	}
}

// TestStateRoundTrip: what State gives, through JSON, Restore makes another server hold:
// the same apps, keys, namespaces, queues, rules and tokens, and new IDs that do not collide.
func TestStateRoundTrip(t *testing.T) {
	a := newServer(t)
	want(t, api(t, a, "POST", "/accounts/acc-1/apps", `{"name":"Kept"}`), 201)
	app := a.Apps()[0]
	want(t, api(t, a, "POST", "/apps/"+app.ID+"/keys", `{"name":"Reader","capability":{"news":["subscribe"]}}`), 201)
	want(t, api(t, a, "POST", "/apps/"+app.ID+"/namespaces", `{"id":"logs","persisted":true}`), 201)
	want(t, api(t, a, "POST", "/apps/"+app.ID+"/queues", `{"name":"jobs","ttl":60,"maxLength":100,"region":"us-east-1-a"}`), 201)
	want(t, api(t, a, "POST", "/apps/"+app.ID+"/rules", `{"ruleType":"http","requestMode":"single","source":{"channelFilter":"","type":"channel.message"},"target":{"url":"https://example.com/hook","format":"json"}}`), 201)
	a.SetToken(controltest.Token{Value: "kept-token", Name: "Kept", Capabilities: []string{"read:app"}})

	data, err := json.Marshal(a.State())
	if err != nil {
		t.Fatal(err)
	}
	var st controltest.State
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	b := newServer(t)
	b.Restore(st)
	if !reflect.DeepEqual(a.Apps(), b.Apps()) || !reflect.DeepEqual(a.Keys(app.ID), b.Keys(app.ID)) ||
		!reflect.DeepEqual(a.Namespaces(app.ID), b.Namespaces(app.ID)) || !reflect.DeepEqual(a.Queues(app.ID), b.Queues(app.ID)) ||
		len(b.Rules(app.ID)) != 1 || b.Rules(app.ID)[0].ID() != a.Rules(app.ID)[0].ID() {
		t.Fatalf("restored state differs:\n%+v\n%+v", a.State(), b.State())
	}
	if tok, ok := b.Token("kept-token"); !ok || tok.Name != "Kept" {
		t.Errorf("token kept-token after Restore: %+v %v", tok, ok)
	}
	want(t, api(t, b, "POST", "/accounts/acc-1/apps", `{"name":"New"}`), 201)
	ids := map[string]bool{}
	for _, x := range b.Apps() {
		if ids[x.ID] {
			t.Errorf("app ID %s given twice after Restore", x.ID)
		}
		ids[x.ID] = true
	}
}
