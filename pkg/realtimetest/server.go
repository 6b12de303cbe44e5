package realtimetest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
)

// Defaults of the connection details the server sends (CD2), as Ably's are.
const (
	DefaultMaxIdleInterval    = 15 * time.Second
	DefaultConnectionStateTTL = 2 * time.Minute
	DefaultPresenceLeaveDelay = 15 * time.Second
	MaxMessageSize            = 65536
	MaxFrameSize              = 524288
	serverID                  = "fake"
	// readLimit bounds a client's frame: above maxFrameSize, so that a frame a client
	// should not have sent is read and refused rather than cutting the connection.
	readLimit = 1 << 20
)

// Server is a running fake of Ably's REST and Realtime APIs on one loopback port. Its
// methods are safe for concurrent use.
type Server struct {
	// Server is the REST fake: the store, keys, faults and spec checks. Its URL is this
	// server's.
	*resttest.Server

	// URL is the base URL of both planes, e.g. http://127.0.0.1:41234: REST requests to
	// it reach the REST fake, and a WebSocket upgrade at / the Realtime one.
	URL string

	handler http.Handler // what the port serves: Handler
	// queueFrames and queueBytes bound what waits to be written to one connection
	// (WithConnectionQueue).
	queueFrames, queueBytes int
	drainLinger             time.Duration        // how long a connection's drain waits for frames
	observe                 func(resttest.Event) // WithObserver; nil: none

	now                func() time.Time
	rand               io.Reader
	maxIdle            atomic.Int64  // ns, for connections made from now on
	stateTTL           time.Duration // guarded by mu once started
	presenceLeaveDelay time.Duration // guarded by mu once started
	restOpts           []resttest.Option
	embedded           bool // Embedded

	hs     *httptest.Server
	ctx    context.Context // ended by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // every goroutine the server starts
	events eventQueue
	occ    occupancyTable

	mu       sync.Mutex // guards everything below, and every session's fields
	closed   bool
	sessions map[string]*session // by connection ID, live or awaiting resume
	byKey    map[string]*session // by connection key
	expired  map[string]bool     // connection keys whose state expired (80008 on resume)
	attached map[chanRef]int     // channel to live attachments, for lifecycle events
	// attachedTo is, by channel, the sessions attached to it (live or stale): what a
	// fan-out visits, however many other connections there are.
	attachedTo map[chanRef]map[*session]struct{}
	lastOcc    map[chanRef]resttest.Metrics
	faults     faults
	changed    chan struct{} // closed and replaced on every change waits look at
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes both planes read the time from now: timestamps, serials, token expiry.
// Durations (heartbeats, delays) still run on real timers.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithRandom makes connection IDs, keys and message IDs come from r instead of crypto/rand.
func WithRandom(r io.Reader) Option { return func(s *Server) { s.rand = r } }

// WithMaxIdleInterval sets maxIdleInterval (CD2h): how long the server lets a connection
// go without a frame before it sends a HEARTBEAT (or a ping).
func WithMaxIdleInterval(d time.Duration) Option {
	return func(s *Server) { s.maxIdle.Store(int64(d)) }
}

// SetMaxIdleInterval changes maxIdleInterval for the connections made from now on.
func (s *Server) SetMaxIdleInterval(d time.Duration) { s.maxIdle.Store(int64(d)) }

// WithConnectionStateTTL sets connectionStateTtl (CD2f): how long a dropped connection's
// state is kept for a resume (RTN15).
func WithConnectionStateTTL(d time.Duration) Option { return func(s *Server) { s.stateTTL = d } }

// WithPresenceLeaveDelay sets how long the members of a connection whose transport dropped
// stay present before they leave, unless it resumes (Ably's is 15 s).
func WithPresenceLeaveDelay(d time.Duration) Option {
	return func(s *Server) { s.presenceLeaveDelay = d }
}

// SetConnectionStateTTL changes connectionStateTtl for the connections dropped from now on
// (and the details of those made from now on).
func (s *Server) SetConnectionStateTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stateTTL = d
}

// SetPresenceLeaveDelay changes how long a dropped connection's members stay, for the
// connections dropped from now on.
func (s *Server) SetPresenceLeaveDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.presenceLeaveDelay = d
}

// Bounds of what waits to be written to one connection, by default: beyond them a slow
// connection's MESSAGE frames are dropped and its channels told continuity is lost (80020).
const (
	DefaultQueueFrames = 10_000
	DefaultQueueBytes  = 16 << 20
)

// WithConnectionQueue sets how many frames, and bytes of message data, may wait to be
// written to one connection (DefaultQueueFrames, DefaultQueueBytes).
func WithConnectionQueue(frames, bytes int) Option {
	return func(s *Server) { s.queueFrames, s.queueBytes = frames, bytes }
}

// WithObserver makes the server call observe with every change to the store (messages,
// annotations, presence, from REST or Realtime), in order, after the Realtime connections
// have been given it, from one goroutine: for a program that acts on what happens (the
// emulator's integration rules). observe must not block for long.
func WithObserver(observe func(resttest.Event)) Option {
	return func(s *Server) { s.observe = observe }
}

// Embedded makes a server served only through Handler, by a program with a port of its own
// (the emulator), which tells it its URL with SetURL: it opens no port of its own.
func Embedded() Option { return func(s *Server) { s.embedded = true } }

// SetURL tells an Embedded server the base URL it is served at.
func (s *Server) SetURL(u string) { s.URL, s.Server.URL = u, u }

// WithREST passes options to the REST fake (keys, spec, mutable rules). Its clock and
// randomness are this server's; its observer and occupancy hooks are taken.
func WithREST(opts ...resttest.Option) Option {
	return func(s *Server) { s.restOpts = append(s.restOpts, opts...) }
}

// New starts a fake of both planes on a loopback port. Close it when done.
func New(opts ...Option) *Server {
	s := &Server{now: time.Now, rand: rand.Reader, stateTTL: DefaultConnectionStateTTL,
		presenceLeaveDelay: DefaultPresenceLeaveDelay,
		sessions:           map[string]*session{}, byKey: map[string]*session{}, expired: map[string]bool{},
		attached: map[chanRef]int{}, attachedTo: map[chanRef]map[*session]struct{}{}, lastOcc: map[chanRef]resttest.Metrics{}, changed: make(chan struct{})}
	s.maxIdle.Store(int64(DefaultMaxIdleInterval))
	s.queueFrames, s.queueBytes, s.drainLinger = DefaultQueueFrames, DefaultQueueBytes, defaultDrainLinger
	for _, o := range opts {
		o(s)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.events.init()
	s.occ.init()
	restOpts := append(append([]resttest.Option(nil), s.restOpts...),
		resttest.Embedded(), resttest.WithClock(s.now), resttest.WithRandom(&lockedReader{r: s.rand}),
		resttest.WithObserver(s.events.push), resttest.WithOccupancy(s.occ.get))
	s.Server = resttest.New(restOpts...)

	// This server owns the public port: it upgrades WebSockets itself and hands every other
	// request to the REST fake's pipeline (log, faults, spec checks) on the same connection.
	rest := restMsgpack(s.Server.Handler())
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && r.Method == http.MethodGet && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			s.serveRealtime(w, r)
			return
		}
		rest.ServeHTTP(w, r)
	})
	if !s.embedded {
		s.hs = httptest.NewServer(s.handler)
		s.URL = s.hs.URL
		s.Server.URL = s.hs.URL
	}

	s.wg.Add(1)
	go s.dispatch()
	return s
}

// Handler serves both planes as the server's port does (the Realtime upgrade at /, REST
// for the rest), for a program that serves them on a listener of its own (the emulator).
func (s *Server) Handler() http.Handler { return s.handler }

// Origin is the server's scheme, host and port, as URL.
func (s *Server) Origin() string { return s.URL }

// Close ends every connection without a message, stops every goroutine and timer, and
// shuts both planes down.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	var ts []*transport
	for _, ss := range s.sessions {
		s.stopTimersLocked(ss)
		if ss.t != nil {
			ts = append(ts, ss.t)
		}
	}
	s.mu.Unlock()
	s.cancel()
	for _, t := range ts {
		t.end()
	}
	s.events.close()
	if s.hs != nil {
		s.hs.CloseClientConnections()
		s.hs.Close()
	}
	s.wg.Wait()
	s.Server.Close()
}

// changedLocked wakes the waits. The caller holds s.mu.
func (s *Server) changedLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// randomLocked draws n random bytes as base64url. The caller holds s.mu.
func (s *Server) randomLocked(n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		// A reader that runs dry is a test's mistake; IDs must still differ.
		for i := range b {
			b[i] = byte(len(s.sessions) + i)
		}
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// lockedReader lets the REST fake and this server share one reader that need not be safe
// for concurrent use.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

// afterFunc runs f after d on a goroutine the server waits for, unless the server closed
// first; the timer's Stop keeps f from running.
func (s *Server) afterFunc(d time.Duration, f func()) *time.Timer {
	s.wg.Add(1)
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		defer s.wg.Done()
		if s.ctx.Err() == nil {
			f()
		}
	})
	return t
}

// stopTimer stops a timer made by afterFunc, releasing its hold on Close.
func (s *Server) stopTimer(t *time.Timer) {
	if t != nil && t.Stop() {
		s.wg.Done()
	}
}

// errInfo is an ErrorInfo with the server's ID.
func errInfo(code, status int, msg string) *proto.ErrorInfo {
	return &proto.ErrorInfo{Code: code, StatusCode: status, Message: msg, ServerID: serverID}
}

// fromREST is the ErrorInfo of a REST fake's error.
func fromREST(e *resttest.Error) *proto.ErrorInfo { return errInfo(e.Code, e.StatusCode, e.Message) }

// statusOf is the HTTP status that goes with an Ably error code: its first three digits
// when they are one (40160: 401), else 500 (80003).
func statusOf(code int) int {
	if st := code / 100; st >= 400 && st < 600 {
		return st
	}
	return 500
}

func strconvQuote(s string) string { return strconv.Quote(s) }

// Shutdown tells every live connection the server is going away (DISCONNECTED 80003, which
// a client retries, RTN15h3), waits until they have gone or ctx ends, then closes the server.
func (s *Server) Shutdown(ctx context.Context) {
	s.mu.Lock()
	for _, ss := range s.sessions {
		if ss.t != nil {
			ss.t.send(proto.ProtocolMessage{Action: proto.ActionDisconnected,
				Error: errInfo(CodeDisconnected, statusOf(CodeDisconnected), "the server is shutting down")}, true)
		}
	}
	s.mu.Unlock()
	_ = s.WaitConnections(ctx, 0)
	s.Close()
}
