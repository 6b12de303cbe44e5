package realtimetest

import (
	"net/url"
	"sort"
	"time"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
)

// session is a connection's state: it outlives its transport for connectionStateTtl, so a
// client can resume it (RTN15). Its fields are guarded by s.mu.
type session struct {
	id, key     string
	ident       resttest.Identity // clientID applied
	scope       string            // its app's channels (resttest.Server.AppScope)
	echo        bool
	t           *transport // nil while disconnected
	attachments map[string]*attachment
	members     map[string]map[string]bool // channel to the client IDs this connection entered
	leaveTimer  *time.Timer                // members leave after a transport loss
	ttlTimer    *time.Timer                // the state expires after a transport loss
	tokenTimer  *time.Timer                // the token expires
}

// attachment is a connection's attachment to a channel.
type attachment struct {
	modes     proto.Flags // granted
	occupancy bool        // params occupancy=metrics
	// last is the serial of the last message sent (or skipped) on this attachment: later
	// ones only are fanned out, so a replay and the fan-out never both send one.
	last string
	// delivered is the serial of the last message written to the client in full (or the
	// channel's latest when it attached): after a resume, attaching again carries on from
	// it, so that frames lost with the transport are sent again.
	delivered string
	// stale attachments lost their transport; they get nothing until the client attaches
	// again (RTN15c6, RTL3d).
	stale bool
}

func (ss *session) clientID() string { return ss.ident.ClientID() }

// setAttachmentLocked attaches the session to its app's channel ch, or with a nil a
// detaches it, keeping attachedTo in step. The caller holds s.mu.
func (s *Server) setAttachmentLocked(ss *session, ch string, a *attachment) {
	ref := ss.ref(ch)
	if a == nil {
		delete(ss.attachments, ch)
		delete(s.attachedTo[ref], ss)
		if len(s.attachedTo[ref]) == 0 {
			delete(s.attachedTo, ref)
		}
		return
	}
	ss.attachments[ch] = a
	if s.attachedTo[ref] == nil {
		s.attachedTo[ref] = map[*session]struct{}{}
	}
	s.attachedTo[ref][ss] = struct{}{}
}

// ref is the session's app's channel named ch.
func (ss *session) ref(ch string) chanRef { return chanRef{ss.scope, ch} }

// sendLocked queues a frame on the session's transport, if it has one. The caller holds
// s.mu.
func (ss *session) sendLocked(m proto.ProtocolMessage) {
	if ss.t != nil {
		ss.t.send(m, false)
	}
}

// stopTimersLocked stops a session's timers. The caller holds s.mu.
func (s *Server) stopTimersLocked(ss *session) {
	s.stopTimer(ss.leaveTimer)
	s.stopTimer(ss.ttlTimer)
	s.stopTimer(ss.tokenTimer)
	ss.leaveTimer, ss.ttlTimer, ss.tokenTimer = nil, nil, nil
}

// details are the connection details of CONNECTED (CD2, RTN21).
func (s *Server) details(ss *session) *proto.ConnectionDetails {
	d := &proto.ConnectionDetails{ConnectionKey: ss.key, MaxIdleInterval: ss.t.idle.Milliseconds(),
		ConnectionStateTTL: s.stateTTL.Milliseconds(), MaxMessageSize: MaxMessageSize, MaxFrameSize: MaxFrameSize, ServerID: serverID}
	if c := ss.clientID(); c != "*" {
		d.ClientID = c
	}
	return d
}

// fatal answers a connection attempt with ERROR (no channel: the connection fails,
// RTN14g) and closes the transport.
func fatal(t *transport, e *proto.ErrorInfo) {
	t.send(proto.ProtocolMessage{Action: proto.ActionError, Error: e}, true)
}

// connect handles a new transport's query (RTN2): credentials, format and version, client
// ID, resume; it answers CONNECTED (RTN4b) or ERROR.
func (s *Server) connect(t *transport, q url.Values) {
	if f := q.Get("format"); f != "json" && f != "msgpack" {
		fatal(t, errInfo(40000, 400, "format="+strconvQuote(f)+": the fake speaks format=json or format=msgpack"))
		return
	}
	if v := q.Get("v"); v != "6" {
		fatal(t, errInfo(40017, 400, "unsupported protocol version "+strconvQuote(v)+": use v=6"))
		return
	}
	if code, disconnected, ok := s.faults.takeRefusal(); ok {
		e := errInfo(code, statusOf(code), "injected fault: connection refused")
		action := proto.ActionError
		if disconnected {
			action = proto.ActionDisconnected
		}
		t.send(proto.ProtocolMessage{Action: action, Error: e}, true)
		return
	}
	ident, e := s.identify(q)
	if e != nil {
		fatal(t, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		t.end()
		return
	}
	var resumeErr *proto.ErrorInfo
	if key := q.Get("resume"); key != "" {
		old := s.byKey[key]
		switch {
		case old != nil && old.clientID() == ident.ClientID() && old.scope == s.Server.AppScope(ident.AppID()):
			s.resumeLocked(old, t, ident)
			return
		case old != nil && old.clientID() != ident.ClientID():
			resumeErr = errInfo(80018, 400, "invalid connection key: it belongs to another client ID")
		case old != nil:
			resumeErr = errInfo(80018, 400, "invalid connection key: it belongs to another app")
		case s.expired[key]:
			resumeErr = errInfo(80008, 400, "unable to recover connection: its state expired (connectionStateTtl passed)")
		default:
			resumeErr = errInfo(80018, 400, "invalid connection key: the fake knows no connection "+strconvQuote(key))
		}
	}
	id := s.randomLocked(9)
	ss := &session{id: id, key: id + "!" + s.randomLocked(12), ident: ident, scope: s.Server.AppScope(ident.AppID()), echo: q.Get("echo") != "false", t: t,
		attachments: map[string]*attachment{}, members: map[string]map[string]bool{}}
	s.sessions[id] = ss
	s.byKey[ss.key] = ss
	t.sess = ss
	t.send(proto.ProtocolMessage{Action: proto.ActionConnected, ConnectionID: id, ConnectionKey: ss.key,
		ConnectionDetails: s.details(ss), Error: resumeErr}, false)
	s.watchTokenLocked(ss)
	s.lifecycleLocked(ss.ref("[meta]connection.lifecycle"), "connection.opened", connectionLife(ss))
	s.changedLocked()
}

// identify checks a connection's credential (key, access_token or accessToken) and client
// ID (RSA7, RSA15): with a key the clientId parameter identifies it; with a token the
// token's does, and a clientId parameter must agree (40102).
func (s *Server) identify(q url.Values) (resttest.Identity, *proto.ErrorInfo) {
	clientID := q.Get("clientId")
	if key := q.Get("key"); key != "" {
		ident, e := s.Server.AuthenticateKey(key)
		if e != nil {
			return ident, fromREST(e)
		}
		if clientID == "*" {
			return ident, errInfo(40012, 400, `invalid clientId: "*" is not a client ID`)
		}
		return ident.WithClientID(clientID), nil
	}
	token := q.Get("access_token")
	if token == "" {
		token = q.Get("accessToken")
	}
	if token == "" {
		return resttest.Identity{}, errInfo(40101, 401, "no credentials: give key=APPID.KEYID:SECRET or access_token=TOKEN")
	}
	ident, e := s.Server.AuthenticateToken(token)
	if e != nil {
		return ident, fromREST(e)
	}
	if clientID != "" {
		switch tc := ident.ClientID(); {
		case tc == "*":
			ident = ident.WithClientID(clientID)
		case tc != clientID:
			return ident, errInfo(40102, 401, "incompatible credentials: clientId "+strconvQuote(clientID)+" is not the token's client ID "+strconvQuote(tc))
		}
	}
	return ident, nil
}

// resumeLocked gives a session a new transport (RTN15c6): CONNECTED with the same
// connection ID and no error; the client attaches its channels again to get what it
// missed. The caller holds s.mu.
func (s *Server) resumeLocked(ss *session, t *transport, ident resttest.Identity) {
	if old := ss.t; old != nil {
		old.sess = nil
		old.end()
		for ch, a := range ss.attachments {
			if w := old.writtenSerial(ch); w > a.delivered {
				a.delivered = w
			}
		}
	}
	s.stopTimer(ss.leaveTimer)
	s.stopTimer(ss.ttlTimer)
	ss.leaveTimer, ss.ttlTimer = nil, nil
	ss.t, t.sess, ss.ident = t, ss, ident
	for _, a := range ss.attachments {
		a.stale = true
	}
	t.send(proto.ProtocolMessage{Action: proto.ActionConnected, ConnectionID: ss.id, ConnectionKey: ss.key,
		ConnectionDetails: s.details(ss)}, false)
	s.watchTokenLocked(ss)
	for ch := range ss.attachments {
		s.countsChangedLocked(ss.ref(ch))
	}
	s.changedLocked()
}

// watchTokenLocked ends the connection with DISCONNECTED 40142 when its token expires, so
// the client renews it and resumes (RTN15h). The caller holds s.mu.
func (s *Server) watchTokenLocked(ss *session) {
	s.stopTimer(ss.tokenTimer)
	ss.tokenTimer = nil
	exp := ss.ident.Expires()
	if exp.IsZero() {
		return
	}
	ss.tokenTimer = s.afterFunc(exp.Sub(s.now()), func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		ss.tokenTimer = nil
		if t := ss.t; t != nil && !s.closed {
			t.send(proto.ProtocolMessage{Action: proto.ActionDisconnected, Error: errInfo(40142, 401, "Token expired")}, true)
		}
	})
}

// transportGone is told of a transport that ended. A session that loses its transport
// keeps its state for connectionStateTtl; its members leave after the presence delay.
func (s *Server) transportGone(t *transport) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := t.sess
	if ss == nil || ss.t != t || s.closed {
		return
	}
	ss.t = nil
	s.stopTimer(ss.tokenTimer)
	ss.tokenTimer = nil
	for ch, a := range ss.attachments {
		if w := t.writtenSerial(ch); w > a.delivered {
			a.delivered = w
		}
		a.stale = true
		s.countsChangedLocked(ss.ref(ch))
	}
	ss.leaveTimer = s.afterFunc(s.presenceLeaveDelay, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if ss.t == nil && ss.leaveTimer != nil {
			ss.leaveTimer = nil
			s.leaveAllLocked(ss)
		}
	})
	ss.ttlTimer = s.afterFunc(s.stateTTL, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if ss.t == nil && ss.ttlTimer != nil {
			ss.ttlTimer = nil
			s.expired[ss.key] = true
			s.endSessionLocked(ss)
		}
	})
	s.changedLocked()
}

// endSessionLocked disposes of a session: its members leave, its attachments go, and
// [meta]connection.lifecycle hears connection.closed. The caller holds s.mu.
func (s *Server) endSessionLocked(ss *session) {
	s.stopTimersLocked(ss)
	s.leaveAllLocked(ss)
	delete(s.sessions, ss.id)
	delete(s.byKey, ss.key)
	chans := make([]string, 0, len(ss.attachments))
	for ch := range ss.attachments {
		chans = append(chans, ch)
	}
	for _, ch := range chans {
		s.setAttachmentLocked(ss, ch, nil)
	}
	sort.Strings(chans)
	for _, ch := range chans {
		s.countsChangedLocked(ss.ref(ch))
	}
	s.lifecycleLocked(ss.ref("[meta]connection.lifecycle"), "connection.closed", connectionLife(ss))
	s.changedLocked()
}

// leaveAllLocked makes every member the session entered leave. The caller holds s.mu.
func (s *Server) leaveAllLocked(ss *session) {
	chans := make([]string, 0, len(ss.members))
	for ch := range ss.members {
		chans = append(chans, ch)
	}
	sort.Strings(chans)
	for _, ch := range chans {
		s.leaveChannelLocked(ss, ch)
	}
}

// leaveChannelLocked makes the session's members on a channel leave. The caller holds s.mu.
func (s *Server) leaveChannelLocked(ss *session, ch string) {
	ids := make([]string, 0, len(ss.members[ch]))
	for c := range ss.members[ch] {
		ids = append(ids, c)
	}
	sort.Strings(ids)
	for _, c := range ids {
		s.Server.App(ss.scope).LeavePresence(ch, c, ss.id)
	}
	delete(ss.members, ch)
}

// connectionLife is the data of a [meta]connection.lifecycle message.
func connectionLife(ss *session) map[string]any {
	d := map[string]any{"connectionId": ss.id, "transport": "web_socket"}
	if c := ss.clientID(); c != "" {
		d["clientId"] = c
	}
	return d
}
