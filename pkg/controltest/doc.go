// Package controltest is an in-process fake of Ably's Control API (v1), for testing
// Control API clients and CLI plugins without a network or a real account.
//
// Start one per test and point the client at its URL, which ends in /v1:
//
//	srv := controltest.New()
//	defer srv.Close()
//	client := myclient.New(srv.URL, controltest.DefaultToken)
//
// The fake answers every operation of the published OpenAPI description
// (control-v1.yaml): /me, apps, the pkcs12 upload, keys, namespaces, queues, rules and
// stats. It keeps state, so what a test creates it can list, update and delete, and it
// answers like the real API: 201 on create, 204 on delete, 404 naming what was not found,
// 400 for a malformed body, 422 for a body that breaks the API's rules, and Ably error bodies
// ({"message","code","statusCode","href"}).
//
// Access tokens work as on the real service. Every request needs
// "Authorization: Bearer <token>"; a missing, unknown, revoked or expired token gets 401, and a
// token without the capability an operation needs (read:app, write:key, ...) gets 403. A token
// sees only its own account. The server starts with DefaultToken, which holds every
// capability and never expires; SetToken and RevokeToken add others.
//
// Tests arrange state directly (AddApp, AddKey, AddNamespace, AddQueue, AddRule), inject
// failures (AddFault: a status such as 429 with Retry-After, a delay, a malformed body,
// for the next N matching requests), and inspect what the client sent (Requests).
//
// WithSpec (or UseChecker), with the check controlspec.Load makes of control-v1.yaml, makes
// the server check every request it receives and every response it sends against the
// OpenAPI description; SpecViolations lists what did not
// conform, so a client's test can assert that it speaks the documented API. The fake departs
// from the description only where the real API does: the fields it returns beyond it
// (stats' inProgress, namespaces' identified) are not violations.
//
// The request log, faults, spec check and serve pipeline are pkg/fakeserver's, shared with
// pkg/resttest; this package adds the Control API itself.
package controltest
