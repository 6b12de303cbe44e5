// Package resttest is an in-process fake of Ably's REST API: tokens, and channels with
// their messages, for testing clients and CLI plugins without a network or a real app.
//
// Start one per test and point the client at its URL (http://127.0.0.1:PORT, no path):
//
//	srv := resttest.New()
//	defer srv.Close()
//	srv.AddKey(resttest.Key{Key: "appId.keyId:secret", RevocableTokens: true})
//
// It answers these operations:
//
//   - POST /keys/{keyName}/requestToken with a signed token request
//     (SignedTokenRequest of Ably's platform-v1.yaml): it checks the key exists and is not
//     revoked, the mac (HMAC-SHA256 with the key's secret over keyName, ttl, capability,
//     clientId, timestamp and nonce, each followed by a newline), that the timestamp is within
//     MaxClockSkew of its clock, that the nonce was not used before, and that the key's
//     capability covers the one asked for; then it answers TokenDetails. Unsigned requests
//     (TokenParams with basic auth) are not supported. Where Ably would narrow a capability
//     to what the key allows, the fake refuses it (40160), so a test sees the difference.
//   - POST /channels/{channel}/messages (capability publish): one Message or an array,
//     {name, data (any JSON value), encoding, clientId, id, extras}. Each is stored with its
//     id (else RANDOM:INDEX), a serial (TIMESTAMP-SEQ@fake, zero-padded so serials sort as
//     strings in time order), the server's timestamp in ms, action 0. A message whose id the
//     channel holds is not stored again, the answer giving the stored serial (RSL1k). The
//     answer is 201 {"channel","messageId" (the ID prefix),"serials":[...]}. More than
//     MaxMessageSize of name, data, clientId and extras is 400 40009; an empty array 400
//     40003; a clientId other than the request's (when it has one other than "*") 400 40012.
//     A message without a clientId gets the request's.
//   - GET /channels/{channel}/messages (capability history; RSL2): start and end in ms,
//     inclusive; limit 1..1000 (default 100); direction backwards (default) or forwards.
//     A JSON array of messages, with a Link header of rel="first", rel="current" and, when
//     more remain, rel="next" links relative to the request path
//     (<./messages?...&cursor=...>); the cursor is opaque.
//   - GET /channels?prefix&limit&by (channel-metadata on each channel listed; others are
//     left out): the active channels (with messages, presence members or seeded occupancy)
//     whose names start with prefix, sorted; by=id (the default) a JSON array of names,
//     by=value of ChannelDetails; Link pagination as for history.
//   - GET /channels/{channel} (channel-metadata; RSL8): {"channelId","status":{"isActive",
//     "occupancy":{"metrics":{connections, presenceConnections, presenceMembers,
//     presenceSubscribers, publishers, subscribers, objectPublishers, objectSubscribers}}}}
//     from SetOccupancy, presenceMembers adding the members present. A channel never used
//     answers 200, inactive with zeros, as Ably does.
//   - GET /channels/{channel}/presence?clientId&connectionId&limit (subscribe; RSP3): the
//     members present (EnterPresence), in the order they entered, as PresenceMessages with
//     action 1 (present); Link pagination.
//   - POST /messages (batch publish, RSC22): a BatchSpec {"channels": name or [names],
//     "messages": message or [messages]} or an array of them; at most MaxBatchChannels
//     channels and MaxBatchMessages messages (over all channels) a request, else 400 40003.
//     Each channel is published to as by POST /channels/{channel}/messages, and fails on its
//     own (capability, client ID, size). The answer is 201 with a batch result
//     {"successCount","failureCount","results":[{"channel","messageId","serials"} |
//     {"channel","error":{...}}]} for a BatchSpec, an array of them for an array.
//   - Meta channels ([meta]log, [meta]connection.lifecycle, [meta]log:push) are channels
//     like any other, seeded with Publish, under the [meta] capability rule.
//   - GET /channels/{channel}/messages/{serial} (history): the message's latest version,
//     with action (0 create, 1 update, 2 delete, 5 append) and version {serial, timestamp,
//     clientId?, description?, metadata?}; for a message never changed the version is its
//     own serial and timestamp. An unknown serial is 404 40400.
//   - PATCH /channels/{channel}/messages/{serial} {action: 1|2|5, name?, data?, encoding?,
//     extras?, version: {description?, metadata?, clientId?}}: 1 replaces the fields given,
//     5 appends string data to the message's string data (400 40003 if either is not a
//     string), 2 marks it deleted. Updates and appends need message-update-any, or
//     message-update-own when the message's clientId is the request's; deletes
//     message-delete-any or message-delete-own. The answer is 200 {"versionSerial"}; history
//     shows the latest version (with its version field).
//   - POST /channels/{channel}/messages/{serial}/annotations (annotation-publish): an
//     annotation or an array, {action 0 (create, default)|1 (delete), type (required),
//     name?, count?, data?, encoding?, id?, clientId?}, the client ID rule a message's;
//     201 {}. GET of the same path (annotation-subscribe): the message's annotations,
//     oldest first, {id, action, type, name?, clientId?, count?, data?, serial,
//     messageSerial, timestamp}, with Link pagination.
//   - POST /keys/{keyName}/revokeTokens with basic auth by that key and
//     {"targets":["clientId:ID"|"revocationKey:KEY"|"channel:NAME",...],"issuedBefore"?,
//     "allowReauthMargin"?}: the key must have revocable tokens enabled; the answer is Ably's
//     batch result {"successCount","failureCount","results":[...]}, a bad target failing on
//     its own. The platform spec does not describe this endpoint; the fake follows the shape
//     of Ably's token revocation API.
//
// The four routes at and below /channels/{channel}/messages/{serial} need mutable messages
// on the channel, which WithMutable decides (scripts wire it to the fake Control API's
// namespaces with mutableMessages, the namespace being the channel name's part before its
// first colon); elsewhere they answer 400 93002 saying which namespace needs the rule. That code is the fake's own choice, documented nowhere
// this package checks against: Ably's official CLI expects get-message without the rule to
// fail with 40400, so a client should treat both as this case.
//
// Channel routes need credentials (none: 401 40101): "Basic base64(KEYNAME:SECRET)" of a
// known key that is not revoked, with the client ID of its X-Ably-ClientId header, base64 of
// the UTF-8 ID (RSA7e2); or "Bearer X", X (or base64 of X) being an Ably JWT or a token
// this server issued. A JWT has three base64url parts, an HS256 header whose kid names a
// known key, and the claims iat and exp (seconds), x-ably-capability (a JSON string) and
// x-ably-clientId (optional); a malformed one is 401 40144, an unknown or revoked kid or
// a bad signature 401 40101, an expired one (like an expired issued token) 401 40142
// "Token expired". A token or JWT issued before a revocation of its key that has taken
// effect, naming its client ID or a channel its capability reaches, is 401 40141. An operation needs the capability the route names from every grant of
// the request: the key's (a key without one grants {"*":["*"]}) and the JWT's or token's.
// Resources match as on Ably: "*" any plain channel; "ns:*" any channel below ns ("chat:*"
// matches chat:a and chat:a:b, not chat); any other resource the channel itself; a
// qualifier such as [meta] must be the channel's ([meta]* matches [meta]log, and a plain
// "*" does not), and [*] matches any qualifier or none, so "[*]*" matches everything. The
// operation "*" grants all. A missing capability is 401 40160, as Ably answers it, naming
// the operation and channel. The client ID "*" (of a JWT or token) allows any. Channels
// are one set shared by every app's keys, as a test of one app wants, unless the server is
// made WithSeparateApps: then each app has its own, as on Ably, reached with App(appID).
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
// WithSpec (or UseChecker), with the check restspec.Load makes, has the server check every request
// and response against Ably's REST API description, platform-v1.yaml, as pkg/controltest
// does against control-v1.yaml; SpecViolations lists what did not conform. Of the fake's
// operations, platform-v1.yaml lacks revokeTokens, POST /messages,
// /channels/{channel}/messages/{serial} and its annotations, so their requests and responses
// are not checked (any other path the fake does not serve is a violation). Where the
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
//   - A message's data, and a presence message's, is drawn as a string; Ably takes and
//     sends any JSON value. A publisher may give a message's id (idempotent publishing),
//     which the description marks read-only. A publish's body may be an array of messages.
//   - A presence message's action is drawn as a string enum; Ably sends its number
//     (1, present).
//   - Occupancy is drawn with the counts at its top level; Ably, and the fake, send them
//     in occupancy.metrics (the description allows the extra field, so nothing is amended).
//   - GET /channels answers oneOf an array of names or of ChannelDetails, but an empty
//     array is both; it is read as anyOf.
//   - The description's own flaws that touch no request (an integer parameter with the
//     default "100", an example that breaks its schema) are tolerated when it is loaded.
//
// Keys come from AddKey, or from a lookup given with WithKeys (for example the keys of a
// pkg/controltest server, so keys created through the fake Control API work here too).
// Tests inject failures with AddFault and inspect what was sent with Requests, what was
// issued with Tokens, and what was revoked with Revocations. Channel state is arranged and
// read without credentials: Publish and Messages (oldest first), Message (by serial),
// EnterPresence and Presence, SetOccupancy and Status, Annotations; Mutable says what
// WithMutable allows, and DecodeJWT reads a JWT a client sent. WithClock and WithRandom
// make timestamps, serials and message IDs reproducible.
//
// A Realtime fake on the same store (pkg/realtimetest) uses a few hooks, so that it has no
// auth or capability code of its own: AuthenticateKey and AuthenticateToken check a
// connection's credential as the REST routes do and give an Identity (key, client ID, Can,
// Reaches, Expires); PublishAs and AnnotateAs publish as that identity with the REST
// rules and codes; LeavePresence removes a member; WithObserver hears of every message,
// annotation and presence change stored, in order, whatever its source; WithOccupancy adds
// the live connections to a channel's status.
package resttest
