package fakeserver

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Fault makes a fake server misbehave for matching requests, before its normal handling.
// Faults are tried in the order added; the first that matches and has uses left applies.
type Fault struct {
	Method     string        // "" matches any method
	Path       string        // e.g. "/me", "/apps/*/keys"; * matches one segment; "" any path
	Status     int           // the status to answer; 0, or 2xx without Body, answers normally after Delay
	RetryAfter string        // Retry-After header: seconds ("2") or an HTTP date
	Delay      time.Duration // wait before answering; ends early when the client gives up
	Body       string        // sent as is instead of the server's error body ("{not json", a huge body)
	Times      int           // 0: every matching request; N: the next N
	// Drop closes the connection after reading the request, with no answer: the request
	// reached the server, and the client cannot tell whether it took effect.
	Drop bool
}

type entry struct {
	Fault
	left int // uses left; meaningless when Times is 0
}

// faultList holds a server's faults. The zero value is empty and ready to use.
type faultList struct {
	mu     sync.Mutex
	faults []*entry
}

func (l *faultList) add(f Fault) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.faults = append(l.faults, &entry{Fault: f, left: f.Times})
}

func (l *faultList) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.faults = nil
}

// take finds the fault for r and uses it up once.
func (l *faultList) take(r *http.Request) (Fault, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.faults {
		if f.Times > 0 && f.left <= 0 {
			continue
		}
		if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
			continue
		}
		if !MatchPath(f.Path, r.URL.EscapedPath()) {
			continue
		}
		f.left--
		return f.Fault, true
	}
	return Fault{}, false
}

// apply answers r with its fault, if it has one, writing the server's own error body with
// writeError when the fault gives no Body. It reports whether it answered; a fault without a
// Status (or a 2xx without a Body) only delays.
func (l *faultList) apply(w http.ResponseWriter, r *http.Request, writeError func(w http.ResponseWriter, status int)) bool {
	f, ok := l.take(r)
	if !ok {
		return false
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true // the client is gone; nobody reads an answer
		}
	}
	if f.Drop {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
			return true
		}
		panic(http.ErrAbortHandler) // not hijackable (HTTP/2): net/http aborts the stream
	}
	if f.Status == 0 || (f.Status/100 == 2 && f.Body == "") {
		return false // a slow answer, not a wrong one
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return true
	}
	writeError(w, f.Status)
	return true
}

// MatchPath reports whether a request path matches a pattern as Fault.Path and the request
// filters take them: segment by segment, decoded, * matching any one segment. Both may carry
// the /v1 prefix (the Control API's) or not; "" matches everything.
func MatchPath(pattern, path string) bool {
	if pattern == "" {
		return true
	}
	ps, ok1 := segments(pattern)
	rs, ok2 := segments(path)
	if !ok1 || !ok2 || len(ps) != len(rs) {
		return false
	}
	for i := range ps {
		if ps[i] != "*" && ps[i] != rs[i] {
			return false
		}
	}
	return true
}

func segments(p string) ([]string, bool) {
	p = strings.TrimPrefix(p, "/")
	if p == "v1" || strings.HasPrefix(p, "v1/") {
		p = strings.TrimPrefix(strings.TrimPrefix(p, "v1"), "/")
	}
	if p == "" {
		return nil, true
	}
	parts := strings.Split(p, "/")
	for i, seg := range parts {
		dec, err := url.PathUnescape(seg)
		if err != nil {
			return nil, false
		}
		parts[i] = dec
	}
	return parts, true
}
