package fakeserver_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ably/ably-suite/pkg/fakeserver"
	"github.com/ably/ably-suite/pkg/fakeserver/openapi"
)

// widgetsSpec is a small API of the test's own, so that the plumbing is tested apart from
// any of Ably's descriptions.
const widgetsSpec = `openapi: 3.0.1
info: {title: Widgets, version: "1"}
servers: [{url: "https://widgets.example/v1"}]
security: [{bearer: []}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    basic: {type: http, scheme: basic}
paths:
  /widgets:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [name]
              properties:
                name: {type: string}
      responses:
        "201":
          description: made
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [id, name]
                properties:
                  id: {type: string}
                  name: {type: string}
  /gadgets:
    get:
      security: [{basic: []}]
      responses:
        "200": {description: ok}
`

func writeSpec(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "widgets.yaml")
	if err := os.WriteFile(path, []byte(widgetsSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// widgets is a fake of the widgets API: it answers POST /v1/widgets with the name it was
// sent (or the nickname) and an id, and for the name "extra" a field the spec does not allow.
func widgets(t *testing.T) *fakeserver.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/widgets", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		name, _ := in["name"].(string)
		if nick, ok := in["nickname"].(string); ok {
			name = nick
		}
		out := map[string]any{"id": "w1", "name": name}
		if name == "extra" {
			out["colour"] = "blue"
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("GET /v1/gadgets", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /v1/unlisted", func(w http.ResponseWriter, r *http.Request) {})
	srv := fakeserver.Start(fakeserver.Config{
		Handler: mux,
		WriteError: func(w http.ResponseWriter, status int, message string) {
			http.Error(w, "widgets: "+message, status)
		},
		Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	})
	t.Cleanup(srv.Close)
	return srv
}

type answer struct {
	status int
	header http.Header
	body   string
}

func send(t *testing.T, srv *fakeserver.Server, method, path, auth, body string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.Origin()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, string(data)}
}

// TestPipeline: the handler sees the whole body; the log has the request as sent, its
// status and the server's time, and copies out of it do not change it.
func TestPipeline(t *testing.T) {
	srv := widgets(t)
	if a := send(t, srv, "POST", "/v1/widgets?dry=1", "Bearer x", `{"name":"a"}`); a.status != 201 || !strings.Contains(a.body, `"name":"a"`) {
		t.Fatalf("%+v", a)
	}
	send(t, srv, "GET", "/v1/nowhere/a%20b", "", "")

	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/v1/widgets" || r.RawQuery != "dry=1" || string(r.Body) != `{"name":"a"}` ||
		r.Status != 201 || r.Header.Get("Authorization") != "Bearer x" || !r.Time.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("logged %+v", r)
	}
	if reqs[1].Path != "/v1/nowhere/a%20b" || reqs[1].Status != 404 {
		t.Errorf("logged %+v", reqs[1])
	}
	if got := srv.RequestsMatching("get", "/nowhere/a b"); len(got) != 1 {
		t.Errorf("matching: %+v", got)
	}
	reqs[0].Body[0] = 'X'
	if srv.Requests()[0].Body[0] != '{' {
		t.Error("the log was changed through a copy")
	}
	srv.ResetRequests()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests after ResetRequests", n)
	}
}

// TestFaults: a fault answers with the server's own error body, or a raw one, and runs out.
func TestFaults(t *testing.T) {
	srv := widgets(t)
	srv.AddFault(fakeserver.Fault{Method: "POST", Path: "/widgets", Status: 503, RetryAfter: "7", Times: 1})
	srv.AddFault(fakeserver.Fault{Path: "/v1/widgets", Status: 200, Body: "{broken", Times: 1})

	a := send(t, srv, "POST", "/v1/widgets", "", `{"name":"a"}`)
	if a.status != 503 || a.header.Get("Retry-After") != "7" || !strings.HasPrefix(a.body, "widgets: injected fault: 503 Service Unavailable") {
		t.Errorf("first: %+v", a)
	}
	if a := send(t, srv, "POST", "/v1/widgets", "", `{"name":"a"}`); a.status != 200 || a.body != "{broken" {
		t.Errorf("second: %+v", a)
	}
	if a := send(t, srv, "POST", "/v1/widgets", "", `{"name":"a"}`); a.status != 201 {
		t.Errorf("third: %+v", a)
	}
	if got := srv.Requests(); got[0].Status != 503 || got[1].Status != 200 || got[2].Status != 201 {
		t.Errorf("log %+v", got)
	}
}

// TestSpecCheck: requests and responses are checked against the description, with the
// rules' exceptions and nothing else left out.
func TestSpecCheck(t *testing.T) {
	var rewritten []string
	srv := widgets(t)
	if srv.Checker() != nil {
		t.Fatal("checking before UseChecker")
	}
	spec, err := openapi.Load(writeSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	srv.UseChecker(spec.Checker(openapi.Rules{
		Unspecified: []string{"GET /v1/unlisted"},
		RequestBody: func(route string, body []byte) []byte {
			rewritten = append(rewritten, route)
			return []byte(strings.ReplaceAll(string(body), `"nickname"`, `"name"`))
		},
	}))
	srv.AddFault(fakeserver.Fault{Path: "/widgets", Status: 500, Body: "{nope", Times: 1})

	send(t, srv, "POST", "/v1/widgets", "Bearer t", `{"name":"faulted"}`) // a fault's answer is not checked
	send(t, srv, "POST", "/v1/widgets", "Bearer t", `{"name":"fine"}`)
	send(t, srv, "POST", "/v1/widgets", "Bearer t", `{"nickname":"rewritten"}`) // RequestBody makes it right
	send(t, srv, "POST", "/v1/widgets", "Bearer t", `{"size":3}`)
	send(t, srv, "POST", "/v1/widgets", "", `{"name":"anonymous"}`)
	send(t, srv, "POST", "/v1/widgets", "Bearer t", `{"name":"extra"}`)
	send(t, srv, "GET", "/v1/gadgets", "Basic "+base64.StdEncoding.EncodeToString([]byte("u:p")), "")
	send(t, srv, "GET", "/v1/gadgets", "Basic bm8tY29sb24=", "") // "no-colon"
	send(t, srv, "GET", "/v1/unlisted", "", "")
	send(t, srv, "GET", "/v1/nowhere", "", "")

	got := srv.SpecViolations()
	want := [][]string{
		{"POST /v1/widgets: request: body:", `"size" is unsupported`},
		{"POST /v1/widgets: request: security:", `no "Authorization: Bearer <token>" header`},
		{"POST /v1/widgets -> 201: response:", `"colour" is unsupported`},
		{"GET /v1/gadgets: request: security:", "base64 of user:password"},
		{"GET /v1/nowhere: request: no such operation in the spec"},
	}
	openapi.WantViolations(t, got, want...)
	if len(rewritten) == 0 || rewritten[0] != "/widgets" {
		t.Errorf("RequestBody saw routes %q, want the spec's /widgets", rewritten)
	}
	srv.ResetSpecViolations()
	srv.UseChecker(nil)
	send(t, srv, "GET", "/v1/nowhere", "", "")
	if v := srv.SpecViolations(); len(v) != 0 {
		t.Errorf("with checking off: %q", v)
	}
}

// LoadSpec refuses a description kin-openapi finds invalid, unless told to tolerate the
// flaw, and one without a server to route by.
func TestLoadSpec(t *testing.T) {
	dir := t.TempDir()
	badDefault := strings.Replace(widgetsSpec, "name: {type: string}\n      responses", "name: {type: string, default: 3}\n      responses", 1)
	path := filepath.Join(dir, "bad-default.yaml")
	if err := os.WriteFile(path, []byte(badDefault), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := openapi.Load(path); err == nil || !strings.Contains(err.Error(), "is not valid OpenAPI") {
		t.Errorf("a bad default: %v", err)
	}
	if _, err := openapi.Load(path, openapi.Tolerating(openapi3.DisableSchemaDefaultsValidation())); err != nil {
		t.Errorf("a bad default, tolerated: %v", err)
	}
	noServer := filepath.Join(dir, "no-server.yaml")
	if err := os.WriteFile(noServer, []byte(strings.Replace(widgetsSpec, `servers: [{url: "https://widgets.example/v1"}]`, "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := openapi.Load(noServer); err == nil || !strings.Contains(err.Error(), "names no server") {
		t.Errorf("no server: %v", err)
	}
	amended, err := openapi.Load(writeSpec(t), openapi.Amending(func(doc *openapi3.T) error {
		return fmt.Errorf("cannot amend %s", doc.Info.Title)
	}))
	if err == nil || !strings.Contains(err.Error(), "cannot amend Widgets") || amended != nil {
		t.Errorf("a failed amendment: %v", err)
	}
}

func TestSpecPath(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "mod", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mod", "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(dir, "mod", "sub"))
	want := filepath.Join(dir, "shared", "spec", "widgets.yaml")
	if _, err := openapi.SpecPath("the Widgets spec", "widgets.yaml"); err == nil || err.Error() != "the Widgets spec is missing at "+want+": CI must have ../shared beside the checkout" {
		t.Errorf("missing: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, []byte(widgetsSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := openapi.SpecPath("the Widgets spec", "widgets.yaml"); err != nil || got != want {
		t.Errorf("SpecPath = %q, %v; want %q", got, err, want)
	}
}

// TestLogLimit: a bounded log keeps the newest requests, with their statuses, however many
// came before.
func TestLogLimit(t *testing.T) {
	srv := fakeserver.Start(fakeserver.Config{
		Handler:    http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }),
		WriteError: func(w http.ResponseWriter, status int, message string) { http.Error(w, message, status) },
		LogLimit:   3,
	})
	defer srv.Close()
	for i := range 20 {
		resp, err := http.Get(fmt.Sprintf("%s/n/%d", srv.Origin(), i))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	got := srv.Requests()
	if len(got) < 3 || len(got) > 6 {
		t.Fatalf("kept %d requests, want 3 to 6", len(got))
	}
	if last := got[len(got)-1]; last.Path != "/n/19" || last.Status != http.StatusTeapot {
		t.Errorf("newest kept: %s %d, want /n/19 418", last.Path, last.Status)
	}
}
