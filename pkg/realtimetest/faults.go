package realtimetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// faults are the misbehaviours a test has asked for. The counters have their own lock:
// the connection handshake reads them before taking the server's.
type faults struct {
	delay      atomic.Int64 // ns added before each frame to a client
	noBeats    atomic.Bool  // no HEARTBEATs or pings
	mu         sync.Mutex
	refuse     int // connection attempts still to refuse
	refuseCode int
	refuseDisc bool
	nacks      int // publishes still to NACK
	nackCode   int
}

func (f *faults) frameDelay() time.Duration { return time.Duration(f.delay.Load()) }
func (f *faults) heartbeatsStopped() bool   { return f.noBeats.Load() }

func (f *faults) takeRefusal() (code int, disconnected, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse == 0 {
		return 0, false, false
	}
	f.refuse--
	return f.refuseCode, f.refuseDisc, true
}

func (f *faults) takeNack() (code int, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.nacks == 0 {
		return 0, false
	}
	f.nacks--
	return f.nackCode, true
}

// Default codes of the faults.
const (
	CodeDisconnected   = 80003 // DISCONNECTED: the server ends a transport
	CodeContinuityLost = 80020 // ATTACHED: messages dropped for a slow connection
	CodeUnavailable    = 80000 // a refused connection attempt
	CodeInternal       = 50000 // a refused publish
)

// sessionsLocked are the sessions with a live transport, all of them or the one with
// connID; an unknown connID is an error. The caller holds s.mu.
func (s *Server) sessionsLocked(connID string) ([]*session, error) {
	if connID != "" {
		ss := s.sessions[connID]
		if ss == nil || ss.t == nil {
			return nil, fmt.Errorf("realtimetest: no live connection %q (see Connections)", connID)
		}
		return []*session{ss}, nil
	}
	var out []*session
	for _, ss := range s.sessions {
		if ss.t != nil {
			out = append(out, ss)
		}
	}
	return out, nil
}

// Drop ends the transport of the connection with connID, or of every connection when
// connID is "", without a message, as a network failure would: the state stays for a
// resume (RTN15).
func (s *Server) Drop(connID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sessions, err := s.sessionsLocked(connID)
	for _, ss := range sessions {
		ss.t.end()
	}
	return err
}

// Disconnect sends DISCONNECTED with code (0: 80003) to the connection with connID, or to
// every connection when connID is "", and closes its transport; the client reconnects and
// resumes (RTN15h3), renewing its token first for a token error (RTN15h2).
func (s *Server) Disconnect(connID string, code int) error {
	if code == 0 {
		code = CodeDisconnected
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sessions, err := s.sessionsLocked(connID)
	for _, ss := range sessions {
		ss.t.send(proto.ProtocolMessage{Action: proto.ActionDisconnected,
			Error: errInfo(code, statusOf(code), "injected fault: disconnected by the server")}, true)
	}
	return err
}

// RefuseConnections answers the next n connection attempts with ERROR code (0: 80000), or
// with DISCONNECTED when disconnected is set (which a client retries), and closes them.
func (s *Server) RefuseConnections(n, code int, disconnected bool) {
	if code == 0 {
		code = CodeUnavailable
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.refuse, s.faults.refuseCode, s.faults.refuseDisc = n, code, disconnected
}

// DelayFrames holds every frame to a client for d before writing it (0: none).
func (s *Server) DelayFrames(d time.Duration) { s.faults.delay.Store(int64(d)) }

// SetHeartbeats stops (false) or restarts (true) the HEARTBEATs and pings that keep idle
// connections alive, so a client's idle timer (RTN23a) can be tested.
func (s *Server) SetHeartbeats(on bool) { s.faults.noBeats.Store(!on) }

// RequestAuth sends AUTH to every live connection: the client must authenticate again
// (RTN22) with a new token.
func (s *Server) RequestAuth() {
	s.mu.Lock()
	defer s.mu.Unlock()
	sessions, _ := s.sessionsLocked("")
	for _, ss := range sessions {
		ss.sendLocked(proto.ProtocolMessage{Action: proto.ActionAuth})
	}
}

// NackPublishes refuses the next n MESSAGE, PRESENCE or ANNOTATION frames with NACK code
// (0: 50000).
func (s *Server) NackPublishes(n, code int) {
	if code == 0 {
		code = CodeInternal
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.nacks, s.faults.nackCode = n, code
}

// Connection is a connection as Connections lists it.
type Connection struct {
	ID       string
	AppID    string // the app of its credential
	ClientID string // "" unidentified
	Live     bool   // it has a transport; false while awaiting a resume
	Format   string // the live transport's format, "json" or "msgpack"; "" while awaiting a resume
	Channels []Attachment
}

// Attachment is a channel a connection is attached to, with its granted modes.
type Attachment struct {
	Channel string
	Modes   proto.Flags
}

// Connections lists the connections, live or awaiting a resume, by ID, each with its
// attached channels by name.
func (s *Server) Connections() []Connection {
	s.mu.Lock()
	out := make([]Connection, 0, len(s.sessions))
	for _, ss := range s.sessions {
		c := Connection{ID: ss.id, AppID: appOfKey(ss.ident.KeyName()), ClientID: ss.clientID(), Live: ss.t != nil}
		if ss.t != nil {
			c.Format = ss.t.codec.format()
		}
		for ch, a := range ss.attachments {
			if !a.stale {
				c.Channels = append(c.Channels, Attachment{Channel: ch, Modes: a.modes})
			}
		}
		out = append(out, c)
	}
	s.mu.Unlock()
	// Sorted once the lock is let go: with many connections (the emulator samples them every
	// second) the fan-out need not wait for it.
	for _, c := range out {
		slices.SortFunc(c.Channels, func(a, b Attachment) int { return strings.Compare(a.Channel, b.Channel) })
	}
	slices.SortFunc(out, func(a, b Connection) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// wait returns once cond (called with s.mu held) holds, or with ctx's error.
func (s *Server) wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, changed := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.ctx.Done():
			return fmt.Errorf("realtimetest: the server closed while waiting")
		}
	}
}

// WaitAttached waits until at least n live connections are attached to channel (of
// whichever app, on a server of separate apps).
func (s *Server) WaitAttached(ctx context.Context, channel string, n int) error {
	return s.wait(ctx, func() bool {
		live := 0
		for _, scope := range s.scopesLocked() {
			live += s.liveCountsLocked(chanRef{scope, channel}).Connections
		}
		return live >= n
	})
}

// WaitPresent waits until clientID is a member present on channel (of whichever app).
func (s *Server) WaitPresent(ctx context.Context, channel, clientID string) error {
	return s.wait(ctx, func() bool { return s.presentLocked(channel, clientID) })
}

// WaitAbsent waits until clientID is not a member present on channel (of any app).
func (s *Server) WaitAbsent(ctx context.Context, channel, clientID string) error {
	return s.wait(ctx, func() bool { return !s.presentLocked(channel, clientID) })
}

// presentLocked reports whether clientID is present on a channel of that name of any app
// a connection is of. The caller holds s.mu.
func (s *Server) presentLocked(channel, clientID string) bool {
	for _, scope := range s.scopesLocked() {
		for _, p := range s.Server.App(scope).Presence(channel) {
			if p.ClientID == clientID {
				return true
			}
		}
	}
	return false
}

// scopesLocked lists the scopes of the sessions' apps, and "" (the channels of tests that
// use the REST fake's own methods). The caller holds s.mu.
func (s *Server) scopesLocked() []string {
	scopes := []string{""}
	for _, ss := range s.sessions {
		if !slices.Contains(scopes, ss.scope) {
			scopes = append(scopes, ss.scope)
		}
	}
	return scopes
}

// WaitStates waits until exactly n connection states are kept, live or awaiting a resume
// (a dropped connection's goes after connectionStateTtl).
func (s *Server) WaitStates(ctx context.Context, n int) error {
	return s.wait(ctx, func() bool { return len(s.sessions) == n })
}

// WaitConnections waits until exactly n connections are live.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	return s.wait(ctx, func() bool {
		live := 0
		for _, ss := range s.sessions {
			if ss.t != nil {
				live++
			}
		}
		return live == n
	})
}

// appOfKey is the app of a key name APPID.KEYID.
func appOfKey(keyName string) string {
	app, _, _ := strings.Cut(keyName, ".")
	return app
}
