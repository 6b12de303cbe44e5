package resttest

import (
	"net/http"

	"github.com/ably/ably-suite/internal/fakefault"
	"github.com/ably/ably-suite/pkg/controltest"
)

// Fault makes the server misbehave for matching requests, before normal handling, as
// controltest.Fault does. Path is like "/keys/*/requestToken".
type Fault = fakefault.Fault

// AddFault adds a fault after those already set.
func (s *Server) AddFault(f Fault) { s.faults.Add(f) }

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.faults.Clear() }

// applyFault answers r with its fault, if it has one, and reports whether it answered.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request) bool {
	return s.faults.Apply(w, r, func(w http.ResponseWriter, status int) {
		writeError(w, status, controltest.CodeFor(status), "injected fault: %d %s", status, http.StatusText(status))
	})
}
