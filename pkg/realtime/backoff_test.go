package realtime

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

func TestRetryDelay(t *testing.T) {
	zero := func() *bytes.Reader { return bytes.NewReader(make([]byte, 8)) } // jitter 0.8
	// The RTB1a sequence 1, 4/3, 5/3, 2, 2, ... at the lowest jitter.
	for n, want := range map[int]time.Duration{1: 12 * time.Second, 2: 16 * time.Second, 3: 20 * time.Second, 4: 24 * time.Second, 10: 24 * time.Second} {
		if got := RetryDelay(DisconnectedRetryTimeout, n, zero()); got != want {
			t.Errorf("RetryDelay(15s, %d) = %v, want %v", n, got, want)
		}
	}
	if got := RetryDelay(DisconnectedRetryTimeout, 1, strings.NewReader("")); got != DisconnectedRetryTimeout {
		t.Errorf("no randomness: %v, want no jitter", got)
	}
	// Jitter stays within [0.8, 1.0) of the backoff (RTB1b).
	for range 1000 {
		d := RetryDelay(time.Second, 4, rand.Reader)
		if d < 1600*time.Millisecond || d >= 2*time.Second {
			t.Fatalf("RetryDelay(1s, 4) = %v, outside [1.6s, 2s)", d)
		}
	}
}
