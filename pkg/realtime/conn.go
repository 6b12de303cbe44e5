package realtime

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// State is a connection state (RTN4, RTN27).
type State int

// The connection states of RTN4a.
const (
	StateInitialized State = iota
	StateConnecting
	StateConnected
	StateDisconnected
	StateSuspended
	StateClosing
	StateClosed
	StateFailed
)

func (s State) String() string {
	return [...]string{"initialized", "connecting", "connected", "disconnected", "suspended", "closing",
		"closed", "failed"}[s]
}

// StateChange is one transition of the connection (TA1-TA5). Current equal to Previous is
// an UPDATE (RTN24): a CONNECTED that renewed the credential or the details.
type StateChange struct {
	Previous, Current State
	Reason            *proto.ErrorInfo // why, when there is a why (TA3)
	RetryIn           time.Duration    // DISCONNECTED and SUSPENDED: the wait before the next attempt (TA2)
	Resumed           bool             // CONNECTED: the connection and its messages carried on (RTN15c6)
}

// Token is a credential the client may renew: an Ably token or JWT and when it expires.
type Token struct {
	Value   string
	Expires time.Time // zero: unknown
}

// Timeouts are the client's waits (TO3l); a zero field takes its default.
type Timeouts struct {
	RealtimeRequest    time.Duration // TO3l11: 10 s, a connect attempt, an attach, a close, a ping
	DisconnectedRetry  time.Duration // TO3l1: 15 s, first wait before a new attempt (RTN14d)
	SuspendedRetry     time.Duration // TO3l2: 30 s, wait between attempts once SUSPENDED (RTN14f)
	ChannelRetry       time.Duration // TO3l7: 15 s, a SUSPENDED channel's wait (RTL13b)
	ConnectionStateTTL time.Duration // DF1a: 120 s until CONNECTED says otherwise (RTN14e)
	RenewBefore        time.Duration // renew a token this long before it expires: 30 s
}

func (t Timeouts) withDefaults() Timeouts {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.RealtimeRequest, 10*time.Second)
	def(&t.DisconnectedRetry, DisconnectedRetryTimeout)
	def(&t.SuspendedRetry, SuspendedRetryTimeout)
	def(&t.ChannelRetry, ChannelRetryTimeout)
	def(&t.ConnectionStateTTL, 120*time.Second)
	def(&t.RenewBefore, 30*time.Second)
	return t
}

// Options configure a connection. Endpoint and one of Key and Token are required.
type Options struct {
	Endpoint *url.URL // the REST base URL, e.g. https://main.realtime.ably.net; ws(s) is derived
	Key      string   // APPID.KEYID:SECRET, sent as basic auth (RTN2e) when Token is empty
	Token    Token    // an Ably token or JWT (access_token); used rather than Key when both are set
	// Renew gives a new token when the service asks (AUTH, RTN22), a token error ends a
	// connection or an attempt (RTN14b, RTN15h2), or Token is about to expire. nil: the
	// token cannot be renewed, and its expiry fails the connection (RSA4a2).
	Renew    func(ctx context.Context) (Token, error)
	ClientID string // sent with Key only; a token carries its own (RTN2d)
	NoEcho   bool   // do not receive this connection's own messages (RTN2b)
	Agent    string // the agent parameter (RSC7d)
	Dialer   Dialer // nil: WebSocketDialer(nil)
	Clock    Clock  // nil: SystemClock
	Rand     io.Reader
	Timeouts Timeouts
	// FirstAttempts, when above 0, bounds the attempts of the first connection: a connection
	// never CONNECTED fails after that many fail, rather than retrying until SUSPENDED
	// (RTN14e), so a command told of a wrong endpoint says so at once. Once connected,
	// reconnections follow the specification whatever this is.
	FirstAttempts int
	// OnState is told every state change, in order, from the connection's goroutine: it
	// must not block.
	OnState func(StateChange)
	// Log, when set, is told what the connection does, one line at a time, with no secret
	// in it (for --verbose).
	Log func(string)
}

// Conn is a Realtime connection: one goroutine owns its state and its channels' state and
// runs everything in order; the methods hand it work and wait for the answer.
type Conn struct {
	opts    Options
	clock   Clock
	timeout Timeouts
	work    chan func()
	done    chan struct{} // closed when the connection is CLOSED or FAILED, its work all done
	dying   chan struct{} // closed when the connection starts to end: post stops waiting
	postMu  sync.RWMutex  // guards ended: no post lands in work after the last drain
	ended   bool
	ctx     context.Context
	stop    context.CancelFunc

	chanMu   sync.Mutex // guards channels (created from any goroutine, walked by the loop)
	channels map[string]*Channel

	activity atomic.Int64 // UnixNano of the last frame received (RTN23a)

	// Everything below belongs to the loop goroutine.
	err          error // why the connection ended, once done is closed
	state        State
	id, key      string // connectionId and connectionKey (RTN15e: updated by every CONNECTED)
	details      proto.ConnectionDetails
	clientID     string // the identified client ID (RSA7b3), "" for none
	token        Token
	gen          int // the current transport's generation: frames of older ones are ignored
	tr           Transport
	cancelTr     context.CancelFunc
	attempts     int       // consecutive failed attempts, for RTB1
	lostAt       time.Time // when the connection was last lost, for SUSPENDED (RTN14e)
	renewedOnce  bool      // a token error was answered with a renewal already (RTN14b)
	retry        Timer
	idle         Timer
	closeTimer   Timer
	renewTimer   Timer
	msgSerial    int64
	pending      []*outbound // sent, waiting for ACK or NACK (RTN7)
	queued       []*outbound // waiting for CONNECTED (RTL6c2)
	pings        map[string]func(error)
	connected    []func(error) // waiting for the first CONNECTED
	closeWaiters []func(error)
}

// outbound is a MESSAGE or PRESENCE frame and who waits for its ACK.
type outbound struct {
	pm   proto.ProtocolMessage
	done func(serials []string, err error)
}

// Connect opens a connection and waits until it is CONNECTED (RTN6) or cannot be: a fatal
// refusal (a *ConnectError), ctx's end, or SUSPENDED. The connection then keeps itself
// up (resuming, RTN15) until Close.
func Connect(ctx context.Context, opts Options) (*Conn, error) {
	c, err := New(opts)
	if err != nil {
		return nil, err
	}
	connected := make(chan error, 1)
	c.post(func() {
		c.connected = append(c.connected, func(err error) { connected <- err })
		c.startConnect()
	})
	select {
	case err = <-connected:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		c.Abort()
		return nil, err
	}
	return c, nil
}

// New makes a connection in the INITIALIZED state, its goroutine running; Connect is the
// usual way in, and the connection attempt starts with the first channel operation or
// ConnectNow.
func New(opts Options) (*Conn, error) {
	if opts.Endpoint == nil {
		return nil, errors.New("a Realtime connection needs an endpoint")
	}
	if opts.Key == "" && opts.Token.Value == "" {
		return nil, errors.New("a Realtime connection needs an API key or a token")
	}
	if opts.Dialer == nil {
		opts.Dialer = WebSocketDialer(nil)
	}
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	ctx, stop := context.WithCancel(context.Background())
	c := &Conn{opts: opts, clock: opts.Clock, timeout: opts.Timeouts.withDefaults(), work: make(chan func(), 64),
		done: make(chan struct{}), dying: make(chan struct{}), ctx: ctx, stop: stop, channels: map[string]*Channel{}, token: opts.Token,
		pings: map[string]func(error){}}
	c.work <- c.scheduleRenewal
	go c.loop()
	return c, nil
}

// ConnectNow starts connecting if the connection is INITIALIZED.
func (c *Conn) ConnectNow() {
	c.post(func() {
		if c.state == StateInitialized {
			c.startConnect()
		}
	})
}

func (c *Conn) loop() {
	for {
		select {
		case f := <-c.work:
			f()
		case <-c.done:
			return
		}
	}
}

// post hands f to the loop; false if the connection has ended. Whatever post accepted
// runs, if need be while the connection ends (end drains the work).
func (c *Conn) post(f func()) bool {
	c.postMu.RLock()
	defer c.postMu.RUnlock()
	if c.ended {
		return false
	}
	select {
	case c.work <- f:
		return true
	case <-c.dying:
		return false
	}
}

// call runs f in the loop and waits for it to finish.
func (c *Conn) call(f func()) error {
	ran := make(chan struct{})
	if !c.post(func() { f(); close(ran) }) {
		<-c.done
		return c.err
	}
	select {
	case <-ran:
		return nil
	case <-c.done:
		return c.Err()
	}
}

// Done is closed when the connection has ended, CLOSED or FAILED; Err says why.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err is nil while the connection lives, ErrClosed after Close, and the reason it FAILED
// otherwise.
func (c *Conn) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// Info is what a CONNECTED said about the connection.
type Info struct {
	ID       string
	ClientID string
	State    State
	Details  proto.ConnectionDetails
}

// Info reports the connection's ID, identified client and details.
func (c *Conn) Info() Info {
	var i Info
	if c.call(func() { i = Info{ID: c.id, ClientID: c.clientID, State: c.state, Details: c.details} }) != nil {
		i.State = StateClosed
	}
	return i
}

func (c *Conn) logf(format string, args ...any) {
	if c.opts.Log != nil {
		c.opts.Log(fmt.Sprintf(format, args...))
	}
}

func (c *Conn) setState(s State, reason *proto.ErrorInfo, retryIn time.Duration, resumed bool) {
	prev := c.state
	if s == prev && s != StateConnected {
		return // RTN4h: no event for a state the connection is already in
	}
	c.state = s
	change := StateChange{Previous: prev, Current: s, Reason: reason, RetryIn: retryIn, Resumed: resumed}
	if reason != nil {
		c.logf("realtime: connection %s: %s", s, reason.Error())
	} else {
		c.logf("realtime: connection %s", s)
	}
	if c.opts.OnState != nil {
		c.opts.OnState(change)
	}
}

// startConnect makes a connection attempt: a resume when a connection key is at hand
// (RTN15b1), the attempt bounded by the realtime request timeout (RTN14c).
func (c *Conn) startConnect() {
	c.stopTimer(&c.retry)
	c.setState(StateConnecting, nil, 0, false)
	c.gen++
	gen := c.gen
	p := ConnectParams{ClientID: c.opts.ClientID, Echo: !c.opts.NoEcho, Heartbeats: true, Resume: c.key,
		Agent: c.opts.Agent}
	if c.token.Value != "" {
		p.Token = c.token.Value
	} else {
		p.Key = c.opts.Key
	}
	u, err := p.URL(c.opts.Endpoint)
	if err != nil {
		c.fail(err)
		return
	}
	c.logf("realtime: connecting to %s", Redacted(u))
	ctx, cancel := context.WithCancel(c.ctx)
	c.cancelTr = cancel
	go func() {
		t := c.clock.AfterFunc(c.timeout.RealtimeRequest, cancel)
		tr, err := c.opts.Dialer(ctx, u)
		var pm proto.ProtocolMessage
		if err == nil {
			pm, err = Handshake(ctx, tr)
		}
		timedOut := !t.Stop()
		if err != nil && timedOut {
			err = fmt.Errorf("no answer from the Ably Realtime service within %s", c.timeout.RealtimeRequest)
		}
		if !c.post(func() { c.attemptEnded(gen, tr, pm, err) }) && tr != nil {
			tr.Close("closed")
		}
	}()
}

// attemptEnded takes the outcome of a connection attempt (RTN14, RTN15c).
func (c *Conn) attemptEnded(gen int, tr Transport, pm proto.ProtocolMessage, err error) {
	if gen != c.gen || c.state != StateConnecting {
		if tr != nil {
			tr.Close("superseded")
		}
		return
	}
	if err == nil {
		c.connectedOn(tr, pm)
		return
	}
	if tr != nil {
		tr.Close("refused")
	}
	var ce *ConnectError
	if errors.As(err, &ce) {
		if ce.TokenError() {
			c.tokenRefused(ce)
			return
		}
		if !ce.Retriable || c.givingUp() {
			c.fail(ce) // RTN14a, RTN14g
			return
		}
		c.lost(&ce.Info)
		return
	}
	if c.givingUp() {
		c.fail(err)
		return
	}
	c.lost(ptr(info(codeDisconnected, 503, "%v", err)))
}

// givingUp reports that the first connection has failed Options.FirstAttempts times.
func (c *Conn) givingUp() bool {
	return c.id == "" && c.opts.FirstAttempts > 0 && c.attempts+1 >= c.opts.FirstAttempts
}

// tokenRefused answers a token error on connecting or once connected: renew the token
// once and try again at once (RTN14b, RTN15h2), or FAIL when it cannot be renewed or was
// renewed already for this failure (RSA4a2).
func (c *Conn) tokenRefused(ce *ConnectError) {
	if c.opts.Renew == nil || c.renewedOnce {
		c.fail(ce)
		return
	}
	c.renewedOnce = true
	c.dropTransport("token refused")
	c.setState(StateDisconnected, &ce.Info, 0, false)
	c.renew(func(err error) {
		if err != nil {
			c.fail(fmt.Errorf("cannot renew the token the Ably Realtime service refused (%s): %w", ce.Info.Error(), err))
			return
		}
		c.startConnect()
	})
}

// renew asks Options.Renew for a token away from the loop and continues with then in it.
func (c *Conn) renew(then func(error)) {
	go func() {
		ctx, cancel := context.WithCancel(c.ctx)
		t := c.clock.AfterFunc(c.timeout.RealtimeRequest, cancel)
		tok, err := c.opts.Renew(ctx)
		t.Stop()
		cancel()
		if err == nil && tok.Value == "" {
			err = errors.New("the renewal gave no token")
		}
		c.post(func() {
			if err == nil {
				c.token = tok
				c.scheduleRenewal()
			}
			then(err)
		})
	}()
}

// scheduleRenewal renews a token that is to expire before it does, with an AUTH on the
// live connection (RTC8a), so a long subscription never sees its token expire.
func (c *Conn) scheduleRenewal() {
	c.stopTimer(&c.renewTimer)
	if c.opts.Renew == nil || c.token.Expires.IsZero() {
		return
	}
	in := c.token.Expires.Sub(c.clock.Now()) - c.timeout.RenewBefore
	c.renewTimer = c.clock.AfterFunc(max(in, 0), func() {
		c.post(func() {
			c.renewTimer = nil
			c.reauthorize()
		})
	})
}

// reauthorize gets a new token and, when connected, sends it in an AUTH (RTN22, RTC8a);
// the service answers with a CONNECTED on the same connection (RTC8a1).
func (c *Conn) reauthorize() {
	if c.opts.Renew == nil {
		c.logf("realtime: the service asked for a new token, and there is no key to make one")
		return
	}
	c.renew(func(err error) {
		if err != nil {
			c.fail(fmt.Errorf("cannot renew the token: %w", err))
			return
		}
		if c.state == StateConnected {
			c.logf("realtime: sending a renewed token")
			c.send(proto.ProtocolMessage{Action: proto.ActionAuth, Auth: &proto.AuthDetails{AccessToken: c.token.Value}})
		}
	})
}

// connectedOn takes a CONNECTED on a new transport (RTN4b, RTN15c).
func (c *Conn) connectedOn(tr Transport, pm proto.ProtocolMessage) {
	resumed := c.id != "" && pm.ConnectionID == c.id && pm.Error == nil // RTN15c6
	if c.id != "" && !resumed {
		c.msgSerial = 0 // RTN15c7: a new connection numbers its messages from 0
	}
	c.tr = tr
	c.attempts, c.renewedOnce, c.lostAt = 0, false, time.Time{}
	c.applyConnected(pm)
	c.activity.Store(c.clock.Now().UnixNano())
	go c.read(c.gen, tr)
	c.armIdle()

	// RTL3d, RTL3d1: channels re-attach before listeners hear of CONNECTED.
	for _, ch := range c.channelList() {
		ch.connected()
	}
	c.resend(resumed)
	c.setState(StateConnected, pm.Error, 0, resumed)
	for _, f := range c.connected {
		f(nil)
	}
	c.connected = nil
}

// applyConnected takes the connection's ID, key and details from a CONNECTED (RTN21,
// RTN15e, RSA7b3).
func (c *Conn) applyConnected(pm proto.ProtocolMessage) {
	c.id = pm.ConnectionID
	d := *pm.ConnectionDetails
	if d.MaxMessageSize == 0 {
		d.MaxMessageSize = 65536 // TO3l8
	}
	if d.ConnectionStateTTL == 0 {
		d.ConnectionStateTTL = c.timeout.ConnectionStateTTL.Milliseconds()
	}
	c.details = d
	c.key = d.ConnectionKey
	c.clientID = d.ClientID
}

// resend sends again every message still waiting for its ACK, with the same serials after
// a resume and new ones otherwise (RTN19a, RTN19a2), then the queued ones (RTL6c2).
func (c *Conn) resend(resumed bool) {
	pending := c.pending
	c.pending = nil
	for _, o := range pending {
		if resumed {
			c.pending = append(c.pending, o)
			c.send(o.pm)
		} else {
			c.transmit(o)
		}
	}
	queued := c.queued
	c.queued = nil
	for _, o := range queued {
		c.transmit(o)
	}
}

// read hands the loop every frame of tr until it ends (one goroutine per transport).
func (c *Conn) read(gen int, tr Transport) {
	for {
		b, err := tr.Receive(c.ctx)
		if err != nil {
			c.post(func() { c.transportLost(gen, err) })
			return
		}
		c.activity.Store(c.clock.Now().UnixNano()) // RTN23a: any frame is activity
		var pm proto.ProtocolMessage
		if err := json.Unmarshal(b, &pm); err != nil {
			c.post(func() { c.logf("realtime: ignored a frame that is not a protocol message: %v", err) })
			continue
		}
		c.post(func() {
			if gen == c.gen {
				c.receive(pm)
			}
		})
	}
}

// receive acts on a frame of the live transport.
func (c *Conn) receive(pm proto.ProtocolMessage) {
	if c.opts.Log != nil && pm.Action != proto.ActionMessage && pm.Action != proto.ActionHeartbeat {
		c.logf("realtime: <- %s", pm.String())
	}
	switch pm.Action {
	case proto.ActionHeartbeat:
		if f := c.pings[pm.ID]; f != nil && pm.ID != "" {
			delete(c.pings, pm.ID)
			f(nil)
		}
	case proto.ActionConnected: // RTN24: an update, after AUTH (RTC8a1) or from the service
		if pm.ConnectionDetails != nil {
			c.applyConnected(pm)
			c.armIdle()
		}
		c.setState(StateConnected, pm.Error, 0, true)
	case proto.ActionDisconnected:
		reason := errorOf(pm, codeDisconnected, 503, "the service ended the connection")
		if TokenError(reason.Code) { // RTN15h1, RTN15h2
			c.tokenRefused(&ConnectError{Info: reason, Retriable: true, Ended: true})
			return
		}
		c.lost(&reason) // RTN15h3
	case proto.ActionError:
		if pm.Channel != "" {
			c.toChannel(pm)
			return
		}
		reason := errorOf(pm, codeConnFailed, 500, "the connection failed")
		c.fail(&ConnectError{Info: reason, Ended: true}) // RTN15i
	case proto.ActionClosed:
		c.closed()
	case proto.ActionAck, proto.ActionNack:
		c.acknowledged(pm)
	case proto.ActionAuth:
		c.reauthorize() // RTN22
	case proto.ActionAttached, proto.ActionDetached, proto.ActionMessage, proto.ActionPresence,
		proto.ActionSync, proto.ActionAnnotation:
		c.toChannel(pm)
	}
}

// TokenError reports an Ably code a new token would cure (40140-40149).
func TokenError(code int) bool { return code >= 40140 && code <= 40149 }

func errorOf(pm proto.ProtocolMessage, code, status int, message string) proto.ErrorInfo {
	if pm.Error != nil {
		return *pm.Error
	}
	return proto.ErrorInfo{Code: code, StatusCode: status, Message: message}
}

func ptr[T any](v T) *T { return &v }

func (c *Conn) toChannel(pm proto.ProtocolMessage) {
	c.chanMu.Lock()
	ch := c.channels[pm.Channel]
	c.chanMu.Unlock()
	if ch != nil {
		ch.receive(pm)
	}
}

func (c *Conn) channelList() []*Channel {
	c.chanMu.Lock()
	defer c.chanMu.Unlock()
	list := make([]*Channel, 0, len(c.channels))
	for _, ch := range c.channels {
		list = append(list, ch)
	}
	return list
}

// transportLost takes the end of the live transport: CLOSED when closing (RTN12c), else
// a reconnection with resume (RTN15a).
func (c *Conn) transportLost(gen int, err error) {
	if gen != c.gen {
		return
	}
	switch c.state {
	case StateClosing:
		c.closed()
	case StateConnected:
		c.lost(ptr(info(codeDisconnected, 503, "the connection to the Ably Realtime service was lost: %v", err)))
	}
}

// lost moves to DISCONNECTED and schedules the next attempt: at once after a connection
// was lost (RTN15a, RTN15h3), then with RTB1's backoff; or to SUSPENDED once the
// connection has been down connectionStateTtl (RTN14e), retrying less often (RTN14f).
func (c *Conn) lost(reason *proto.ErrorInfo) {
	wasConnected := c.state == StateConnected
	c.dropTransport("disconnected")
	now := c.clock.Now()
	if wasConnected || c.lostAt.IsZero() {
		c.lostAt = now
	}
	ttl := c.timeout.ConnectionStateTTL
	if c.details.ConnectionStateTTL > 0 {
		ttl = c.details.StateTTL()
	}
	if now.Sub(c.lostAt) >= ttl {
		c.suspend(reason)
		return
	}
	var wait time.Duration
	if !wasConnected {
		c.attempts++
		wait = RetryDelay(c.timeout.DisconnectedRetry, c.attempts, c.opts.Rand)
	}
	c.setState(StateDisconnected, reason, wait, false)
	c.retryAfter(wait)
}

// suspend is SUSPENDED (RTN14e): channels suspended (RTL3c), messages waiting for an ACK
// failed (RTN7e), attempts every suspendedRetryTimeout (RTN14f), still resuming (RTN14h).
func (c *Conn) suspend(reason *proto.ErrorInfo) {
	c.attempts++
	wait := RetryDelay(c.timeout.SuspendedRetry, c.attempts, c.opts.Rand)
	r := info(codeSuspended, 503, "the connection has been down for longer than the service keeps its state")
	if reason != nil {
		r.Message += ": " + reason.Message
	}
	c.setState(StateSuspended, &r, wait, false)
	c.failOutbound(&r)
	for _, ch := range c.channelList() {
		ch.connectionSuspended(&r)
	}
	for _, f := range c.connected {
		f(&ConnectError{Info: r, Retriable: true})
	}
	c.connected = nil
	c.retryAfter(wait)
}

func (c *Conn) retryAfter(wait time.Duration) {
	c.stopTimer(&c.retry)
	gen := c.gen
	c.retry = c.clock.AfterFunc(wait, func() {
		c.post(func() {
			if gen == c.gen && (c.state == StateDisconnected || c.state == StateSuspended) {
				c.retry = nil
				c.startConnect()
			}
		})
	})
}

// armIdle (re)starts the RTN23a timer: nothing received for maxIdleInterval plus the
// realtime request timeout means the transport is dead.
func (c *Conn) armIdle() {
	c.stopTimer(&c.idle)
	if c.details.MaxIdleInterval <= 0 {
		return
	}
	limit := c.details.MaxIdle() + c.timeout.RealtimeRequest
	gen := c.gen
	var check func()
	check = func() {
		if gen != c.gen || c.state != StateConnected {
			return
		}
		quiet := c.clock.Now().Sub(time.Unix(0, c.activity.Load()))
		if quiet < limit {
			c.idle = c.clock.AfterFunc(limit-quiet, func() { c.post(check) })
			return
		}
		c.lost(ptr(info(codeDisconnected, 503, "nothing heard from the Ably Realtime service for %s", quiet.Round(time.Millisecond))))
	}
	c.idle = c.clock.AfterFunc(limit, func() { c.post(check) })
}

func (c *Conn) stopTimer(t *Timer) {
	if *t != nil {
		(*t).Stop()
		*t = nil
	}
}

// dropTransport abandons the live transport, if any: its frames are ignored from now on.
func (c *Conn) dropTransport(reason string) {
	c.gen++
	c.stopTimer(&c.idle)
	if c.cancelTr != nil {
		c.cancelTr()
		c.cancelTr = nil
	}
	if c.tr != nil {
		tr := c.tr
		c.tr = nil
		go tr.Close(reason)
	}
	for id, f := range c.pings {
		delete(c.pings, id)
		f(errors.New("the connection was lost before the ping was answered"))
	}
}

// send writes pm on the live transport; a failed write is a lost transport, noticed by
// the reader.
func (c *Conn) send(pm proto.ProtocolMessage) {
	if c.tr == nil {
		return
	}
	b, err := json.Marshal(pm)
	if err != nil {
		c.logf("realtime: cannot encode %s: %v", pm.Action, err)
		return
	}
	if c.opts.Log != nil && pm.Action != proto.ActionMessage {
		c.logf("realtime: -> %s", pm.String())
	}
	ctx, cancel := context.WithCancel(c.ctx)
	t := c.clock.AfterFunc(c.timeout.RealtimeRequest, cancel)
	err = c.tr.Send(ctx, b)
	t.Stop()
	cancel()
	if err != nil {
		c.logf("realtime: a write failed: %v", err)
		c.lost(ptr(info(codeDisconnected, 503, "cannot write to the Ably Realtime service: %v", err)))
	}
}

// fail is FAILED (RTN14a, RTN15i): channels failed (RTL3a), everything waiting told.
func (c *Conn) fail(err error) {
	if c.state == StateClosed || c.state == StateFailed {
		return
	}
	var reason proto.ErrorInfo
	var ce *ConnectError
	if errors.As(err, &ce) {
		reason = ce.Info
	} else {
		reason = info(codeConnFailed, 500, "%v", err)
	}
	c.end(StateFailed, &reason, err)
}

// closed is CLOSED after CLOSE (RTN12a), its timeout, or a transport drop while closing.
func (c *Conn) closed() {
	c.end(StateClosed, nil, ErrClosed)
}

// end is CLOSED or FAILED: everything waiting is told, the work already handed to the
// loop runs, and Done is closed.
func (c *Conn) end(s State, reason *proto.ErrorInfo, err error) {
	if c.state == StateClosed || c.state == StateFailed {
		return
	}
	c.err = err
	c.dropTransport(s.String())
	for _, t := range []*Timer{&c.retry, &c.closeTimer, &c.renewTimer} {
		c.stopTimer(t)
	}
	failure := reason
	if failure == nil {
		failure = ptr(info(codeConnClosed, 400, "the connection was closed"))
	}
	c.failOutbound(failure)
	for _, ch := range c.channelList() {
		ch.connectionEnded(s, failure)
	}
	c.setState(s, reason, 0, false)
	for _, f := range c.connected {
		f(err)
	}
	for _, f := range c.closeWaiters {
		f(nil)
	}
	c.connected, c.closeWaiters = nil, nil
	close(c.dying)
	c.postMu.Lock()
	c.ended = true
	c.postMu.Unlock()
	for drained := false; !drained; {
		select {
		case f := <-c.work:
			f()
		default:
			drained = true
		}
	}
	c.stop()
	close(c.done)
}

// Close ends the connection (RTN12): CLOSE and a wait for CLOSED of up to the realtime
// request timeout when connected, at once otherwise. It returns when the connection is
// CLOSED; after Close every operation fails with ErrClosed.
func (c *Conn) Close(ctx context.Context) error {
	closed := make(chan struct{})
	ok := c.post(func() {
		if c.state == StateClosed || c.state == StateFailed {
			close(closed)
			return
		}
		c.closeWaiters = append(c.closeWaiters, func(error) { close(closed) })
		switch c.state {
		case StateConnected:
			c.send(proto.ProtocolMessage{Action: proto.ActionClose})
			if c.state != StateConnected { // the write failed
				c.closed()
				return
			}
			c.setState(StateClosing, nil, 0, false)
			c.closeTimer = c.clock.AfterFunc(c.timeout.RealtimeRequest, func() { c.post(c.closed) })
		case StateClosing:
		default: // RTN12d, RTN12f: nothing to tell the service
			c.closed()
		}
	})
	if !ok {
		return nil
	}
	select {
	case <-closed:
		<-c.done // the waiters hear before the end completes: so that Err says ErrClosed on return
	case <-ctx.Done():
		c.Abort()
	}
	return nil
}

// Abort ends the connection at once without telling the service, as a lost network would.
func (c *Conn) Abort() {
	c.post(c.closed)
	<-c.done
}

// Ping sends a HEARTBEAT with an ID and waits for the answer (RTN13a, RTN13e): the round
// trip time to the service.
func (c *Conn) Ping(ctx context.Context) (time.Duration, error) {
	answered := make(chan error, 1)
	var start time.Time
	var id string
	if err := c.call(func() { // the loop reads Rand, which need not be safe for concurrent use
		var b [8]byte
		if _, err := io.ReadFull(c.opts.Rand, b[:]); err != nil {
			answered <- fmt.Errorf("cannot make a ping ID: %w", err)
			return
		}
		id = fmt.Sprintf("%x", b)
		if c.state != StateConnected {
			answered <- fmt.Errorf("cannot ping: the connection is %s", c.state) // RTN13b
			return
		}
		start = c.clock.Now()
		c.pings[id] = func(err error) { answered <- err }
		c.send(proto.ProtocolMessage{Action: proto.ActionHeartbeat, ID: id})
	}); err != nil {
		return 0, err
	}
	t := c.clock.AfterFunc(c.timeout.RealtimeRequest, func() {
		c.post(func() {
			if f := c.pings[id]; f != nil {
				delete(c.pings, id)
				f(fmt.Errorf("no answer to the ping within %s", c.timeout.RealtimeRequest)) // RTN13c
			}
		})
	})
	defer t.Stop()
	select {
	case err := <-answered:
		if err != nil {
			return 0, err
		}
		return c.clock.Now().Sub(start), nil
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-c.done:
		return 0, c.Err()
	}
}
