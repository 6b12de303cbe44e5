package controltest

import "github.com/ably/ably-suite/pkg/fakeserver"

// The request log and faults are pkg/fakeserver's, shared with pkg/resttest.
type (
	// Request is one request the server received, for tests to assert on. Path is as
	// sent, escaped, with the /v1 prefix: "/v1/apps/x/queues/x:us-east-1-a:My%20q".
	Request = fakeserver.Request
	// Fault makes the server misbehave for matching requests, before authentication and
	// normal handling: a status (with an Ably error body unless Body is given), a
	// Retry-After, a delay, for every matching request or the next Times. Path is below
	// /v1 ("/me", "/apps/*/keys").
	Fault = fakeserver.Fault
)

// MatchPath reports whether a request path matches a pattern as Fault.Path and the request
// filters take them: segment by segment, decoded, * matching any one segment. Both may carry
// the /v1 prefix or not; "" matches everything.
func MatchPath(pattern, path string) bool { return fakeserver.MatchPath(pattern, path) }
