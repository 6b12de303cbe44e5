// Package resttest is an in-process fake of the part of Ably's REST API that issues and
// revokes tokens, for testing clients and CLI plugins without a network or a real app.
//
// Start one per test and point the client at its URL (http://127.0.0.1:PORT, no path):
//
//	srv := resttest.New()
//	defer srv.Close()
//	srv.AddKey(resttest.Key{Key: "appId.keyId:secret", RevocableTokens: true})
//
// It answers two operations:
//
//   - POST /keys/{keyName}/requestToken with a signed token request
//     (SignedTokenRequest of Ably's platform-v1.yaml): it checks the key exists and is not
//     revoked, the mac (HMAC-SHA256 with the key's secret over keyName, ttl, capability,
//     clientId, timestamp and nonce, each followed by a newline), that the timestamp is within
//     MaxClockSkew of its clock, that the nonce was not used before, and that the key's
//     capability covers the one asked for; then it answers TokenDetails. Unsigned requests
//     (TokenParams with basic auth) are not supported. Where Ably would narrow a capability
//     to what the key allows, the fake refuses it (40160), so a test sees the difference.
//   - POST /keys/{keyName}/revokeTokens with basic auth by that key and
//     {"targets":["clientId:ID"|"revocationKey:KEY"|"channel:NAME",...],"issuedBefore"?,
//     "allowReauthMargin"?}: the key must have revocable tokens enabled; the answer is Ably's
//     batch result {"successCount","failureCount","results":[...]}, a bad target failing on
//     its own. The platform spec does not describe this endpoint; the fake follows the shape
//     of Ably's token revocation API.
//
// Signatures and credentials are checked with the fake's own code (verify.go), not with
// pkg/ablyauth or any other client's, so a client's mistake cannot pass by being shared. An
// Authorization header may be "Basic base64(KEYNAME:SECRET)" or "Bearer TOKEN" (the token as
// issued, or base64 of it as Ably's SDKs send it); a token request needs none, but any it
// carries must be good, and revokeTokens wants the key itself.
//
// Errors are Ably error bodies, {"error":{"message","code","statusCode","href"}}, with the
// x-ably-errorcode and x-ably-errormessage headers, as the real API sends them.
//
// ValidateWith (or WithSpec, with a spec from LoadSpec) makes the server check every request
// and response against Ably's REST API description, platform-v1.yaml, as pkg/controltest
// does against control-v1.yaml; SpecViolations lists what did not conform. Of the fake's two
// operations, platform-v1.yaml describes only requestToken: revokeTokens is missing from it,
// so its requests and responses are not checked (any other path is a violation). Where the
// description is wrong about the real API, the fake reads it as the real API behaves, each
// case named here:
//
//   - requestToken's body is oneOf TokenRequest or SignedTokenRequest, but a
//     SignedTokenRequest is a TokenRequest with a mac, so every signed request matches both
//     and would fail oneOf; the TokenRequest branch is read as one without a mac.
//   - TokenRequest's capability is drawn as an object, but Ably's token request spec and
//     SDKs send the capability's JSON as a string (the bytes the mac covers); a string
//     holding a JSON object is checked as that object.
//   - Every operation asks for basic or bearer credentials, though requestToken's own
//     description says a signed token request needs none; one without any is not a violation.
//   - The description's own flaws that touch no request (an integer parameter with the
//     default "100", an example that breaks its schema) are tolerated when it is loaded.
//
// Keys come from AddKey, or from a lookup given with WithKeys (for example the keys of a
// pkg/controltest server, so keys created through the fake Control API work here too).
// Tests inject failures with AddFault and inspect what was sent with Requests, what was
// issued with Tokens, and what was revoked with Revocations.
package resttest
