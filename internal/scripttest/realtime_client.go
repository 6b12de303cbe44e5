package scripttest

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/realtimetest"
)

// realtimeClientsKey is where Seal leaves the script's own Realtime clients.
type realtimeClientsKey struct{}

// scriptClients are a script's Realtime clients by name.
type scriptClients struct {
	mu sync.Mutex
	m  map[string]*rtClient
}

// rtClient is a small Realtime client a script drives frame by frame, written on the
// WebSocket directly (not pkg/realtime) so that it judges the fake on its own.
type rtClient struct {
	ws     *websocket.Conn
	done   chan struct{}
	serial int64 // next msgSerial

	mu       sync.Mutex
	frames   []proto.ProtocolMessage // received, HEARTBEATs left out
	read     int                     // frames taken by expect
	changed  chan struct{}
	closed   bool
	connID   string
	connKey  string            // from the last CONNECTED, for resume
	serials  map[string]string // channel to its last channelSerial (RTL15b)
	lastPing time.Time
}

func (c *rtClient) connectionID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connID
}

// scriptClient is the script's client NAME, which must exist.
func scriptClient(ts *testscript.TestScript, name string) *rtClient {
	cs := ts.Value(realtimeClientsKey{}).(*scriptClients)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c := cs.m[name]
	if c == nil {
		ts.Fatalf("realtime: no client %q: start it with realtime client %s connect ...", name, name)
	}
	return c
}

// realtimeClientCmd drives the script's own Realtime clients:
//
//	realtime client NAME connect [key=KEY|token=TOKEN] [clientId=ID] [echo=false]
//	                             [heartbeats=false] [format=F] [v=N] [resume] [url=URL]
//	    open a connection (key and token as given: ABLY_API_KEY's value by default) to the
//	    fake, or to the server at URL (http://HOST:PORT, such as an emulator's); resume
//	    sends the connectionKey of NAME's last CONNECTED; expect CONNECTED after
//	realtime client NAME attach CHANNEL [modes=publish,subscribe,...] [rewind=N]
//	                                    [occupancy=metrics] [resume]
//	    send ATTACH; resume sends the channel's last channelSerial
//	realtime client NAME detach CHANNEL
//	realtime client NAME publish CHANNEL MSGNAME [DATA] [clientId=ID]
//	    send MESSAGE (DATA a string) with the next msgSerial
//	realtime client NAME enter|update|leave CHANNEL [DATA] [clientId=ID]
//	    send PRESENCE
//	realtime client NAME send JSON
//	    send a frame as given
//	realtime client NAME sendraw TEXT
//	    send TEXT as a text frame, unchecked (a frame the server cannot parse)
//	realtime client NAME expect ACTION [REGEXP]
//	    wait (15 s at most) for a frame with ACTION (HEARTBEAT, CONNECTED, ...) whose JSON
//	    matches REGEXP, dropping the frames before it; print its JSON. With !, require that
//	    none of the frames received within 200ms matches
//	realtime client NAME ping
//	    wait (15 s at most) for a HEARTBEAT (without an id) or a WebSocket ping from the
//	    server; with !, require none within 300ms
//	realtime client NAME close
//	    send CLOSE
//	realtime client NAME hangup
//	    close the WebSocket without a word, as a lost network would
func realtimeClientCmd(ts *testscript.TestScript, srv *realtimetest.Server, neg bool, args []string) {
	const usage = "usage: realtime client NAME connect|attach|detach|publish|enter|update|leave|send|sendraw|expect|ping|close|hangup ..."
	if len(args) < 2 {
		ts.Fatalf(usage)
	}
	name, verb, args := args[0], args[1], args[2:]
	if neg && verb != "expect" && verb != "ping" {
		ts.Fatalf("realtime client %s does not take !", verb)
	}
	if verb == "connect" {
		clientConnect(ts, srv, name, args)
		return
	}
	c := scriptClient(ts, name)
	switch verb {
	case "attach":
		if len(args) < 1 {
			ts.Fatalf("usage: realtime client NAME attach CHANNEL [modes=...] [rewind=N] [occupancy=metrics] [resume]")
		}
		m := proto.ProtocolMessage{Action: proto.ActionAttach, Channel: args[0]}
		for _, a := range args[1:] {
			k, v, _ := strings.Cut(a, "=")
			switch k {
			case "modes":
				f, err := proto.ParseModes(strings.Split(v, ","))
				if err != nil {
					ts.Fatalf("realtime client attach: %v", err)
				}
				m.Flags = f
			case "rewind", "occupancy", "delta":
				if m.Params == nil {
					m.Params = map[string]string{}
				}
				m.Params[k] = v
			case "resume":
				c.mu.Lock()
				m.ChannelSerial = c.serials[args[0]]
				c.mu.Unlock()
			default:
				ts.Fatalf("realtime client attach: unknown option %q", a)
			}
		}
		c.send(ts, m)
	case "detach":
		if len(args) != 1 {
			ts.Fatalf("usage: realtime client NAME detach CHANNEL")
		}
		c.send(ts, proto.ProtocolMessage{Action: proto.ActionDetach, Channel: args[0]})
	case "publish":
		ch, rest, clientID := clientArgs(ts, "publish", args, 1)
		msg := proto.Message{Name: rest[0], ClientID: clientID}
		if len(rest) > 1 {
			msg.Data, _ = json.Marshal(rest[1])
		}
		c.send(ts, proto.ProtocolMessage{Action: proto.ActionMessage, Channel: ch, MsgSerial: c.nextSerial(), Messages: []proto.Message{msg}})
	case "enter", "update", "leave":
		ch, rest, clientID := clientArgs(ts, verb, args, 0)
		action := map[string]proto.PresenceAction{"enter": proto.PresenceEnter, "update": proto.PresenceUpdate, "leave": proto.PresenceLeave}[verb]
		p := proto.PresenceMessage{Action: action, ClientID: clientID}
		if len(rest) > 0 {
			p.Data, _ = json.Marshal(rest[0])
		}
		c.send(ts, proto.ProtocolMessage{Action: proto.ActionPresence, Channel: ch, MsgSerial: c.nextSerial(), Presence: []proto.PresenceMessage{p}})
	case "send":
		if len(args) != 1 {
			ts.Fatalf("usage: realtime client NAME send JSON")
		}
		var m proto.ProtocolMessage
		if err := json.Unmarshal([]byte(args[0]), &m); err != nil {
			ts.Fatalf("realtime client send: %v", err)
		}
		c.send(ts, m)
	case "sendraw":
		if len(args) != 1 {
			ts.Fatalf("usage: realtime client NAME sendraw TEXT")
		}
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		if err := c.ws.Write(ctx, websocket.MessageText, []byte(args[0])); err != nil {
			ts.Fatalf("realtime client sendraw: %v", err)
		}
	case "expect":
		clientExpect(ts, c, neg, args)
	case "ping":
		if len(args) != 0 {
			ts.Fatalf("usage: realtime client NAME ping")
		}
		since, d := time.Now(), waitTimeout
		if neg {
			d = 300 * time.Millisecond
		}
		got := c.waitFor(d, func() bool { return !c.lastPing.Before(since) })
		switch {
		case neg && got:
			ts.Fatalf("realtime client ping: the server sent a HEARTBEAT or ping within %s", d)
		case !neg && !got:
			ts.Fatalf("realtime client ping: no HEARTBEAT or ping within %s", d)
		}
	case "close":
		c.send(ts, proto.ProtocolMessage{Action: proto.ActionClose})
	case "hangup":
		_ = c.ws.CloseNow()
		<-c.done
	default:
		ts.Fatalf("realtime client: unknown verb %q\n%s", verb, usage)
	}
}

// clientArgs splits CHANNEL, positional arguments (at least min) and clientId=ID.
func clientArgs(ts *testscript.TestScript, verb string, args []string, min int) (string, []string, string) {
	var pos []string
	clientID := ""
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "clientId="); ok {
			clientID = v
			continue
		}
		pos = append(pos, a)
	}
	if len(pos) < 1+min {
		ts.Fatalf("usage: realtime client NAME %s CHANNEL ...", verb)
	}
	return pos[0], pos[1:], clientID
}

func (c *rtClient) nextSerial() int64 {
	s := c.serial
	c.serial++
	return s
}

func clientConnect(ts *testscript.TestScript, srv *realtimetest.Server, name string, args []string) {
	cs := ts.Value(realtimeClientsKey{}).(*scriptClients)
	q := url.Values{"format": {"json"}, "v": {"6"}, "heartbeats": {"true"}}
	resume, target := false, wsURL(srv)
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		switch {
		case a == "resume":
			resume = true
		case !ok:
			ts.Fatalf("realtime client connect: %q is not KEY=VALUE or resume", a)
		case k == "token":
			q.Set("access_token", v)
		case k == "url":
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				ts.Fatalf("realtime client connect: url=%q: want http://HOST:PORT", v)
			}
			u.Scheme = map[string]string{"http": "ws", "https": "wss"}[u.Scheme]
			u.Path = "/"
			target = u.String()
		case k == "key" || k == "clientId" || k == "echo" || k == "heartbeats" || k == "format" || k == "v":
			q.Set(k, v)
		default:
			ts.Fatalf("realtime client connect: unknown option %q", k)
		}
	}
	if !q.Has("key") && !q.Has("access_token") && ts.Getenv("ABLY_API_KEY") != "" {
		q.Set("key", ts.Getenv("ABLY_API_KEY"))
	}
	cs.mu.Lock()
	old := cs.m[name]
	cs.mu.Unlock()
	c := &rtClient{done: make(chan struct{}), changed: make(chan struct{}), serials: map[string]string{}}
	if old != nil {
		old.mu.Lock()
		key, serials, serial := old.connKey, old.serials, old.serial
		old.mu.Unlock()
		_ = old.ws.CloseNow()
		<-old.done
		c.serials, c.serial = serials, serial
		if resume {
			q.Set("resume", key)
		}
	} else if resume {
		ts.Fatalf("realtime client connect resume: client %q never connected", name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, target+"?"+q.Encode(), &websocket.DialOptions{OnPingReceived: func(context.Context, []byte) bool {
		c.mu.Lock()
		c.lastPing = time.Now()
		c.signalLocked()
		c.mu.Unlock()
		return true
	}})
	if err != nil {
		// The error quotes the URL, whose query holds the credential.
		ts.Fatalf("realtime client connect to %s: %s", target, strings.ReplaceAll(err.Error(), q.Encode(), "(credentials)"))
	}
	ws.SetReadLimit(1 << 20)
	c.ws = ws
	go c.readLoop()
	cs.mu.Lock()
	cs.m[name] = c
	cs.mu.Unlock()
}

func (c *rtClient) readLoop() {
	defer close(c.done)
	for {
		_, b, err := c.ws.Read(context.Background())
		c.mu.Lock()
		if err != nil {
			c.closed = true
			c.signalLocked()
			c.mu.Unlock()
			return
		}
		var m proto.ProtocolMessage
		if json.Unmarshal(b, &m) == nil {
			switch {
			case m.Action == proto.ActionHeartbeat && m.ID == "":
				c.lastPing = time.Now()
			default:
				c.frames = append(c.frames, m)
			}
			if m.Action == proto.ActionConnected {
				c.connID = m.ConnectionID
				if m.ConnectionDetails != nil {
					c.connKey = m.ConnectionDetails.ConnectionKey
				}
			}
			if m.ChannelSerial != "" && m.Action != proto.ActionSync {
				c.serials[m.Channel] = m.ChannelSerial
			}
		}
		c.signalLocked()
		c.mu.Unlock()
	}
}

// signalLocked wakes waiters. The caller holds c.mu.
func (c *rtClient) signalLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// waitFor waits until cond (called with c.mu held) holds, or d passes.
func (c *rtClient) waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		ok, ch := cond(), c.changed
		c.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return false
		}
	}
}

func (c *rtClient) send(ts *testscript.TestScript, m proto.ProtocolMessage) {
	b, err := json.Marshal(m)
	if err != nil {
		ts.Fatalf("realtime client: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		ts.Fatalf("realtime client: sending %s: %v", m.Action, err)
	}
}

func clientExpect(ts *testscript.TestScript, c *rtClient, neg bool, args []string) {
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: realtime client NAME expect ACTION [REGEXP]")
	}
	action, ok := proto.ParseAction(args[0])
	if !ok {
		ts.Fatalf("realtime client expect: %q is not an action such as MESSAGE", args[0])
	}
	var re *regexp.Regexp
	if len(args) == 2 {
		var err error
		if re, err = regexp.Compile(args[1]); err != nil {
			ts.Fatalf("realtime client expect: %v", err)
		}
	}
	var found []byte
	match := func() bool {
		for i := c.read; i < len(c.frames); i++ {
			m := c.frames[i]
			if m.Action != action {
				continue
			}
			b, _ := json.Marshal(m)
			if re == nil || re.Match(b) {
				c.read, found = i+1, b
				return true
			}
		}
		return c.closed
	}
	d := waitTimeout
	if neg {
		d = 200 * time.Millisecond
	}
	c.waitFor(d, match)
	switch {
	case neg && found != nil:
		ts.Fatalf("realtime client expect: got %s", found)
	case neg:
	case found == nil:
		c.mu.Lock()
		var unread []string
		for _, m := range c.frames[c.read:] {
			b, _ := json.Marshal(m)
			unread = append(unread, string(b))
		}
		closed := c.closed
		c.mu.Unlock()
		ts.Fatalf("realtime client expect: no %s matching %v (socket closed: %t); unread frames:\n%s", action, re, closed, strings.Join(unread, "\n"))
	default:
		io.WriteString(ts.Stdout(), string(found)+"\n")
	}
}

// closeAll ends a script's clients.
func (cs *scriptClients) closeAll() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, c := range cs.m {
		_ = c.ws.CloseNow()
		<-c.done
	}
}
