package fakeserver

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Request is one request a server received, for tests to assert on.
type Request struct {
	Method   string
	Path     string // as sent, escaped: "/v1/apps/x/queues/x:us-east-1-a:My%20q"
	RawQuery string
	Header   http.Header
	Body     []byte
	Status   int // the status answered; 0 while in flight, or when the client gave up first
	Time     time.Time
}

// Requests returns every request received since the start (or ResetRequests), in the order
// they arrived; with Config.LogLimit, the newest of them (between LogLimit and twice as many).
func (s *Server) Requests() []Request { return s.RequestsMatching("", "") }

// RequestsMatching returns the requests with this method ("" any, any case) whose path
// matches pattern as MatchPath takes it ("" any).
func (s *Server) RequestsMatching(method, pattern string) []Request {
	return s.log.matching(method, pattern)
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() { s.log.reset() }

// requestLog is a server's log of requests.
type requestLog struct {
	now   func() time.Time
	limit int // the most requests kept, the newest; 0: all

	mu      sync.Mutex
	entries []Request
	base    int // requests dropped by reset
}

func (l *requestLog) matching(method, pattern string) []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Request
	for _, r := range l.entries {
		if (method == "" || strings.EqualFold(method, r.Method)) && MatchPath(pattern, r.Path) {
			r.Header = r.Header.Clone()
			r.Body = slices.Clone(r.Body)
			out = append(out, r)
		}
	}
	return out
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.base += len(l.entries)
	l.entries = nil
}

// start records a request as it arrives and returns its number, counted from the start
// (resets included) so that a reset meanwhile cannot misplace its status.
func (l *requestLog) start(r *http.Request, body []byte) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, Request{
		Method:   r.Method,
		Path:     r.URL.EscapedPath(),
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Body:     body,
		Time:     l.now(),
	})
	n := l.base + len(l.entries) - 1
	if l.limit > 0 && len(l.entries) >= 2*l.limit {
		// Drop the oldest in one go, so that keeping the newest costs no copy per request.
		drop := len(l.entries) - l.limit
		l.entries = slices.Clone(l.entries[drop:])
		l.base += drop
	}
	return n
}

// finish notes the status answered, unless the entry was reset away meanwhile.
func (l *requestLog) finish(entry, status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i := entry - l.base; i >= 0 && i < len(l.entries) {
		l.entries[i].Status = status
	}
}
