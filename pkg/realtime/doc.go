// Package realtime is the suite's client of Ably's Realtime protocol over WebSocket, built
// up in layers: the wire vocabulary is pkg/realtime/proto; this package holds how a
// connection is reached (the URL and its parameters, RTN2) and, next, the connection and
// channel state machines. It follows Ably's features specification and cites its points.
package realtime
