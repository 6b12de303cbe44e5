package realtimetest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
)

// rewindSpec is a rewind channel param: the last count messages, or those of the last
// period.
type rewindSpec struct {
	count  int
	period time.Duration
}

// parseRewind reads rewind=N or rewind=DURATION ("2m", "30s").
func parseRewind(v string) (rewindSpec, error) {
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return rewindSpec{count: n}, nil
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return rewindSpec{period: d}, nil
	}
	return rewindSpec{}, fmt.Errorf("rewind must be a number of messages (rewind=10) or a period (rewind=2m), not %q", v)
}

// pick selects the messages a rewind replays, oldest first.
func (r rewindSpec) pick(msgs []resttest.Message, now int64) []resttest.Message {
	if r.period > 0 {
		from := now - r.period.Milliseconds()
		for i, m := range msgs {
			if m.Timestamp >= from {
				return msgs[i:]
			}
		}
		return nil
	}
	if r.count >= len(msgs) {
		return msgs
	}
	return msgs[len(msgs)-r.count:]
}

// liveCountsLocked counts the live connections attached to a channel by mode, for
// occupancy. The caller holds s.mu.
func (s *Server) liveCountsLocked(ref chanRef) resttest.Metrics {
	var m resttest.Metrics
	for ss := range s.attachedTo[ref] {
		a := ss.attachments[ref.name]
		if a.stale || ss.t == nil {
			continue
		}
		m.Connections++
		count := func(flag proto.Flags, n *int) {
			if a.modes.Has(flag) {
				*n++
			}
		}
		count(proto.FlagPublish, &m.Publishers)
		count(proto.FlagSubscribe, &m.Subscribers)
		count(proto.FlagPresence, &m.PresenceConnections)
		count(proto.FlagPresenceSubscribe, &m.PresenceSubscribers)
		count(proto.FlagObjectPublish, &m.ObjectPublishers)
		count(proto.FlagObjectSubscribe, &m.ObjectSubscribers)
	}
	return m
}

// countsChangedLocked recounts a channel after an attachment came or went: its live
// occupancy, its lifecycle ([meta]channel.lifecycle channel.opened when it gains its first
// attached connection, channel.closed when it loses its last) and the occupancy events.
// The caller holds s.mu.
func (s *Server) countsChangedLocked(ref chanRef) {
	live := s.liveCountsLocked(ref)
	s.occ.set(ref, live)
	before := s.attached[ref]
	if live.Connections == 0 {
		delete(s.attached, ref)
	} else {
		s.attached[ref] = live.Connections
	}
	if !strings.HasPrefix(ref.name, "[meta]") {
		lifecycle := chanRef{ref.scope, "[meta]channel.lifecycle"}
		switch {
		case before == 0 && live.Connections > 0:
			s.lifecycleLocked(lifecycle, "channel.opened", s.channelLife(ref))
		case before > 0 && live.Connections == 0:
			s.lifecycleLocked(lifecycle, "channel.closed", s.channelLife(ref))
		}
	}
	s.occupancyChangedLocked(ref)
	s.changedLocked()
}

// channelLife is the data of a [meta]channel.lifecycle message: the channel's name and
// status, as GET /channels/{channel} gives it.
func (s *Server) channelLife(ref chanRef) map[string]any {
	return map[string]any{"name": ref.name, "status": s.Server.App(ref.scope).Status(ref.name).Status}
}

// lifecycleLocked publishes a lifecycle message on a meta channel, through the store, so
// that subscribers and history both see it. The caller holds s.mu.
func (s *Server) lifecycleLocked(meta chanRef, name string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		return // the data is the fake's own maps of strings and numbers
	}
	s.Server.App(meta.scope).Publish(meta.name, resttest.Message{Name: name, Data: b})
}

// occupancyLocked is a channel's occupancy as its status gives it: live connections,
// members present and seeded metrics. The caller holds s.mu.
func (s *Server) occupancyLocked(ref chanRef) resttest.Metrics {
	return s.Server.App(ref.scope).Status(ref.name).Status.Occupancy.Metrics
}

// occupancyFrameLocked is the [meta]occupancy MESSAGE a connection attached with
// occupancy=metrics gets. The caller holds s.mu.
func (s *Server) occupancyFrameLocked(ref chanRef) proto.ProtocolMessage {
	ch := ref.name
	m := s.occupancyLocked(ref)
	data, _ := json.Marshal(map[string]resttest.Metrics{"metrics": m})
	now := s.now().UnixMilli()
	id := "occupancy:" + s.randomLocked(6)
	return proto.ProtocolMessage{Action: proto.ActionMessage, Channel: ch, ID: id, Timestamp: now,
		Messages: []proto.Message{{ID: id + ":0", Name: "[meta]occupancy", Data: data, Timestamp: now}}}
}

// occupancyChangedLocked sends [meta]occupancy to the connections that asked for it on a
// channel when its occupancy differs from what was last sent. The caller holds s.mu.
func (s *Server) occupancyChangedLocked(ref chanRef) {
	m := s.occupancyLocked(ref)
	if last, ok := s.lastOcc[ref]; ok && last == m {
		return
	}
	if m == (resttest.Metrics{}) {
		delete(s.lastOcc, ref)
	} else {
		s.lastOcc[ref] = m
	}
	var frame *proto.ProtocolMessage
	for ss := range s.attachedTo[ref] {
		if a := ss.attachments[ref.name]; !a.stale && a.occupancy && ss.t != nil {
			if frame == nil {
				f := s.occupancyFrameLocked(ref)
				frame = &f
			}
			ss.sendLocked(*frame)
		}
	}
}
