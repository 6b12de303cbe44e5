package controltest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/ably/ably-suite/pkg/controltest"
)

// A test arranges state and failures, runs the code under test against srv.URL, then
// checks what was sent. Here plain net/http stands in for the client under test.
func Example() {
	srv := controltest.New()
	defer srv.Close()

	app := srv.AddApp("", controltest.App{Name: "Demo"})
	srv.SetToken(controltest.Token{Value: "read-only", Name: "Read only", Capabilities: []string{"read:app", "read:key"}})
	srv.AddFault(controltest.Fault{Method: "GET", Path: "/apps/*/keys", Status: 503, RetryAfter: "1", Times: 1})

	call := func(method, path, body string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer read-only")
		req.Header.Set("Content-Type", "application/json")
		res, err := srv.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer res.Body.Close()
		var e controltest.ErrorBody
		if json.NewDecoder(res.Body).Decode(&e) == nil && e.Code != 0 {
			fmt.Printf("%d %d %s (Retry-After %q)\n", res.StatusCode, e.Code, e.Message, res.Header.Get("Retry-After"))
			return
		}
		fmt.Println(res.StatusCode)
	}
	call("POST", "/accounts/acc-1/apps", `{"name":"Another"}`) // needs write:app
	call("GET", "/apps/"+app.ID+"/keys", "")                   // the injected 503
	call("GET", "/apps/"+app.ID+"/keys", "")                   // then the real answer: no keys

	for _, r := range srv.Requests() {
		fmt.Println(r.Method, strings.Replace(r.Path, app.ID, "APP", 1), r.Status)
	}
	// Output:
	// 403 40300 access token "Read only" lacks the write:app capability this operation needs (Retry-After "")
	// 503 50300 injected fault: 503 Service Unavailable (Retry-After "1")
	// 200
	// POST /v1/accounts/acc-1/apps 403
	// GET /v1/apps/APP/keys 503
	// GET /v1/apps/APP/keys 200
}
