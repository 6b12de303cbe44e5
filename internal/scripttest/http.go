package scripttest

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ably/ably-suite/pkg/controltest"
)

// httpCmd calls the fake Control API without any client of the suite's, for scripts that
// check the fake itself or set up state the way an API user would:
//
//	http METHOD PATH [BODY]
//
// It sends METHOD to $FAKE_URL followed by PATH (escaped as it should go on the wire, e.g.
// /apps/$APP/queues/$APP:us-east-1-a:My%20queue), with "Authorization: Bearer $ACCESS_TOKEN"
// unless ACCESS_TOKEN is empty (then with the API key $BASIC_KEY as basic auth, when set:
// for a REST API), and BODY as application/json. It prints the status on the
// first line of stdout and the response body after it. It fails only when no answer comes.
func httpCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: http METHOD PATH [BODY]")
	}
	srv, ok := ts.Value(serverKey{}).(*controltest.Server)
	if !ok {
		ts.Fatalf("http: no fake Control API in this script (Seal starts one)")
	}
	var body io.Reader
	if len(args) == 3 {
		body = strings.NewReader(args[2])
	}
	req, err := http.NewRequest(args[0], ts.Getenv("FAKE_URL")+args[1], body)
	if err != nil {
		ts.Fatalf("http: %v", err)
	}
	if tok := ts.Getenv("ACCESS_TOKEN"); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	} else if key := ts.Getenv("BASIC_KEY"); key != "" {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(key)))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := *srv.Client() // a copy: the server's client is shared
	client.Timeout = 30 * time.Second
	res, err := client.Do(req)
	if err != nil {
		ts.Fatalf("http: %v", err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		ts.Fatalf("http: reading the answer: %v", err)
	}
	out := ts.Stdout()
	fmt.Fprintf(out, "%d\n%s", res.StatusCode, data)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		fmt.Fprintln(out)
	}
}
