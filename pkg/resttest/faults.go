package resttest

import (
	"net/http"
	"strings"
	"time"

	"github.com/ably/ably-suite/pkg/controltest"
)

// Fault makes the server misbehave for matching requests, before normal handling. Faults
// are tried in the order added; the first that matches and has uses left applies.
type Fault struct {
	Method string        // "" matches any method
	Path   string        // "/keys/*/requestToken"; * matches one segment; "" any path
	Status int           // the status to answer; 0 answers normally after Delay
	Delay  time.Duration // wait before answering; ends early when the client gives up
	Body   string        // sent as is instead of an Ably error body
	Times  int           // 0: every matching request; N: the next N
}

type fault struct {
	Fault
	left int
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
		if !controltest.MatchPath(f.Path, r.URL.EscapedPath()) {
			continue
		}
		f.left--
		return f.Fault, true
	}
	return Fault{}, false
}

// applyFault answers r with its fault, if it has one, and reports whether it answered.
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
			return true
		}
	}
	if f.Status == 0 {
		return false
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return true
	}
	writeError(w, f.Status, controltest.CodeFor(f.Status), "injected fault: %d %s", f.Status, http.StatusText(f.Status))
	return true
}
