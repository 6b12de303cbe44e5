package controltest

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Fault makes the server misbehave for matching requests, before authentication and
// normal handling. Faults are tried in the order added; the first that matches and has uses
// left applies.
type Fault struct {
	Method     string        // "" matches any method
	Path       string        // below /v1 ("/me", "/apps/*/keys"); * matches one segment; "" any path
	Status     int           // the status to answer; 0, or 2xx without Body, answers normally after Delay
	RetryAfter string        // Retry-After header: seconds ("2") or an HTTP date
	Delay      time.Duration // wait before answering; ends early when the client gives up
	Body       string        // sent as is instead of an Ably error body ("{not json", a huge body)
	Times      int           // 0: every matching request; N: the next N
}

type fault struct {
	Fault
	left int // uses left; meaningless when Times is 0
}

// AddFault adds a fault after those already set.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{Fault: f, left: f.Times})
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault finds the fault for r and uses it up once.
func (s *Server) takeFault(r *http.Request) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
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

// applyFault answers r with its fault, if it has one. It reports whether it answered; a
// fault without a Status only delays.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request) bool {
	f, ok := s.takeFault(r)
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
	writeError(w, f.Status, CodeFor(f.Status), "injected fault: %d %s", f.Status, http.StatusText(f.Status))
	return true
}

// MatchPath reports whether a request path matches a pattern as Fault.Path and the request
// filters take them: segment by segment, decoded, * matching any one segment. Both may carry
// the /v1 prefix or not; "" matches everything.
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
