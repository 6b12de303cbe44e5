package realtime

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// PresenceEvent is a presence change on a channel (RTP2g), or a member reported by a SYNC
// (action PRESENT), its data decoded. Synthesized is true for the LEAVE the client makes
// for a member that a SYNC no longer lists (RTP19).
type PresenceEvent struct {
	Channel string
	proto.PresenceMessage
	Data        proto.Data
	Undecoded   string
	Err         error
	Synthesized bool
}

// presenceSet is a channel's presence members map (RTP2) and its SYNC (RTP18).
type presenceSet struct {
	members  map[string]proto.PresenceMessage // by member key (TP3h)
	syncing  bool
	syncID   string
	seen     map[string]bool // members a SYNC under way reported (RTP19)
	synced   bool            // the set is complete: a SYNC ended, or none was due (RTP1)
	waiters  []func()
	entered  bool // this connection's client is present (RTP17): re-entered after a gap
	ownData  json.RawMessage
	ownCodec string
}

func (p *presenceSet) reset() {
	p.members = map[string]proto.PresenceMessage{}
	p.syncing, p.synced, p.syncID, p.seen = false, false, "", nil
}

// attached starts the SYNC that ATTACHED announced (HAS_PRESENCE), or, without it, empties
// the set, members leaving (RTP1, RTP19a).
func (p *presenceSet) attached(ch *Channel, hasPresence bool) {
	if hasPresence {
		p.syncing, p.synced, p.syncID, p.seen = true, false, "", map[string]bool{}
		return
	}
	p.seen = map[string]bool{}
	p.syncEnded(ch)
}

// presenceFrame applies a PRESENCE or SYNC frame (RTP2, RTP18).
func (ch *Channel) presenceFrame(pm proto.ProtocolMessage, sync bool) {
	if ch.state != ChannelAttached {
		return
	}
	p := &ch.presence
	pm.FillMessageFields()
	cursor := ""
	if sync {
		id, cur, _ := strings.Cut(pm.ChannelSerial, ":")
		if !p.syncing || id != p.syncID { // RTP18a: a new sync replaces one under way
			p.syncing, p.syncID, p.seen = true, id, map[string]bool{}
		}
		cursor = cur
	}
	for _, m := range pm.Presence {
		ch.applyPresence(m, sync)
	}
	if sync && cursor == "" { // RTP18b, RTP18c
		p.syncEnded(ch)
	}
}

// applyPresence applies one member's message if it is newer than what the set holds
// (RTP2a, RTP2b), and tells the subscriber with its own action (RTP2g).
func (ch *Channel) applyPresence(m proto.PresenceMessage, sync bool) {
	p := &ch.presence
	key := m.MemberKey()
	if p.syncing {
		p.seen[key] = true
	}
	if old, ok := p.members[key]; ok && !newerPresence(m, old) {
		return
	}
	switch m.Action {
	case proto.PresenceEnter, proto.PresenceUpdate, proto.PresencePresent: // RTP2d
		stored := m
		stored.Action = proto.PresencePresent
		p.members[key] = stored
	case proto.PresenceLeave:
		if p.syncing {
			stored := m
			stored.Action = proto.PresenceAbsent // RTP2h2: removed when the sync ends
			p.members[key] = stored
		} else {
			delete(p.members, key) // RTP2h1
		}
	default:
		return
	}
	ch.tellPresence(m, false)
}

func (p *presenceSet) syncEnded(ch *Channel) {
	for key, m := range p.members {
		if m.Action == proto.PresenceAbsent || !p.seen[key] { // RTP19, RTP2h2
			delete(p.members, key)
			if m.Action != proto.PresenceAbsent {
				leave := m
				leave.Action, leave.ID, leave.Timestamp = proto.PresenceLeave, "", ch.c.clock.Now().UnixMilli()
				ch.tellPresence(leave, true)
			}
		}
	}
	p.syncing, p.synced, p.seen = false, true, nil
	for _, f := range p.waiters {
		f()
	}
	p.waiters = nil
}

func (ch *Channel) tellPresence(m proto.PresenceMessage, synthesized bool) {
	if ch.opts.OnPresence == nil {
		return
	}
	data, rest, err := m.Decode(ch.opts.Cipher)
	ch.opts.OnPresence(PresenceEvent{Channel: ch.name, PresenceMessage: m, Data: data, Undecoded: rest, Err: err,
		Synthesized: synthesized})
}

// newerPresence compares two messages of one member (RTP2b): by msgSerial and index of
// their IDs, or by timestamp when either was synthesized by the service (its ID not
// starting with its connection ID, RTP2b1).
func newerPresence(m, old proto.PresenceMessage) bool {
	a, aok := presenceSerial(m)
	b, bok := presenceSerial(old)
	if !aok || !bok {
		return m.Timestamp >= old.Timestamp
	}
	if a[0] != b[0] {
		return a[0] > b[0]
	}
	return a[1] >= b[1]
}

// presenceSerial reads msgSerial and index from an ID of the form connId:msgSerial:index.
func presenceSerial(m proto.PresenceMessage) ([2]int64, bool) {
	if !strings.HasPrefix(m.ID, m.ConnectionID+":") || m.ConnectionID == "" {
		return [2]int64{}, false
	}
	parts := strings.Split(strings.TrimPrefix(m.ID, m.ConnectionID+":"), ":")
	if len(parts) != 2 {
		return [2]int64{}, false
	}
	s, err1 := strconv.ParseInt(parts[0], 10, 64)
	i, err2 := strconv.ParseInt(parts[1], 10, 64)
	return [2]int64{s, i}, err1 == nil && err2 == nil
}

// Members attaches if need be, waits for the presence set to be complete (RTP11a,
// RTP11c1) and gives its members, by client ID then connection ID.
func (ch *Channel) Members(ctx context.Context) ([]proto.PresenceMessage, error) {
	if _, err := ch.Attach(ctx); err != nil {
		return nil, err
	}
	synced := make(chan struct{})
	if err := ch.c.call(func() {
		if ch.presence.synced {
			close(synced)
		} else {
			ch.presence.waiters = append(ch.presence.waiters, func() { close(synced) })
		}
	}); err != nil {
		return nil, err
	}
	select {
	case <-synced:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-ch.c.done:
		return nil, ch.c.Err()
	}
	var list []proto.PresenceMessage
	err := ch.c.call(func() {
		for _, m := range ch.presence.members {
			if m.Action != proto.PresenceAbsent {
				list = append(list, m)
			}
		}
	})
	sort.Slice(list, func(i, j int) bool {
		if list[i].ClientID != list[j].ClientID {
			return list[i].ClientID < list[j].ClientID
		}
		return list[i].ConnectionID < list[j].ConnectionID
	})
	return list, err
}

// Enter enters this connection's client into the channel's presence with data, already
// encoded (proto.Encode), attaching the channel first if need be (RTP8d), and waits for
// the ACK (RTP8). The client stays present across reconnections: it is entered again after
// a re-attach that lost continuity (RTP17i).
func (ch *Channel) Enter(ctx context.Context, data json.RawMessage, encoding string) error {
	return ch.sendPresence(ctx, proto.PresenceEnter, data, encoding)
}

// Update changes the client's presence data (RTP9).
func (ch *Channel) Update(ctx context.Context, data json.RawMessage, encoding string) error {
	return ch.sendPresence(ctx, proto.PresenceUpdate, data, encoding)
}

// Leave takes the client out of the channel's presence (RTP10).
func (ch *Channel) Leave(ctx context.Context, data json.RawMessage, encoding string) error {
	return ch.sendPresence(ctx, proto.PresenceLeave, data, encoding)
}

func (ch *Channel) sendPresence(ctx context.Context, action proto.PresenceAction, data json.RawMessage, encoding string) error {
	result := make(chan error, 1)
	done := func(_ []string, err error) { result <- err }
	msg := proto.PresenceMessage{Action: action, Data: data, Encoding: encoding}
	o := &outbound{pm: proto.ProtocolMessage{Action: proto.ActionPresence, Channel: ch.name,
		Presence: []proto.PresenceMessage{msg}}, done: done}
	if err := ch.c.call(func() { ch.presenceOp(o) }); err != nil {
		return err
	}
	select {
	case err := <-result:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-ch.c.done:
		return ch.c.Err()
	}
}

func (ch *Channel) presenceOp(o *outbound) {
	p := &ch.presence
	msg := o.pm.Presence[0]
	refuse := func(code int, format string, args ...any) {
		o.done(nil, &ChannelError{Channel: ch.name, Op: "enter the presence of", Info: info(code, 400, format, args...)})
	}
	if msg.Action != proto.PresenceLeave {
		p.entered, p.ownData, p.ownCodec = true, msg.Data, msg.Encoding
	} else {
		p.entered = false
	}
	switch ch.state {
	case ChannelAttached:
		ch.transmitPresence(o)
	case ChannelFailed, ChannelDetaching, ChannelDetached, ChannelSuspended: // RTP8g
		if msg.Action == proto.PresenceLeave && ch.state != ChannelFailed {
			o.done(nil, nil) // not attached: not present (RTP10d)
			return
		}
		refuse(codeChannelState, "the channel is %s", ch.state)
	default: // RTP8d, RTP16b: attach, and send once attached
		ch.awaiting = append(ch.awaiting, o)
		if ch.state == ChannelInitialized {
			ch.attach(func(error) {})
		}
	}
}

// transmitPresence checks the connection has an identified client of its own (RTP8j) and
// sends.
func (ch *Channel) transmitPresence(o *outbound) {
	if id := ch.c.clientID; id == "" || id == "*" {
		o.done(nil, &ChannelError{Channel: ch.name, Op: "enter the presence of",
			Info: info(codeNoClientID, 400, "the connection has no client ID of its own (give one with --client-id)")})
		return
	}
	ch.c.transmit(o)
}

// reenter enters the client again after a re-attach without continuity (RTP17i).
func (ch *Channel) reenter() {
	p := &ch.presence
	if !p.entered {
		return
	}
	msg := proto.PresenceMessage{Action: proto.PresenceEnter, Data: p.ownData, Encoding: p.ownCodec}
	ch.transmitPresence(&outbound{pm: proto.ProtocolMessage{Action: proto.ActionPresence, Channel: ch.name,
		Presence: []proto.PresenceMessage{msg}}, done: func(_ []string, err error) {
		if err != nil { // RTP17e
			ch.c.logf("realtime: channel %q: cannot enter presence again (91004): %v", ch.name, err)
		}
	}})
}
