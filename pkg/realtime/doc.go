// Package realtime is a client of Ably's Realtime protocol over WebSocket, JSON format,
// protocol version 6. The wire vocabulary is pkg/realtime/proto.
//
// Connect opens a Conn (RTN4, RTN6) and keeps it up: heartbeats and the idle timeout
// (RTN23a), DISCONNECTED with RTB1's backoff (RTN14d), resume with the connection key and
// re-attach from each channel's serial (RTN15, RTL4c1), SUSPENDED after
// connectionStateTtl (RTN14e), FAILED on a fatal error, CLOSE on Close (RTN12). Token
// errors and the service's AUTH are answered with Options.Renew (RTN14b, RTN15h2, RTN22).
//
// Conn.Channel gives a Channel: Attach with modes and params (RTL4), Detach (RTL5),
// messages decoded as they arrive (RTL7d, RSL6), Publish with msgSerial and ACK/NACK
// (RTN7), messages resent after a resume (RTN19a), presence Enter/Update/Leave (RTP8-10)
// and the members map with its SYNC (RTP2, RTP18, RTP19).
//
// One goroutine per connection owns the state of the connection and its channels; the
// callbacks of Options and ChannelOptions run on it, in order, and must not block. The
// Dialer, Clock and randomness are injected, so tests drive reconnects and timeouts
// without sleeping. Errors carry the suite's exit codes through ExitError.
package realtime
