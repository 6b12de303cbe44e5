package resttest

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ably/ably-suite/pkg/controltest"
)

// Request is one request the server received, for tests to assert on.
type Request struct {
	Method   string
	Path     string // as sent, escaped: "/keys/app.key/requestToken"
	RawQuery string
	Header   http.Header
	Body     []byte
	Status   int // the status answered; 0 while in flight, or when the client gave up first
	Time     time.Time
}

// Requests returns every request received since the start (or ResetRequests), in order.
func (s *Server) Requests() []Request { return s.RequestsMatching("", "") }

// RequestsMatching returns the requests with this method ("" any) whose path matches pattern
// segment by segment, * matching one segment ("" any), as controltest.MatchPath takes it.
func (s *Server) RequestsMatching(method, pattern string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.log {
		if (method == "" || strings.EqualFold(method, r.Method)) && controltest.MatchPath(pattern, r.Path) {
			r.Header = r.Header.Clone()
			r.Body = slices.Clone(r.Body)
			out = append(out, r)
		}
	}
	return out
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logBase += len(s.log)
	s.log = nil
}

// logStart records a request as it arrives and returns its number counted from the start,
// so that a reset meanwhile cannot misplace its status.
func (s *Server) logStart(r *http.Request, body []byte) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, Request{
		Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body, Time: s.now(),
	})
	return s.logBase + len(s.log) - 1
}

func (s *Server) logFinish(entry, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := entry - s.logBase; i >= 0 && i < len(s.log) {
		s.log[i].Status = status
	}
}
