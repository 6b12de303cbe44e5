package controltest_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/controltest/controlspec"
	"github.com/ably/ably-suite/pkg/fakeserver/openapi"
)

// specServer starts a server that checks everything against control-v1.yaml; without the
// spec the test is skipped (failed under CI).
func specServer(t *testing.T) *controltest.Server {
	t.Helper()
	srv := newServer(t)
	srv.UseChecker(controlspec.MustLoad(t))
	return srv
}

func wantNoViolations(t *testing.T, srv *controltest.Server) {
	t.Helper()
	for _, v := range srv.SpecViolations() {
		t.Errorf("spec violation: %s", v)
	}
}

// TestContract drives every operation of the spec with well-formed requests, built by
// hand, and the error answers a client meets; the fake's answers must all conform.
func TestContract(t *testing.T) {
	srv := specServer(t)
	acc := "/accounts/" + controltest.DefaultAccountID

	want(t, api(t, srv, "GET", "/me", ""), 200)
	want(t, api(t, srv, "GET", acc+"/apps", ""), 200)

	var app controltest.App
	want(t, api(t, srv, "POST", acc+"/apps", `{"name":"Contract","tlsOnly":true,"fcmProjectId":"notional-armor-405018",
		"fcmServiceAccount":"{}","apnsUseSandboxEndpoint":false,"apnsAuthType":"token","apnsSigningKey":"-----BEGIN PRIVATE KEY-----x",
		"apnsSigningKeyId":"ABC123DEFG","apnsIssuerKey":"TEAMID1234","apnsTopicHeader":"com.example.app"}`), 201).decode(t, &app)
	want(t, api(t, srv, "PATCH", "/apps/"+app.ID, `{"name":"Renamed","status":"disabled","apnsAuthType":null,"fcmProjectId":null}`), 200)
	want(t, uploadP12As(t, srv, controltest.DefaultToken, app.ID), 200)

	now := time.Now()
	want(t, api(t, srv, "GET", acc+"/stats", ""), 200)
	q := url.Values{"unit": {"hour"}, "limit": {"3"}, "direction": {"forwards"},
		"start": {fmt.Sprint(now.Add(-5 * time.Hour).UnixMilli())}, "end": {fmt.Sprint(now.UnixMilli())}}
	want(t, api(t, srv, "GET", acc+"/stats?"+q.Encode(), ""), 200)
	want(t, api(t, srv, "GET", "/apps/"+app.ID+"/stats?unit=month&limit=2", ""), 200)
	want(t, api(t, srv, "GET", "/apps/"+app.ID+"/stats?unit=day&direction=backwards", ""), 200)

	keys := "/apps/" + app.ID + "/keys"
	var key controltest.Key
	want(t, api(t, srv, "POST", keys, `{"name":"Publisher","revocableTokens":true,"capability":{"chat:*":["publish","subscribe"],"status":["history"]}}`), 201).decode(t, &key)
	want(t, api(t, srv, "GET", keys, ""), 200)
	want(t, api(t, srv, "PATCH", keys+"/"+key.ID, `{"name":"Renamed key","capability":{"*":["subscribe"]}}`), 200)
	want(t, api(t, srv, "POST", keys+"/"+key.ID+"/revoke", ""), 200)

	ns := "/apps/" + app.ID + "/namespaces"
	want(t, api(t, srv, "POST", ns, `{"id":"chat","persisted":true,"batchingEnabled":true,"batchingInterval":50,
		"conflationEnabled":true,"conflationInterval":1000,"conflationKey":"#{message.name}","mutableMessages":true}`), 201)
	want(t, api(t, srv, "GET", ns, ""), 200)
	want(t, api(t, srv, "PATCH", ns+"/chat", `{"pushEnabled":true,"persisted":false}`), 200)
	want(t, api(t, srv, "DELETE", ns+"/chat", ""), 204)

	queues := "/apps/" + app.ID + "/queues"
	var queue controltest.Queue
	want(t, api(t, srv, "POST", queues, `{"name":"My queue","ttl":60,"maxLength":10000,"region":"us-east-1-a"}`), 201).decode(t, &queue)
	want(t, api(t, srv, "POST", queues, `{"name":"other","ttl":5,"maxLength":10,"region":"eu-west-1-a"}`), 201)
	want(t, api(t, srv, "GET", queues, ""), 200)
	want(t, api(t, srv, "DELETE", queues+"/"+url.PathEscape(queue.ID), ""), 204)
	// Colons escaped too, as some clients do.
	want(t, api(t, srv, "DELETE", queues+"/"+url.PathEscape(app.ID)+"%3Aeu-west-1-a%3Aother", ""), 204)

	rules := "/apps/" + app.ID + "/rules"
	var rule controltest.Rule
	want(t, api(t, srv, "POST", rules, `{"ruleType":"http","requestMode":"single","status":"enabled",
		"source":{"channelFilter":"^chat","type":"channel.message"},
		"target":{"url":"https://example.com/hook","format":"json","headers":[{"name":"X-Test","value":"1"}],"enveloped":true}}`), 201).decode(t, &rule)
	want(t, api(t, srv, "POST", rules, `{"ruleType":"amqp","requestMode":"batch",
		"source":{"channelFilter":"","type":"channel.presence"},"target":{"queueId":"`+queue.ID+`","format":"msgpack"}}`), 201)
	want(t, api(t, srv, "POST", rules, `{"ruleType":"ingress/mongodb","target":{"url":"mongodb://db.example.com","database":"d",
		"collection":"c","pipeline":"[]","fullDocument":"off","fullDocumentBeforeChange":"off","primarySite":"us-east-1-A"}}`), 201)
	want(t, api(t, srv, "GET", rules, ""), 200)
	want(t, api(t, srv, "GET", rules+"/"+rule.ID(), ""), 200)
	want(t, api(t, srv, "PATCH", rules+"/"+rule.ID(), `{"ruleType":"http","status":"disabled","target":{"url":"https://example.com/v2"}}`), 200)
	want(t, api(t, srv, "DELETE", rules+"/"+rule.ID(), ""), 204)
	srv.AddRule(app.ID, `{"ruleType":"unsupported","requestMode":"single","source":{"channelFilter":"","type":"channel.message"},"target":{"url":"https://x"}}`)
	want(t, api(t, srv, "GET", rules, ""), 200)

	// The errors a client meets are Ably error bodies the spec allows.
	want(t, api(t, srv, "GET", "/apps/nope/keys", ""), 404)
	want(t, api(t, srv, "POST", acc+"/apps", `{"name":"Renamed"}`), 422) // the name is taken
	want(t, api(t, srv, "POST", queues, `{"name":"q","ttl":60,"maxLength":10,"region":"mars-1-a"}`), 422)
	want(t, send(t, srv, "no-such-token", "GET", "/me", ""), 401)
	want(t, api(t, srv, "DELETE", rules+"/gone", ""), 404)

	want(t, api(t, srv, "DELETE", "/apps/"+app.ID, ""), 204)
	wantNoViolations(t, srv)
}

// uploadP12As posts a .p12 file the way the API documents: multipart/form-data with p12File
// and p12Pass.
func uploadP12As(t *testing.T, srv *controltest.Server, token, appID string) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("p12File", "cert.p12")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte("\x30\x82\x01\x00not-really-pkcs12"))
	mw.WriteField("p12Pass", "secret")
	mw.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/apps/"+appID+"/pkcs12", &buf)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return do(t, srv, req)
}

// TestContractCatchesBadRequests shows the validator is not a rubber stamp: requests the
// spec forbids are reported, naming what is wrong.
func TestContractCatchesBadRequests(t *testing.T) {
	srv := specServer(t)
	app := srv.AddApp("", controltest.App{Name: "A"})

	api(t, srv, "POST", "/apps/"+app.ID+"/keys", `{"name":"no capability"}`)
	api(t, srv, "PATCH", "/apps/"+app.ID, `{"name":"x","colour":"blue"}`)
	api(t, srv, "GET", "/apps/"+app.ID+"/stats?limit=5000", "")
	api(t, srv, "GET", "/apps/"+app.ID+"/widgets", "")
	send(t, srv, "", "GET", "/me", "")

	got := srv.SpecViolations()
	wantParts := [][]string{
		{"POST /v1/apps/" + app.ID + "/keys: request:", "capability"},
		{"PATCH /v1/apps/" + app.ID + ": request:", "colour"},
		{"GET /v1/apps/" + app.ID + "/stats: request:", "limit"},
		{"GET /v1/apps/" + app.ID + "/widgets: request: no such operation"},
		{"GET /v1/me: request:", "Authorization"},
	}
	openapi.WantViolations(t, got, wantParts...)
	srv.ResetSpecViolations()
	if v := srv.SpecViolations(); len(v) != 0 {
		t.Errorf("after reset: %q", v)
	}
}

// TestContractCatchesBadResponses seeds state the spec does not allow, so the fake's own
// answer breaks the contract, and checks the validator says so.
func TestContractCatchesBadResponses(t *testing.T) {
	srv := specServer(t)
	bogus := "push-only"
	app := srv.AddApp("", controltest.App{Name: "A", APNSAuthType: &bogus})
	srv.AddRule(app.ID, `{"ruleType":"http","target":{"url":"https://x","format":"json"}}`) // no requestMode, no source

	want(t, api(t, srv, "GET", "/accounts/"+controltest.DefaultAccountID+"/apps", ""), 200)
	want(t, api(t, srv, "GET", "/apps/"+app.ID+"/rules", ""), 200)

	got := srv.SpecViolations()
	if len(got) != 2 {
		t.Fatalf("got %d violations, want 2:\n%s", len(got), strings.Join(got, "\n"))
	}
	for i, want := range []string{"GET /v1/accounts/acc-1/apps -> 200: response:", "GET /v1/apps/" + app.ID + "/rules -> 200: response:"} {
		if !strings.HasPrefix(got[i], want) {
			t.Errorf("violation %d = %q, want prefix %q", i, got[i], want)
		}
	}
	if !strings.Contains(got[0], "apnsAuthType") {
		t.Errorf("violation %q does not name apnsAuthType", got[0])
	}
}

// TestContractSkipsDeliberateBreakage: injected faults and statuses the spec does not
// document (403 for a missing capability) are the test's doing, not violations.
func TestContractSkipsDeliberateBreakage(t *testing.T) {
	srv := specServer(t)
	srv.SetToken(controltest.Token{Value: "reader", Capabilities: []string{"read:app"}})
	srv.AddFault(controltest.Fault{Path: "/me", Status: 500, Body: "{not json"})
	srv.AddFault(controltest.Fault{Path: "/accounts/*/apps", Method: "GET", Status: 429, RetryAfter: "1"})

	want(t, api(t, srv, "GET", "/me", ""), 500)
	want(t, api(t, srv, "GET", "/accounts/acc-1/apps", ""), 429)
	want(t, send(t, srv, "reader", "POST", "/accounts/acc-1/apps", `{"name":"x"}`), 403)
	wantNoViolations(t, srv)
}

func TestSpecPathMessage(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := controlspec.Path()
	if err == nil || !strings.Contains(err.Error(), "no go.mod") {
		t.Errorf("SpecPath outside a module: %v", err)
	}
	dir := t.TempDir()
	if err := osWriteFile(dir+"/mod/go.mod", "module x\n"); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir + "/mod")
	_, err = controlspec.Path()
	if err == nil || !strings.Contains(err.Error(), "the Control API spec is missing at "+dir+"/shared/spec/control-v1.yaml: CI must have ../shared beside the checkout") {
		t.Errorf("SpecPath without ../shared: %v", err)
	}
}
