package fakeserver

import (
	"net/http"
	"slices"
)

// Checker checks a fake's traffic against the API's published description (package
// fakeserver/openapi makes one from an OpenAPI description). It must be safe for concurrent
// use.
type Checker interface {
	// Check returns what is wrong with a request (one line each, "METHOD /path: request:
	// ...") and the check of its response, nil when there is none to make.
	Check(r *http.Request, body []byte) (problems []string, response ResponseCheck)
}

// ResponseCheck returns what is wrong with the response to a checked request ("METHOD /path
// -> STATUS: response: ...").
type ResponseCheck func(status int, header http.Header, body []byte) []string

// UseChecker turns checking on with c, or off with nil.
func (s *Server) UseChecker(c Checker) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checker = c
}

// Checker is what the server checks its traffic with; nil when checking is off.
func (s *Server) Checker() Checker {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checker
}

// SpecViolations lists what did not conform to the spec, one line each, in the order met:
//
//	POST /v1/apps/x/keys: request: ...     the client sent something the spec does not allow
//	GET /v1/me -> 200: response: ...       the fake answered something it does not allow
//
// Not checked, on purpose: responses from an injected fault, responses with a status the
// operation does not document, and what the Checker's rules leave out.
func (s *Server) SpecViolations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// ResetSpecViolations forgets the violations recorded so far.
func (s *Server) ResetSpecViolations() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = nil
}

func (s *Server) violate(lines []string) {
	if len(lines) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = append(s.violations, lines...)
}

// checkRequest checks a request, recording what is wrong; the check of its response is nil
// when there is none to make (or checking is off).
func (s *Server) checkRequest(r *http.Request, body []byte) ResponseCheck {
	c := s.Checker()
	if c == nil {
		return nil
	}
	problems, response := c.Check(r, body)
	s.violate(problems)
	return response
}
