package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// The tests here run in testing/synctest bubbles: time passes only when every goroutine
// waits, so reconnects, idle timeouts and backoff are driven without sleeping, and a test
// that waits for a frame that never comes fails as a deadlock instead of hanging.

// pipe is one end of an in-memory transport.
type pipe struct {
	in     chan []byte
	out    chan []byte
	closed chan struct{}
	once   *sync.Once
}

func newPipe() (client, server *pipe) {
	a, b := make(chan []byte, 256), make(chan []byte, 256)
	closed, once := make(chan struct{}), &sync.Once{}
	return &pipe{in: a, out: b, closed: closed, once: once}, &pipe{in: b, out: a, closed: closed, once: once}
}

func (p *pipe) Send(ctx context.Context, b []byte) error {
	select {
	case <-p.closed:
		return errors.New("closed")
	default:
	}
	select {
	case p.out <- b:
		return nil
	case <-p.closed:
		return errors.New("closed")
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *pipe) Receive(ctx context.Context) ([]byte, error) {
	select {
	case b := <-p.in:
		return b, nil
	case <-p.closed:
		return nil, io.EOF
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *pipe) Close(string) error { p.once.Do(func() { close(p.closed) }); return nil }

// service is the test's side of the connection: it accepts the client's dials and speaks
// for Ably on them.
type service struct {
	t      testing.TB
	dials  chan *attempt
	refuse chan error // an error here refuses the next dial
}

// attempt is one connection attempt as the service sees it.
type attempt struct {
	t   testing.TB
	url *url.URL
	end *pipe
}

func newService(t testing.TB) *service {
	return &service{t: t, dials: make(chan *attempt, 16), refuse: make(chan error, 16)}
}

func (s *service) dialer() Dialer {
	return func(ctx context.Context, u *url.URL) (Transport, error) {
		select {
		case err := <-s.refuse:
			return nil, err
		default:
		}
		client, server := newPipe()
		s.dials <- &attempt{t: s.t, url: u, end: server}
		return client, nil
	}
}

// next is the next connection attempt; it fails the test if none comes.
func (s *service) next() *attempt {
	s.t.Helper()
	select {
	case a := <-s.dials:
		return a
	case <-time.After(time.Hour):
		s.t.Fatal("the client made no connection attempt")
		return nil
	}
}

func (a *attempt) send(pm proto.ProtocolMessage) {
	a.t.Helper()
	b, err := json.Marshal(pm)
	if err != nil {
		a.t.Fatal(err)
	}
	a.raw(string(b))
}

func (a *attempt) raw(frame string) {
	select {
	case a.end.out <- []byte(frame):
	case <-a.end.closed:
	}
}

// recv is the client's next frame; the test fails if the transport closes first.
func (a *attempt) recv() proto.ProtocolMessage {
	a.t.Helper()
	var b []byte
	select {
	case b = <-a.end.in:
	default:
	}
	if b == nil {
		select {
		case b = <-a.end.in:
		case <-a.end.closed:
			a.t.Fatal("the transport closed while the test waited for a frame")
		}
	}
	var pm proto.ProtocolMessage
	if err := json.Unmarshal(b, &pm); err != nil {
		a.t.Fatalf("the client sent %q: %v", b, err)
	}
	return pm
}

// expect is the client's next frame, which must have the action.
func (a *attempt) expect(action proto.Action) proto.ProtocolMessage {
	a.t.Helper()
	pm := a.recv()
	if pm.Action != action {
		a.t.Fatalf("the client sent %s, want %s", pm.String(), action)
	}
	return pm
}

func (a *attempt) connected(id, key, clientID string) {
	a.send(proto.ProtocolMessage{Action: proto.ActionConnected, ConnectionID: id, ConnectionDetails: &proto.ConnectionDetails{
		ConnectionKey: key, ClientID: clientID, MaxIdleInterval: 15000, ConnectionStateTTL: 120000, MaxMessageSize: 65536}})
}

// attach answers the client's next frame, an ATTACH of channel, with ATTACHED and flags.
func (a *attempt) attach(channel string, flags proto.Flags, serial string) proto.ProtocolMessage {
	a.t.Helper()
	pm := a.expect(proto.ActionAttach)
	if pm.Channel != channel {
		a.t.Fatalf("ATTACH of %q, want %q", pm.Channel, channel)
	}
	a.send(proto.ProtocolMessage{Action: proto.ActionAttached, Channel: channel, Flags: flags, ChannelSerial: serial, Params: pm.Params})
	return pm
}

// closed reports whether the client closed the transport.
func (a *attempt) isClosed() bool {
	select {
	case <-a.end.closed:
		return true
	default:
		return false
	}
}

func (a *attempt) drop() { a.end.Close("dropped") }

// states records a connection's state changes.
type states struct {
	mu   sync.Mutex
	list []StateChange
}

func (s *states) add(c StateChange) { s.mu.Lock(); s.list = append(s.list, c); s.mu.Unlock() }

func (s *states) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for _, c := range s.list {
		n := c.Current.String()
		if c.Current == c.Previous {
			n = "update"
		}
		if c.Resumed {
			n += "(resumed)"
		}
		names = append(names, n)
	}
	return strings.Join(names, " ")
}

// zeros is a Rand with no entropy: RTB1's jitter is then 0.8 exactly.
type zeros struct{}

func (zeros) Read(b []byte) (int, error) { clear(b); return len(b), nil }

func testOptions(svc *service, st *states) Options {
	u, _ := url.Parse("https://rt.example")
	return Options{Endpoint: u, Key: "app.key:secret", Dialer: svc.dialer(), Rand: zeros{}, OnState: st.add}
}

// connect makes a connection through the service's first attempt.
func connect(t *testing.T, svc *service, opts Options) (*Conn, *attempt) {
	t.Helper()
	type result struct {
		c   *Conn
		err error
	}
	r := make(chan result, 1)
	go func() {
		c, err := Connect(context.Background(), opts)
		r <- result{c, err}
	}()
	a := svc.next()
	a.connected("conn-1", "key-1", opts.ClientID)
	res := <-r
	if res.err != nil {
		t.Fatal(res.err)
	}
	t.Cleanup(res.c.Abort)
	return res.c, a
}
