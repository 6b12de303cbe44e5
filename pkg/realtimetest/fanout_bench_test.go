package realtimetest

import (
	"strconv"
	"testing"

	"github.com/ably/ably-suite/pkg/resttest"
)

// BenchmarkFanOutAmongIdleSessions: the cost of fanning a message out on a channel with one
// attachment while 10,000 other connections are attached elsewhere: what a publish costs on
// an emulator holding many idle connections.
func BenchmarkFanOutAmongIdleSessions(b *testing.B) {
	srv := New()
	defer srv.Close()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	attach := func(id, ch string) {
		ss := &session{id: id, attachments: map[string]*attachment{}}
		srv.sessions[id] = ss
		srv.setAttachmentLocked(ss, ch, &attachment{})
	}
	for i := range 10_000 {
		attach("idle"+strconv.Itoa(i), "idle-"+strconv.Itoa(i))
	}
	attach("hot", "hot")
	msgs := []resttest.Message{{Serial: "x"}}
	b.ResetTimer()
	for range b.N {
		srv.fanOutMessagesLocked(chanRef{"", "hot"}, msgs)
	}
}
