// Package realtimetest is an in-process fake of Ably's REST and Realtime APIs on one
// loopback port, for testing Realtime clients (the suite's, and Ably's own SDKs) without a
// network.
//
//	srv := realtimetest.New(realtimetest.WithMaxIdleInterval(time.Second))
//	defer srv.Close()
//	srv.AddKey(resttest.Key{Key: "appId.keyId:secret"})
//	// REST at srv.URL; Realtime at ws://HOST:PORT/?key=...&format=json&v=6 (or format=msgpack)
//
// The server embeds a *resttest.Server: one store for both planes. A message published over
// REST reaches Realtime subscribers, one published over Realtime is in REST history, members
// entered over Realtime are in GET /channels/{channel}/presence and in occupancy. Credentials
// and capabilities are checked by resttest's own code (AuthenticateKey, AuthenticateToken,
// Identity.Can), never a copy. The REST fake runs behind this server's port: every request
// that is not a WebSocket upgrade at / is handed to it unchanged (its request log, faults
// and spec checks apply; a drop fault drops the client's connection), and the upgrade never
// reaches it, so the Realtime route is neither logged nor checked against platform-v1.yaml.
//
// The Realtime protocol is version 6 (v=6, else ERROR 40017) in either format (RTN2a):
// format=json, one JSON ProtocolMessage per text frame, or format=msgpack, Ably's SDKs'
// default, one MessagePack map with the same keys per binary frame (any other format is
// ERROR 40000; both are written in the connection's format). Data keeps its type across
// formats (RSL4c, RSL4d): binary is msgpack bin on a msgpack connection and base64 with
// encoding "base64" (appended to any other steps, e.g. "utf-8/cipher+aes-128-cbc/base64")
// on a JSON one and in REST history; strings are strings, and JSON-encoded data keeps its
// "json" encoding. A client frame that is not a ProtocolMessage in the connection's format
// (bad MessagePack, nesting deeper than 64, bytes after the value, a non-string map key) is
// ERROR 40000 and the socket closes. What the server does, by Ably's features
// specification:
//
//   - Connect (RTN2, RTN4b): key=APPID.KEYID:SECRET, or access_token / accessToken (a JWT
//     signed by a known key, or a token the REST fake issued); clientId identifies a key's
//     client and must agree with a token's (40102); echo (default true); heartbeats; resume.
//     A bad credential is ERROR 40101/401 and the socket closes; an expired token 40142,
//     revoked 40141, malformed JWT 40144. CONNECTED carries connectionId (random) and
//     connectionDetails: connectionKey "<connId>!<random>", clientId, maxIdleInterval
//     (WithMaxIdleInterval, default 15 s), connectionStateTtl (WithConnectionStateTTL,
//     default 2 min), maxMessageSize 65536, maxFrameSize 524288, serverId "fake".
//   - Liveness (RTN23): after maxIdleInterval without a frame, a HEARTBEAT when the client
//     asked for heartbeats=true, else a WebSocket ping; a client HEARTBEAT with an id is
//     answered with the same id (RTN13).
//   - Slow connections: at most WithConnectionQueue's frames and bytes (DefaultQueueFrames,
//     DefaultQueueBytes) wait to be written to one connection; beyond that its MESSAGE frames
//     are dropped, as Ably drops what a connection cannot take, and where the gap is the
//     channel gets an ATTACHED with error 80020 and no RESUMED (RTL12); twice that of any
//     frames (presence, which is not dropped) and the transport goes. A client that takes
//     no frame for 10 s, or answers no ping within maxIdleInterval, loses its transport; its
//     connection state is kept for a resume (RTN15).
//   - ATTACH (RTL4): the capability must reach the channel, else ERROR {channel, 40160}
//     (RTL14). Granted modes are those asked for (all when none) within the capability:
//     publish PUBLISH, subscribe SUBSCRIBE and PRESENCE_SUBSCRIBE, presence PRESENCE,
//     annotation-publish/-subscribe their modes. ATTACHED carries them with HAS_PRESENCE
//     (members present, and PRESENCE_SUBSCRIBE granted, so a SYNC follows: a connection
//     without that mode gets neither) and RESUMED, the channel's latest serial ("" for a
//     channel without messages) and the accepted params (rewind, occupancy, delta). Then
//     every message after a channelSerial the channel knows (RTL15b), or, on a resumed
//     connection that was attached to the channel, every message after the last one that
//     reached it in full (RTN15c6: frames lost with the transport come again, RESUMED set,
//     though the channel was empty when it first attached), or the rewind (rewind=N or
//     rewind=2m); then a SYNC of the members (RTP18, "<syncId>:<cursor>", the last
//     "<syncId>:"). DETACH: DETACHED, the connection's members on the channel leave.
//   - MESSAGE (RTL6, RTN7): published through the REST store as the connection's identity
//     (publish capability 40160/401, client ID 40012, size over 65536 40009, as NACK), with
//     IDs connId:msgSerial:index so a message resent after a resume is stored once (RSL1k,
//     RTN19a); ACK with the serials. Every stored message (from any source) is fanned out, in
//     serial order, to each connection attached with SUBSCRIBE (not the publisher's own with
//     echo=false), as MESSAGE {channel, channelSerial, id, connectionId, timestamp}.
//   - PRESENCE (RTP8, RTP9, RTP10): enter, update, leave of the connection's client (RTP8c)
//     or one it names within its client ID; the presence capability (NACK 40160); an
//     anonymous or wildcard client NACK 91000. Members are the REST store's; changes are
//     broadcast to connections with PRESENCE_SUBSCRIBE. A CLOSEd connection's members leave
//     at once; a dropped one's after WithPresenceLeaveDelay (default 15 s) unless it resumes.
//   - Occupancy: a connection attached with params occupancy=metrics gets MESSAGE
//     "[meta]occupancy" {"metrics":{...}} on attach and on every change, counted from the
//     live connections plus SetOccupancy's seeded numbers; GET /channels/{channel} counts
//     them too.
//   - Meta channels: [meta]channel.lifecycle gets channel.opened / channel.closed {name,
//     status} as a channel gains its first / loses its last attached connection;
//     [meta]connection.lifecycle connection.opened / connection.closed {connectionId,
//     clientId, transport}. They are stored channels like any other, under the [meta]
//     capability rule.
//   - ANNOTATION: annotations published (REST or Realtime, annotation-publish, the mutable
//     rule) reach connections attached with ANNOTATION_SUBSCRIBE.
//   - Resume (RTN15): a dropped connection's state lives connectionStateTtl; resume=KEY of a
//     live state is CONNECTED with the same connectionId and no error; an unknown key is a
//     new connection with error 80018, an expired one 80008 (both 400).
//   - CLOSE: CLOSED, then the socket closes. AUTH {auth:{accessToken}} (RTN22, RTC8a): the
//     token checked, for the same client ID (else ERROR 40102), then CONNECTED with the same
//     connectionId; a bad token is ERROR. A token expiring on a live connection:
//     DISCONNECTED 40142 and close (RTN15h).
//
// Faults: Drop, Disconnect, RefuseConnections, DelayFrames, SetHeartbeats, RequestAuth,
// NackPublishes; SetMaxIdleInterval, SetConnectionStateTTL and SetPresenceLeaveDelay change
// the timers while running. Inspection: Connections, and WaitAttached, WaitPresent,
// WaitAbsent, WaitConnections and WaitStates for tests that run a client in the
// background. WithClock and WithRandom make times, IDs and
// serials reproducible (durations run on real timers). Close ends every connection and
// goroutine.
package realtimetest
