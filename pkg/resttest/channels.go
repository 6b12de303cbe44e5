package resttest

import (
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"sort"
)

// channelState is what the server keeps of a channel.
type channelState struct {
	messages    []Message               // sorted by serial, which sorts by timestamp, then arrival
	ids         map[string]string       // message ID to serial, for idempotent publishing (RSL1k)
	seq         int                     // messages stored so far, for serials
	presence    []PresenceMessage       // in order of entry
	occupancy   *Metrics                // seeded metrics; nil: none
	annotations map[string][]Annotation // by message serial, oldest first
}

// chanKey is a channel in the store: its app's scope (AppScope) and its name.
type chanKey struct{ scope, name string }

// channelLocked returns the state of an app's channel, created when create is set (nil
// otherwise when there is none). The caller holds s.mu.
func (s *Server) channelLocked(appID, name string, create bool) *channelState {
	k := chanKey{s.AppScope(appID), name}
	ch := s.channels[k]
	if ch == nil && create {
		ch = &channelState{ids: map[string]string{}, annotations: map[string][]Annotation{}}
		s.channels[k] = ch
	}
	return ch
}

// serialFor makes the serial of a channel's next message: the timestamp, then the count of
// messages the channel stored, zero-padded so that serials sort as strings in time order.
func (ch *channelState) serialFor(timestamp int64) string {
	ch.seq++
	return fmt.Sprintf("%016d-%06d@fake", timestamp, ch.seq)
}

// insert stores m (with its serial set) in serial order.
func (ch *channelState) insert(m Message) {
	i := sort.Search(len(ch.messages), func(i int) bool { return ch.messages[i].Serial >= m.Serial })
	ch.messages = slices.Insert(ch.messages, i, m)
	if m.ID != "" {
		ch.ids[m.ID] = m.Serial
	}
}

// forget drops the messages stored before from (ms since the epoch; 0 keeps them all), as
// a channel's retention ends (WithRetention).
func (ch *channelState) forget(from int64) {
	if from <= 0 || len(ch.messages) == 0 || ch.messages[0].Timestamp >= from {
		return
	}
	i := sort.Search(len(ch.messages), func(i int) bool { return ch.messages[i].Timestamp >= from })
	for _, m := range ch.messages[:i] {
		delete(ch.ids, m.ID)
		delete(ch.annotations, m.Serial)
	}
	ch.messages = slices.Clone(ch.messages[i:])
}

// find returns the index of the message with serial, or -1.
func (ch *channelState) find(serial string) int {
	i := sort.Search(len(ch.messages), func(i int) bool { return ch.messages[i].Serial >= serial })
	if i < len(ch.messages) && ch.messages[i].Serial == serial {
		return i
	}
	return -1
}

// active reports whether a channel counts as active: it has messages, presence members or
// seeded occupancy.
func (ch *channelState) active() bool {
	return ch != nil && (len(ch.messages) > 0 || len(ch.presence) > 0 || ch.occupancy != nil)
}

// randomIDLocked makes a random base for message IDs from the server's randomness. The
// caller holds s.mu (the reader need not be safe for concurrent use).
func (s *Server) randomIDLocked() (string, error) {
	b := make([]byte, 9)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", fmt.Errorf("reading randomness for a message ID: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
