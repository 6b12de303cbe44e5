package scripttest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// hookKey is where Seal leaves the script's webhook receiver in Env.Values.
type hookKey struct{}

// hookReceiver is an HTTP endpoint that keeps every request, for scripts that check what a
// webhook sent (the emulator's integration rules). HOOK_URL is its /hook; it answers 200, or
// 503 to the next requests while `hook fail N` says so.
type hookReceiver struct {
	srv *httptest.Server

	mu       sync.Mutex
	requests []hookRequest
	fail     int
	changed  chan struct{}
}

type hookRequest struct {
	header http.Header
	body   []byte
}

func startHookReceiver(env *testscript.Env) {
	h := &hookReceiver{changed: make(chan struct{})}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.fail > 0 {
			h.fail--
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		h.requests = append(h.requests, hookRequest{header: r.Header.Clone(), body: body})
		close(h.changed)
		h.changed = make(chan struct{})
	}))
	env.Defer(h.srv.Close)
	env.Values[hookKey{}] = h
	env.Setenv("HOOK_URL", h.srv.URL+"/hook")
}

// hookCmd inspects the script's webhook receiver:
//
//	hook wait N     wait (up to 20 s) until it has N requests
//	hook fail N     answer the next N requests 503 (not kept)
//	hook last       print the last request: its Content-Type and X-Ably-* headers as
//	                "Name: value" lines, sorted, a blank line, then its body
//	hook count N    fail unless it has exactly N requests
func hookCmd(ts *testscript.TestScript, neg bool, args []string) {
	h, ok := ts.Value(hookKey{}).(*hookReceiver)
	if !ok || neg || len(args) == 0 {
		ts.Fatalf("usage: hook wait N | fail N | last | count N")
	}
	number := func() int {
		if len(args) != 2 {
			ts.Fatalf("usage: hook %s N", args[0])
		}
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 0 {
			ts.Fatalf("hook %s: %q is not a number", args[0], args[1])
		}
		return n
	}
	switch args[0] {
	case "wait":
		n := number()
		deadline := time.After(20 * time.Second)
		for {
			h.mu.Lock()
			got, changed := len(h.requests), h.changed
			h.mu.Unlock()
			if got >= n {
				return
			}
			select {
			case <-changed:
			case <-deadline:
				ts.Fatalf("hook wait %d: %d requests after 20s", n, got)
			}
		}
	case "fail":
		n := number()
		h.mu.Lock()
		h.fail = n
		h.mu.Unlock()
	case "count":
		n := number()
		h.mu.Lock()
		got := len(h.requests)
		h.mu.Unlock()
		if got != n {
			ts.Fatalf("hook count: %d requests, want %d", got, n)
		}
	case "last":
		h.mu.Lock()
		defer h.mu.Unlock()
		if len(h.requests) == 0 {
			ts.Fatalf("hook last: no request yet")
		}
		r := h.requests[len(h.requests)-1]
		var lines []string
		for name, values := range r.header {
			if name == "Content-Type" || strings.HasPrefix(name, "X-Ably-") {
				lines = append(lines, fmt.Sprintf("%s: %s", name, strings.Join(values, ", ")))
			}
		}
		slices.Sort(lines)
		fmt.Fprintf(ts.Stdout(), "%s\n\n%s\n", strings.Join(lines, "\n"), r.body)
	default:
		ts.Fatalf("usage: hook wait N | fail N | last | count N")
	}
}
