package realtime

import (
	"encoding/binary"
	"io"
	"time"
)

// Default timeouts of the connection (TO3l1, TO3l2).
const (
	DisconnectedRetryTimeout = 15 * time.Second // RTN14d: first wait before reconnecting
	SuspendedRetryTimeout    = 30 * time.Second // RTN14e: wait between attempts once SUSPENDED
	ChannelRetryTimeout      = 15 * time.Second // RTL13b: a SUSPENDED channel's wait
)

// RetryDelay is the wait before the nth retry (n from 1) after initial (RTB1): initial times
// the backoff coefficient min((n+2)/3, 2) (RTB1a) times a jitter coefficient drawn
// uniformly from [0.8, 1.0) (RTB1b) with rnd, so clients that lost a server together do not
// all come back at once. An exhausted rnd gives no jitter (coefficient 1).
func RetryDelay(initial time.Duration, n int, rnd io.Reader) time.Duration {
	n = max(n, 1)
	backoff := min(float64(n+2)/3, 2)
	jitter := 1.0
	var b [8]byte
	if _, err := io.ReadFull(rnd, b[:]); err == nil {
		jitter = 0.8 + 0.2*float64(binary.BigEndian.Uint64(b[:])>>11)/(1<<53)
	}
	return time.Duration(float64(initial) * backoff * jitter)
}
