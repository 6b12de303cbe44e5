package controltest

import (
	"net/http"

	"github.com/ably/ably-suite/internal/fakefault"
)

// Fault makes the server misbehave for matching requests, before authentication and normal
// handling: a status (with an Ably error body unless Body is given), a Retry-After, a delay,
// for every matching request or the next Times. Path is below /v1 ("/me", "/apps/*/keys").
type Fault = fakefault.Fault

// AddFault adds a fault after those already set.
func (s *Server) AddFault(f Fault) { s.faults.Add(f) }

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.faults.Clear() }

// applyFault answers r with its fault, if it has one, and reports whether it answered.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request) bool {
	return s.faults.Apply(w, r, func(w http.ResponseWriter, status int) {
		writeError(w, status, CodeFor(status), "injected fault: %d %s", status, http.StatusText(status))
	})
}

// MatchPath reports whether a request path matches a pattern as Fault.Path and the request
// filters take them: segment by segment, decoded, * matching any one segment. Both may carry
// the /v1 prefix or not; "" matches everything.
func MatchPath(pattern, path string) bool { return fakefault.MatchPath(pattern, path) }
