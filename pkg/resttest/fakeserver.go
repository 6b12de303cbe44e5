package resttest

import "github.com/ably/ably-suite/pkg/fakeserver"

// The request log and faults are pkg/fakeserver's, shared with pkg/controltest.
type (
	// Request is one request the server received, for tests to assert on. Path is as
	// sent, escaped: "/keys/app.key/requestToken".
	Request = fakeserver.Request
	// Fault makes the server misbehave for matching requests, before normal handling, as
	// controltest.Fault does. Path is like "/keys/*/requestToken".
	Fault = fakeserver.Fault
)
