package realtimetest

import (
	"strconv"
	"strings"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
)

// handle answers one frame from a client.
func (s *Server) handle(t *transport, pm proto.ProtocolMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := t.sess
	if ss == nil || ss.t != t || s.closed {
		return // not connected (refused, or replaced by a resume)
	}
	switch pm.Action {
	case proto.ActionHeartbeat:
		if pm.ID != "" { // a ping (RTN13): answered with its id
			t.send(proto.ProtocolMessage{Action: proto.ActionHeartbeat, ID: pm.ID}, false)
		}
	case proto.ActionClose: // RTN12
		// The members leave before CLOSED goes, so that a client told CLOSED finds them gone.
		t.sess, ss.t = nil, nil
		s.endSessionLocked(ss)
		t.send(proto.ProtocolMessage{Action: proto.ActionClosed}, true)
	case proto.ActionAttach:
		s.attachLocked(ss, pm)
	case proto.ActionDetach:
		s.detachLocked(ss, pm.Channel)
	case proto.ActionMessage:
		s.publishLocked(ss, pm)
	case proto.ActionPresence:
		s.presenceLocked(ss, pm)
	case proto.ActionAnnotation:
		s.annotateLocked(ss, pm)
	case proto.ActionAuth:
		s.reauthLocked(ss, pm)
	default:
		t.send(proto.ProtocolMessage{Action: proto.ActionError,
			Error: errInfo(40000, 400, "the fake does not take "+pm.Action.String()+" from a client")}, true)
	}
}

// modesFor are the channel modes the identity's capability allows on a channel (RTL4m):
// publish gives PUBLISH; subscribe SUBSCRIBE and PRESENCE_SUBSCRIBE; presence PRESENCE; the
// annotation and object operations their modes.
func modesFor(id resttest.Identity, channel string) proto.Flags {
	var f proto.Flags
	for _, g := range []struct {
		op    string
		modes proto.Flags
	}{
		{"publish", proto.FlagPublish},
		{"subscribe", proto.FlagSubscribe | proto.FlagPresenceSubscribe},
		{"presence", proto.FlagPresence},
		{"annotation-publish", proto.FlagAnnotationPublish},
		{"annotation-subscribe", proto.FlagAnnotationSubscribe},
		{"object-publish", proto.FlagObjectPublish},
		{"object-subscribe", proto.FlagObjectSubscribe},
	} {
		if id.Can(g.op, channel) {
			f |= g.modes
		}
	}
	return f
}

// channelError is the ERROR that fails a channel (RTL14).
func channelError(channel string, e *proto.ErrorInfo) proto.ProtocolMessage {
	return proto.ProtocolMessage{Action: proto.ActionError, Channel: channel, Error: e}
}

// attachLocked answers ATTACH (RTL4): the capability must reach the channel (else ERROR
// 40160, RTL14); ATTACHED with the granted modes, HAS_PRESENCE and RESUMED as they apply,
// the channel's latest serial and the accepted params; then what the client missed since
// its channelSerial (RTL15b, RTN15c6), or the rewind; then a presence SYNC (RTP1, RTP18).
// The caller holds s.mu.
func (s *Server) attachLocked(ss *session, pm proto.ProtocolMessage) {
	ch := pm.Channel
	if ch == "" {
		ss.sendLocked(proto.ProtocolMessage{Action: proto.ActionError, Error: errInfo(40000, 400, "ATTACH without a channel")})
		return
	}
	if !ss.ident.Reaches(ch) {
		if ss.attachments[ch] != nil {
			s.setAttachmentLocked(ss, ch, nil)
			s.countsChangedLocked(ss.ref(ch))
		}
		ss.sendLocked(channelError(ch, errInfo(resttest.CodeCapability, 401,
			"channel denied access based on given capability: "+strconvQuote(ch)+" is not in the capability")))
		return
	}
	requested := pm.Flags & proto.ModeFlags
	if requested == 0 {
		requested = proto.ModeFlags
	}
	granted := requested & modesFor(ss.ident, ch)

	params := map[string]string{}
	var rewind *rewindSpec
	for k, v := range pm.Params {
		switch k {
		case "rewind":
			r, err := parseRewind(v)
			if err != nil {
				ss.sendLocked(channelError(ch, errInfo(40003, 400, err.Error())))
				return
			}
			rewind = &r
			params[k] = v
		case "occupancy", "delta":
			params[k] = v
		}
	}
	if len(params) == 0 {
		params = nil
	}

	msgs := s.Server.App(ss.scope).Messages(ch)
	latest := ""
	if len(msgs) > 0 {
		latest = msgs[len(msgs)-1].Serial
	}
	flags := granted
	var replay []resttest.Message
	known := -1
	if pm.ChannelSerial != "" {
		for i, m := range msgs {
			if m.Serial == pm.ChannelSerial {
				known = i
				break
			}
		}
	}
	prev := ss.attachments[ch]
	switch {
	case known >= 0:
		flags |= proto.FlagResumed
		replay = msgs[known+1:]
	case prev != nil && prev.stale:
		// The connection resumed (RTN15c6): the channel carries on from what reached the
		// client, though the client had no channelSerial to send.
		flags |= proto.FlagResumed
		for i, m := range msgs {
			if m.Serial > prev.delivered {
				replay = msgs[i:]
				break
			}
		}
	case rewind != nil:
		replay = rewind.pick(msgs, s.now().UnixMilli())
	}
	var members []resttest.PresenceMessage
	if granted.Has(proto.FlagPresenceSubscribe) {
		members = s.Server.App(ss.scope).Presence(ch)
		if len(members) > 0 {
			flags |= proto.FlagHasPresence
		}
	}
	a := &attachment{modes: granted, occupancy: params["occupancy"] != "", last: latest, delivered: latest}
	s.setAttachmentLocked(ss, ch, a)
	ss.sendLocked(proto.ProtocolMessage{Action: proto.ActionAttached, Channel: ch, Flags: flags, ChannelSerial: latest, Params: params})
	if granted.Has(proto.FlagSubscribe) {
		for _, m := range replay {
			if !ss.echo && m.ConnectionID == ss.id {
				continue
			}
			ss.sendLocked(messageFrame(ch, []resttest.Message{m}))
		}
	}
	if len(members) > 0 {
		s.syncLocked(ss, ch, members)
	}
	// The others hear of the change; this one gets the occupancy once, whether it changed.
	wantsOccupancy := a.occupancy
	a.occupancy = false
	s.countsChangedLocked(ss.ref(ch))
	if a.occupancy = wantsOccupancy; a.occupancy {
		ss.sendLocked(s.occupancyFrameLocked(ss.ref(ch)))
	}
}

// syncPage is how many members a SYNC frame carries.
const syncPage = 100

// syncLocked sends a channel's members in SYNC frames (RTP18): channelSerial
// "<syncId>:<cursor>", the last one "<syncId>:". The caller holds s.mu.
func (s *Server) syncLocked(ss *session, ch string, members []resttest.PresenceMessage) {
	syncID := s.randomLocked(6)
	for start := 0; start < len(members); start += syncPage {
		end := min(start+syncPage, len(members))
		cursor := ""
		if end < len(members) {
			cursor = strconv.Itoa(end)
		}
		page := make([]proto.PresenceMessage, 0, end-start)
		for _, p := range members[start:end] {
			w := wirePresence(p)
			w.Action = proto.PresencePresent
			page = append(page, w)
		}
		ss.sendLocked(proto.ProtocolMessage{Action: proto.ActionSync, Channel: ch, ChannelSerial: syncID + ":" + cursor, Presence: page})
	}
}

// detachLocked answers DETACH with DETACHED; the connection's members on the channel
// leave. The caller holds s.mu.
func (s *Server) detachLocked(ss *session, ch string) {
	if ss.attachments[ch] != nil {
		s.setAttachmentLocked(ss, ch, nil)
		s.leaveChannelLocked(ss, ch)
		s.countsChangedLocked(ss.ref(ch))
	}
	ss.sendLocked(proto.ProtocolMessage{Action: proto.ActionDetached, Channel: ch})
}

// nack refuses the frame with msgSerial (RTN7).
func nack(ss *session, msgSerial int64, e *proto.ErrorInfo) {
	ss.sendLocked(proto.ProtocolMessage{Action: proto.ActionNack, MsgSerial: msgSerial, Count: 1, Error: e})
}

// publishLocked answers MESSAGE (RTL6, RTN7): stored through the REST store as the
// connection's identity would publish over REST (capability 40160, client ID 40012, size
// 40009), with IDs connectionId:msgSerial:index (RSL1k, RTN19a), then ACKed with the
// serials; the fan-out follows from the store. The caller holds s.mu.
func (s *Server) publishLocked(ss *session, pm proto.ProtocolMessage) {
	if code, ok := s.faults.takeNack(); ok {
		nack(ss, pm.MsgSerial, errInfo(code, statusOf(code), "injected fault: publish refused"))
		return
	}
	msgs := make([]resttest.Message, len(pm.Messages))
	for i, m := range pm.Messages {
		msgs[i] = resttest.Message{ID: m.ID, Name: m.Name, Data: m.Data, Encoding: m.Encoding, ClientID: m.ClientID, Extras: m.Extras}
	}
	stored, e := s.Server.PublishAs(ss.ident, pm.Channel, ss.id, ss.id+":"+strconv.FormatInt(pm.MsgSerial, 10), msgs)
	if e != nil {
		nack(ss, pm.MsgSerial, fromREST(e))
		return
	}
	serials := make([]string, len(stored))
	for i, m := range stored {
		serials[i] = m.Serial
	}
	ss.sendLocked(proto.ProtocolMessage{Action: proto.ActionAck, MsgSerial: pm.MsgSerial, Count: 1,
		Res: []proto.PublishResult{{Serials: serials}}})
}

// presenceLocked answers PRESENCE (RTP8, RTP9, RTP10): each member is the connection's
// client (RTP8c) or one it names (RTP14, RTP15, within its client ID); the presence
// capability is needed (NACK 40160, RTP8h) and an anonymous or wildcard client cannot be a
// member itself (NACK 91000). Members enter the REST store's presence set; the broadcast
// follows from it. The caller holds s.mu.
func (s *Server) presenceLocked(ss *session, pm proto.ProtocolMessage) {
	if code, ok := s.faults.takeNack(); ok {
		nack(ss, pm.MsgSerial, errInfo(code, statusOf(code), "injected fault: presence refused"))
		return
	}
	ch, own := pm.Channel, ss.clientID()
	if !ss.ident.Can("presence", ch) {
		nack(ss, pm.MsgSerial, errInfo(resttest.CodeCapability, 401, "action not permitted: the capability does not allow \"presence\" on channel "+strconvQuote(ch)))
		return
	}
	for i, p := range pm.Presence {
		switch {
		case p.ClientID == "" && (own == "" || own == "*"):
			nack(ss, pm.MsgSerial, errInfo(91000, 400, "unable to enter presence channel (no clientId): the connection has no client ID of its own"))
			return
		case p.ClientID != "" && own != "" && own != "*" && p.ClientID != own:
			nack(ss, pm.MsgSerial, errInfo(resttest.CodeMismatchedClientID, 400,
				"mismatched clientId: presence message "+strconv.Itoa(i)+" has clientId "+strconvQuote(p.ClientID)+" but the connection's is "+strconvQuote(own)))
			return
		case p.Action != proto.PresenceEnter && p.Action != proto.PresenceUpdate && p.Action != proto.PresenceLeave && p.Action != proto.PresencePresent:
			nack(ss, pm.MsgSerial, errInfo(40003, 400, "presence message "+strconv.Itoa(i)+": action "+p.Action.String()+" is not enter, update or leave"))
			return
		}
	}
	for _, p := range pm.Presence {
		c := p.ClientID
		if c == "" {
			c = own
		}
		if p.Action == proto.PresenceLeave {
			s.Server.App(ss.scope).LeavePresence(ch, c, ss.id) // leaving when absent is ACKed (RTP10d)
			delete(ss.members[ch], c)
			continue
		}
		s.Server.App(ss.scope).EnterPresence(ch, resttest.PresenceMember{ClientID: c, ConnectionID: ss.id, Data: p.Data, Encoding: p.Encoding})
		if ss.members[ch] == nil {
			ss.members[ch] = map[string]bool{}
		}
		ss.members[ch][c] = true
	}
	ss.sendLocked(proto.ProtocolMessage{Action: proto.ActionAck, MsgSerial: pm.MsgSerial, Count: 1})
}

// annotateLocked answers ANNOTATION: each annotation is published on its messageSerial
// as the REST route would (annotation-publish, the mutable rule), then ACKed. The caller
// holds s.mu.
func (s *Server) annotateLocked(ss *session, pm proto.ProtocolMessage) {
	if code, ok := s.faults.takeNack(); ok {
		nack(ss, pm.MsgSerial, errInfo(code, statusOf(code), "injected fault: annotation refused"))
		return
	}
	bySerial := map[string][]resttest.Annotation{}
	var order []string
	for _, a := range pm.Annotations {
		if a.MessageSerial == "" {
			nack(ss, pm.MsgSerial, errInfo(40003, 400, "an annotation needs the messageSerial of the message it annotates"))
			return
		}
		var count *int
		if a.Count != 0 {
			n := a.Count
			count = &n
		}
		if _, ok := bySerial[a.MessageSerial]; !ok {
			order = append(order, a.MessageSerial)
		}
		bySerial[a.MessageSerial] = append(bySerial[a.MessageSerial], resttest.Annotation{ID: a.ID, Action: int(a.Action), Type: a.Type,
			Name: a.Name, ClientID: a.ClientID, Count: count, Data: a.Data, Encoding: a.Encoding})
	}
	if len(order) == 0 {
		nack(ss, pm.MsgSerial, errInfo(40003, 400, "no annotations to publish: give at least one"))
		return
	}
	for _, serial := range order {
		if e := s.Server.AnnotateAs(ss.ident, pm.Channel, serial, bySerial[serial]); e != nil {
			nack(ss, pm.MsgSerial, fromREST(e))
			return
		}
	}
	ss.sendLocked(proto.ProtocolMessage{Action: proto.ActionAck, MsgSerial: pm.MsgSerial, Count: 1})
}

// reauthLocked answers a client's AUTH (RTN22, RTC8a): the new token must be good and for
// the same client ID (else ERROR 40102, RTC8a2); then CONNECTED with the same connection
// ID and new details (RTC8a1). The caller holds s.mu.
func (s *Server) reauthLocked(ss *session, pm proto.ProtocolMessage) {
	if pm.Auth == nil || pm.Auth.AccessToken == "" {
		fatal(ss.t, errInfo(40101, 401, "AUTH without auth.accessToken"))
		s.dropSessionTransportLocked(ss)
		return
	}
	ident, e := s.Server.AuthenticateToken(pm.Auth.AccessToken)
	if e != nil {
		fatal(ss.t, fromREST(e))
		s.dropSessionTransportLocked(ss)
		return
	}
	switch own, tc := ss.clientID(), ident.ClientID(); {
	case tc == "*" && own != "":
		ident = ident.WithClientID(own)
	case tc != own:
		fatal(ss.t, errInfo(40102, 401, "incompatible credentials: the new token's client ID "+strconvQuote(tc)+" is not the connection's "+strconvQuote(own)))
		s.dropSessionTransportLocked(ss)
		return
	}
	ss.ident = ident
	s.watchTokenLocked(ss)
	ss.sendLocked(proto.ProtocolMessage{Action: proto.ActionConnected, ConnectionID: ss.id, ConnectionKey: ss.key, ConnectionDetails: s.details(ss)})
}

// dropSessionTransportLocked ends a session whose connection failed: the transport closes
// after the ERROR already queued, and the state goes at once (a failed connection cannot
// resume). The caller holds s.mu.
func (s *Server) dropSessionTransportLocked(ss *session) {
	if ss.t != nil {
		ss.t.sess = nil
		ss.t = nil
	}
	s.endSessionLocked(ss)
}

// messageFrame is the MESSAGE frame of stored messages of one channel: channelSerial is
// the last message's serial (RTL15b), id, connectionId and timestamp the first's.
func messageFrame(ch string, msgs []resttest.Message) proto.ProtocolMessage {
	f := proto.ProtocolMessage{Action: proto.ActionMessage, Channel: ch, ChannelSerial: msgs[len(msgs)-1].Serial,
		ID: idPrefix(msgs[0].ID), ConnectionID: msgs[0].ConnectionID, Timestamp: msgs[0].Timestamp}
	for _, m := range msgs {
		f.Messages = append(f.Messages, wireMessage(m))
	}
	return f
}

// idPrefix is a message ID without its ":INDEX" suffix: the ProtocolMessage's id.
func idPrefix(id string) string {
	if i := strings.LastIndex(id, ":"); i > 0 {
		if _, err := strconv.Atoi(id[i+1:]); err == nil {
			return id[:i]
		}
	}
	return id
}

// fanOutMessagesLocked sends newly stored messages, and changes to stored ones, to every
// connection attached to their channel with SUBSCRIBE, not the publisher's own when it
// asked for echo=false (RTN2b), each new message at most once per attachment. The caller
// holds s.mu.
func (s *Server) fanOutMessagesLocked(ref chanRef, msgs []resttest.Message) {
	ch := ref.name
	for ss := range s.attachedTo[ref] {
		a := ss.attachments[ch]
		if a.stale || ss.t == nil {
			continue
		}
		var out []resttest.Message
		for _, m := range msgs {
			if m.Action == resttest.ActionCreate { // a change keeps its message's serial
				if m.Serial <= a.last {
					continue
				}
				a.last = m.Serial
			}
			if !a.modes.Has(proto.FlagSubscribe) || !ss.echo && m.ConnectionID == ss.id {
				continue
			}
			out = append(out, m)
		}
		if len(out) > 0 {
			ss.sendLocked(messageFrame(ch, out))
		}
	}
}

// fanOutAnnotationsLocked sends annotations to every connection attached to their channel
// with ANNOTATION_SUBSCRIBE. The caller holds s.mu.
func (s *Server) fanOutAnnotationsLocked(ref chanRef, anns []resttest.Annotation) {
	ch := ref.name
	wire := make([]proto.Annotation, len(anns))
	for i, a := range anns {
		wire[i] = wireAnnotation(a)
	}
	for ss := range s.attachedTo[ref] {
		if a := ss.attachments[ch]; !a.stale && a.modes.Has(proto.FlagAnnotationSubscribe) {
			ss.sendLocked(proto.ProtocolMessage{Action: proto.ActionAnnotation, Channel: ch, Annotations: wire})
		}
	}
}

// fanOutPresenceLocked broadcasts presence changes to every connection attached to their
// channel with PRESENCE_SUBSCRIBE, then counts the channel again. The caller holds s.mu.
func (s *Server) fanOutPresenceLocked(ref chanRef, ps []resttest.PresenceMessage) {
	ch := ref.name
	wire := make([]proto.PresenceMessage, len(ps))
	for i, p := range ps {
		wire[i] = wirePresence(p)
	}
	for ss := range s.attachedTo[ref] {
		if a := ss.attachments[ch]; !a.stale && a.modes.Has(proto.FlagPresenceSubscribe) {
			ss.sendLocked(proto.ProtocolMessage{Action: proto.ActionPresence, Channel: ch, Presence: wire,
				ConnectionID: wire[0].ConnectionID, Timestamp: wire[0].Timestamp})
		}
	}
	s.occupancyChangedLocked(ref)
	s.changedLocked()
}
