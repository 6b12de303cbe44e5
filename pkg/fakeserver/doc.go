// Package fakeserver is the plumbing of the suite's in-process fakes of Ably's HTTP APIs
// (pkg/controltest for the Control API, pkg/resttest for the REST API), public so that
// others can build fakes of further APIs on it the same way.
//
// A fake is an http.Handler that knows the API; Start wraps it in what every fake needs and
// serves it on a loopback port. Each request goes the same way:
//
//  1. its body is read (up to Config.MaxBody) and it is logged as a Request;
//  2. with a spec in use, it is checked against the API's OpenAPI description;
//  3. a Fault added with AddFault may answer it instead (a status, a Retry-After, a delay,
//     a raw body), before the API sees it;
//  4. otherwise the API's handler answers;
//  5. the status answered is logged, and with a spec in use the answer is checked too.
//
// Tests read what was sent with Requests and RequestsMatching, and what broke the spec with
// SpecViolations. The check is a Checker (Config.Checker, UseChecker): package
// fakeserver/openapi makes one from an OpenAPI description with kin-openapi, with Rules that
// say where an API's fake departs from it on purpose (fields the real API sends beyond it,
// paths it lacks), so that what remains is a real disagreement; openapi.SpecPath finds the
// descriptions beside the suite's checkout, in ../shared/spec, where tests read them from.
// This package itself links no spec checking, so a program serving a fake (the emulator)
// carries none of it.
package fakeserver
