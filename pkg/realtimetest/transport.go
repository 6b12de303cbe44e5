package realtimetest

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// transport is one WebSocket of a connection: frames queued to it are written in order by
// a drain, a goroutine started when there are frames and gone once there have been none for
// a while (so that an idle connection costs no goroutine of its own, and a busy one no
// goroutine a frame), and a timer keeps it alive (RTN23).
type transport struct {
	s          *Server
	ws         *websocket.Conn
	codec      codec         // the connection's format: JSON text or MessagePack binary frames
	heartbeats bool          // the client asked for HEARTBEAT frames, not pings (RTN23b)
	idle       time.Duration // maxIdleInterval when it connected
	ctx        context.Context
	cancel     context.CancelFunc
	sess       *session // guarded by s.mu; nil until connected, or once replaced

	mu          sync.Mutex // guards queue, queuedBytes, lost, attached, written, writing and idleTimer
	queue       []frame
	queuedBytes int                    // of the messages' data in queue
	lost        map[string]bool        // channels whose MESSAGE frames were dropped (continuity lost)
	attached    map[string]proto.Flags // the modes of each channel's last ATTACHED
	// written is, by channel, the serial of the last MESSAGE frame written in full: what
	// a resumed connection's attachment carries on from (see attachment.delivered).
	written   map[string]string
	writing   bool          // a drain is under way
	more      chan struct{} // tells a lingering drain there are frames
	idleTimer *time.Timer   // fires after maxIdleInterval without a frame written (s.afterFunc)
	once      sync.Once
	pinging   atomic.Bool // a ping awaits its pong
}

// frame is a ProtocolMessage to write; closeAfter ends the transport once it is written.
type frame struct {
	msg        proto.ProtocolMessage
	closeAfter bool
}

// serveRealtime upgrades a request to a WebSocket and serves the connection on it until
// it ends. It runs on the HTTP server's goroutine, counted in s.wg.
func (s *Server) serveRealtime(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "the fake is closed", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1) // this reader; drains, pings and the idle timer count themselves
	s.mu.Unlock()
	defer s.wg.Done()

	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return // Accept answered
	}
	ws.SetReadLimit(readLimit)
	t := &transport{s: s, ws: ws, codec: codecFor(r.URL.Query().Get("format")), heartbeats: r.URL.Query().Get("heartbeats") == "true",
		written: map[string]string{}, idle: time.Duration(s.maxIdle.Load()), more: make(chan struct{}, 1)}
	t.ctx, t.cancel = context.WithCancel(s.ctx)
	t.mu.Lock()
	t.armIdleLocked()
	t.mu.Unlock()

	s.connect(t, r.URL.Query())
	for {
		_, data, err := ws.Read(t.ctx)
		if err != nil {
			break
		}
		pm, err := t.codec.unmarshal(data)
		if err != nil {
			t.send(proto.ProtocolMessage{Action: proto.ActionError,
				Error: errInfo(40000, 400, "the frame is not a "+t.codec.label()+" ProtocolMessage: "+err.Error())}, true)
			continue
		}
		s.handle(t, pm)
	}
	t.end()
	s.transportGone(t)
}

// send queues a frame.
func (t *transport) send(m proto.ProtocolMessage, closeAfter bool) {
	t.mu.Lock()
	size := 0
	for _, msg := range m.Messages {
		size += len(msg.Data) + len(msg.Name)
	}
	for _, p := range m.Presence {
		size += len(p.Data) + len(p.ClientID)
	}
	if len(t.queue) >= 2*t.s.queueFrames || t.queuedBytes+size > 2*t.s.queueBytes {
		// Frames that cannot be dropped (presence, acknowledgements) still come faster than
		// the client takes them: its transport goes, so that memory stays bounded, and the
		// client resumes and attaches again (RTN15c6), its presence set synced afresh.
		t.mu.Unlock()
		t.end()
		return
	}
	if m.Action == proto.ActionMessage && (len(t.queue) >= t.s.queueFrames || t.queuedBytes+size > t.s.queueBytes) {
		// A consumer slower than the messages for it: as Ably does, the excess is dropped,
		// so that memory stays bounded however slow the client, and the channel is told its
		// continuity is lost (an ATTACHED with 80020 and no RESUMED, RTL12) where the gap is.
		if t.lost == nil {
			t.lost = map[string]bool{}
		}
		if !t.lost[m.Channel] {
			t.lost[m.Channel] = true
			t.queue = append(t.queue, frame{msg: proto.ProtocolMessage{Action: proto.ActionAttached, Channel: m.Channel,
				Flags: t.attached[m.Channel],
				Error: errInfo(CodeContinuityLost, 429, "continuity lost: messages were dropped, delivered faster than the connection took them")}})
			t.drainLocked()
		}
		t.mu.Unlock()
		return
	}
	if m.Action == proto.ActionAttached && m.Error == nil {
		if t.attached == nil {
			t.attached = map[string]proto.Flags{}
		}
		t.attached[m.Channel] = m.Flags &^ (proto.FlagResumed | proto.FlagHasPresence)
	}
	t.queue = append(t.queue, frame{m, closeAfter})
	t.queuedBytes += size
	t.drainLocked()
	t.mu.Unlock()
}

// drainLocked starts a drain unless one is under way (which it tells there is more). While
// the transport is live its reader is counted in s.wg, so adding a drain to the count is
// safe even as Close waits. The caller holds t.mu.
func (t *transport) drainLocked() {
	if t.writing {
		select {
		case t.more <- struct{}{}:
		default:
		}
		return
	}
	if t.ctx.Err() != nil {
		return
	}
	t.writing = true
	t.s.wg.Add(1)
	go t.drain()
}

// armIdleLocked (re)starts the idle timer. The caller holds t.mu.
func (t *transport) armIdleLocked() {
	t.s.stopTimer(t.idleTimer)
	t.idleTimer = nil
	if t.idle > 0 && t.ctx.Err() == nil {
		t.idleTimer = t.s.afterFunc(t.idle, t.onIdle)
	}
}

// writtenSerial is the serial of the last message written on channel, "" for none.
func (t *transport) writtenSerial(channel string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.written[channel]
}

// end closes the WebSocket at once, without a close frame, as a lost transport would.
func (t *transport) end() {
	t.once.Do(func() {
		t.cancel()
		_ = t.ws.CloseNow()
		t.mu.Lock()
		t.s.stopTimer(t.idleTimer)
		t.idleTimer = nil
		t.mu.Unlock()
	})
}

// defaultDrainLinger is how long a drain waits for more frames before it ends.
const defaultDrainLinger = 100 * time.Millisecond

// drain writes the queued frames, each after the injected delay, re-arming the idle timer
// after each batch, until none has come for the server's drainLinger. A transport that
// ends stays writing, so that no drain starts again.
func (t *transport) drain() {
	defer t.s.wg.Done()
	linger := time.NewTimer(t.s.drainLinger)
	defer linger.Stop()
	for {
		t.mu.Lock()
		frames := t.queue
		t.queue, t.queuedBytes = nil, 0
		t.mu.Unlock()
		if len(frames) == 0 {
			linger.Reset(t.s.drainLinger)
			select {
			case <-t.more:
				continue
			case <-t.ctx.Done():
				return
			case <-linger.C:
			}
			t.mu.Lock()
			if len(t.queue) == 0 {
				t.writing = false
				t.mu.Unlock()
				return
			}
			t.mu.Unlock()
			continue
		}
		for _, f := range frames {
			if !t.writeFrame(f) {
				return
			}
		}
		t.mu.Lock()
		t.armIdleLocked()
		t.mu.Unlock()
	}
}

// writeFrame writes one queued frame; false when the transport has ended (a failed write,
// or a frame that closes it).
func (t *transport) writeFrame(f frame) bool {
	if d := t.s.faults.frameDelay(); d > 0 {
		select {
		case <-time.After(d):
		case <-t.ctx.Done():
			return false
		}
	}
	if f.msg.Action == proto.ActionAttached && f.msg.Error != nil && f.msg.Error.Code == CodeContinuityLost {
		t.mu.Lock()
		delete(t.lost, f.msg.Channel) // a later drop marks a new gap
		t.mu.Unlock()
	}
	err := t.write(f.msg)
	if err == nil && f.msg.Action == proto.ActionMessage && f.msg.ChannelSerial != "" {
		t.mu.Lock()
		t.written[f.msg.Channel] = f.msg.ChannelSerial
		t.mu.Unlock()
	}
	if err == nil && !f.closeAfter {
		return true
	}
	if err == nil {
		ctx, cancel := context.WithTimeout(t.ctx, time.Second)
		go func() { <-ctx.Done(); t.end() }() // a peer that never answers the close
		_ = t.ws.Close(websocket.StatusNormalClosure, "")
		cancel()
	}
	t.end()
	return false
}

// onIdle runs after maxIdleInterval without a frame written: a HEARTBEAT, or a ping for a
// client that can see pings (RTN23).
func (t *transport) onIdle() {
	t.mu.Lock()
	t.idleTimer = nil // this one has fired
	if t.ctx.Err() != nil {
		t.mu.Unlock()
		return
	}
	if t.heartbeats && !t.s.faults.heartbeatsStopped() {
		t.queue = append(t.queue, frame{msg: proto.ProtocolMessage{Action: proto.ActionHeartbeat}})
		t.drainLocked() // which re-arms the timer once it is written
		t.mu.Unlock()
		return
	}
	t.armIdleLocked()
	t.mu.Unlock()
	if t.heartbeats || t.s.faults.heartbeatsStopped() || !t.pinging.CompareAndSwap(false, true) {
		return
	}
	// The pong is awaited beside the writes, which go on meanwhile; a client that sends
	// none within maxIdleInterval loses the WebSocket.
	t.s.wg.Add(1) // this timer is counted, so Close waits for the ping too
	go func() {
		defer t.s.wg.Done()
		defer t.pinging.Store(false)
		ctx, cancel := context.WithTimeout(t.ctx, t.idle)
		defer cancel()
		_ = t.ws.Ping(ctx)
	}()
}

// write writes a frame in the connection's format.
func (t *transport) write(m proto.ProtocolMessage) error {
	b, typ, err := t.codec.marshal(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(t.ctx, stalledWrite)
	defer cancel()
	return t.ws.Write(ctx, typ, b)
}

// stalledWrite is how long a frame may take to be written: a client that takes nothing for
// that long has its transport closed (its state kept for a resume), so that a stuck consumer
// holds neither a goroutine nor its queue for ever.
const stalledWrite = 10 * time.Second
