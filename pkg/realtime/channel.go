package realtime

import (
	"context"
	"fmt"
	"maps"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// ChannelState is a channel's state (RTL2b).
type ChannelState int

// The channel states of RTL2b.
const (
	ChannelInitialized ChannelState = iota
	ChannelAttaching
	ChannelAttached
	ChannelDetaching
	ChannelDetached
	ChannelSuspended
	ChannelFailed
)

func (s ChannelState) String() string {
	return [...]string{"initialized", "attaching", "attached", "detaching", "detached", "suspended", "failed"}[s]
}

// ChannelStateChange is one transition of a channel (TH1-TH6). Current equal to Previous
// is an UPDATE (RTL12): an ATTACHED while attached, Resumed false telling of a gap.
type ChannelStateChange struct {
	Channel           string
	Previous, Current ChannelState
	Reason            *proto.ErrorInfo
	Resumed           bool // ATTACHED with the RESUMED flag: no message was missed (RTL2f)
	// Reattached is true for an ATTACHED of a channel that was attached before (after a
	// reconnection, RTL3d, or a DETACHED from the service, RTL13a): without Resumed,
	// messages may have been missed in between.
	Reattached bool
	// ByConnection is true for a change the connection's made (RTL3): SUSPENDED, FAILED
	// or DETACHED with it, the reason being the connection's.
	ByConnection bool
}

// MessageEvent is a message received on a channel (RTL7), its fields completed from the
// frame (TM2a, TM2c, TM2f) and its data decoded (RTL7d): Data holds what decoding gave;
// Undecoded is the part of the encoding left when a step failed (Err says why, RSL6b).
type MessageEvent struct {
	Channel string
	proto.Message
	Data      proto.Data
	Undecoded string
	Err       error
}

// AnnotationEvent is an annotation received on a channel attached with
// ANNOTATION_SUBSCRIBE.
type AnnotationEvent struct {
	Channel string
	proto.Annotation
	Data      proto.Data
	Undecoded string
	Err       error
}

// ChannelOptions are fixed when the channel is made. The callbacks run on the
// connection's goroutine, in order: they must not block nor wait on the connection.
type ChannelOptions struct {
	Modes  proto.Flags       // modes asked for in ATTACH (RTL4l); 0: the service's default (all allowed)
	Params map[string]string // ATTACH params: rewind, occupancy, delta... (RTL4k)
	Cipher *proto.CipherParams

	OnMessage    func(MessageEvent)
	OnPresence   func(PresenceEvent)
	OnAnnotation func(AnnotationEvent)
	OnState      func(ChannelStateChange)
}

// Channel is a channel of a connection. Its state belongs to the connection's goroutine.
type Channel struct {
	c    *Conn
	name string
	opts ChannelOptions

	state         ChannelState
	reason        *proto.ErrorInfo
	serial        string // the last channelSerial (RTL15b), sent on re-attach (RTL4c1)
	modes         proto.Flags
	params        map[string]string
	attachedOnce  bool
	attachWaiters []func(error)
	detachWaiters []func(error)
	attachTimer   Timer
	retryTimer    Timer
	awaiting      []*outbound // presence to send once attached (RTP16b)
	presence      presenceSet
	byConnection  bool // the state changes now follow the connection's (RTL3)
	reattaching   bool // the ATTACHED being taken follows an earlier one
}

// Channel gives the connection's channel of that name, making it with opts the first
// time; later calls get the same channel, and their opts are ignored.
func (c *Conn) Channel(name string, opts ChannelOptions) *Channel {
	c.chanMu.Lock()
	defer c.chanMu.Unlock()
	if ch := c.channels[name]; ch != nil {
		return ch
	}
	ch := &Channel{c: c, name: name, opts: opts}
	ch.presence.reset()
	c.channels[name] = ch
	return ch
}

// Name is the channel's name.
func (ch *Channel) Name() string { return ch.name }

// Attached is what the service said in its ATTACHED.
type Attached struct {
	Modes   proto.Flags       // the modes granted (RTL4m)
	Params  map[string]string // the params accepted (RTL4k1)
	Serial  string
	Resumed bool
}

// Attach attaches the channel and waits until it is ATTACHED or cannot be (RTL4): a
// *ChannelError for a refusal (RTL14, 40160 for a missing capability), a timeout (RTL4f),
// or a connection that ended.
func (ch *Channel) Attach(ctx context.Context) (Attached, error) {
	result := make(chan error, 1)
	if err := ch.c.call(func() { ch.attach(func(err error) { result <- err }) }); err != nil {
		return Attached{}, err
	}
	select {
	case err := <-result:
		if err != nil {
			return Attached{}, err
		}
	case <-ctx.Done():
		return Attached{}, ctx.Err()
	case <-ch.c.done:
		return Attached{}, ch.c.Err()
	}
	var a Attached
	err := ch.c.call(func() { a = Attached{Modes: ch.modes, Params: maps.Clone(ch.params), Serial: ch.serial} })
	return a, err
}

// attach starts an attach, or joins one under way, and tells done the outcome.
func (ch *Channel) attach(done func(error)) {
	c := ch.c
	switch ch.state {
	case ChannelAttached:
		done(nil)
		return
	case ChannelAttaching:
		ch.attachWaiters = append(ch.attachWaiters, done)
		return
	}
	switch c.state {
	case StateClosing, StateClosed, StateFailed, StateSuspended: // RTL4b
		done(&ChannelError{Channel: ch.name, Op: "attach to",
			Info: info(codeChannelState, 400, "the connection is %s", c.state)})
		return
	case StateInitialized:
		c.startConnect()
	}
	ch.attachWaiters = append(ch.attachWaiters, done)
	ch.setState(ChannelAttaching, nil, false)
	if c.state == StateConnected {
		ch.sendAttach()
	} // else RTL4i: ATTACH goes when the connection is CONNECTED
}

// sendAttach sends ATTACH with the modes, params and last channel serial (RTL4c, RTL4c1,
// RTL4k, RTL4l) and waits for the answer up to the realtime request timeout (RTL4f).
func (ch *Channel) sendAttach() {
	c := ch.c
	ch.c.stopTimer(&ch.attachTimer)
	ch.c.stopTimer(&ch.retryTimer)
	c.send(proto.ProtocolMessage{Action: proto.ActionAttach, Channel: ch.name, Flags: ch.opts.Modes,
		Params: ch.opts.Params, ChannelSerial: ch.serial})
	gen := c.gen
	ch.attachTimer = c.clock.AfterFunc(c.timeout.RealtimeRequest, func() {
		c.post(func() {
			if gen == c.gen && ch.state == ChannelAttaching {
				ch.attachTimer = nil
				ch.suspend(ptr(info(codeChannelTimeout, 504, "no ATTACHED within %s", c.timeout.RealtimeRequest)))
			}
		})
	})
}

// suspend is a channel's SUSPENDED after a failed attach (RTL4f, RTL13b): those waiting are
// told, and the attach is tried again after the channel retry timeout.
func (ch *Channel) suspend(reason *proto.ErrorInfo) {
	ch.setState(ChannelSuspended, reason, false)
	ch.tellAttachWaiters(&ChannelError{Channel: ch.name, Op: "attach to", Info: *reason})
	c := ch.c
	c.stopTimer(&ch.retryTimer)
	wait := RetryDelay(c.timeout.ChannelRetry, 1, c.opts.Rand)
	ch.retryTimer = c.clock.AfterFunc(wait, func() {
		c.post(func() {
			ch.retryTimer = nil
			if ch.state == ChannelSuspended && c.state == StateConnected {
				ch.setState(ChannelAttaching, nil, false)
				ch.sendAttach()
			}
		})
	})
}

func (ch *Channel) tellAttachWaiters(err error) {
	for _, f := range ch.attachWaiters {
		f(err)
	}
	ch.attachWaiters = nil
	if err != nil {
		for _, o := range ch.awaiting {
			o.done(nil, err)
		}
		ch.awaiting = nil
	}
}

// Detach detaches the channel and waits for DETACHED (RTL5).
func (ch *Channel) Detach(ctx context.Context) error {
	result := make(chan error, 1)
	if err := ch.c.call(func() { ch.detach(func(err error) { result <- err }) }); err != nil {
		return err
	}
	select {
	case err := <-result:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-ch.c.done:
		return nil // a closed connection detached everything (RTL3b)
	}
}

func (ch *Channel) detach(done func(error)) {
	switch ch.state {
	case ChannelInitialized, ChannelDetached: // RTL5a
		done(nil)
		return
	case ChannelFailed: // RTL5b
		done(&ChannelError{Channel: ch.name, Op: "detach from", Info: info(codeChannelState, 400, "the channel failed")})
		return
	case ChannelDetaching:
		ch.detachWaiters = append(ch.detachWaiters, done)
		return
	}
	if ch.c.state != StateConnected { // RTL5j, RTL5l: nothing attached on the service's side
		ch.setState(ChannelDetached, nil, false)
		done(nil)
		return
	}
	ch.detachWaiters = append(ch.detachWaiters, done)
	ch.setState(ChannelDetaching, nil, false)
	ch.c.send(proto.ProtocolMessage{Action: proto.ActionDetach, Channel: ch.name})
}

func (ch *Channel) setState(s ChannelState, reason *proto.ErrorInfo, resumed bool) {
	prev := ch.state
	if s == prev && s != ChannelAttached {
		return
	}
	ch.state, ch.reason = s, reason
	if reason != nil {
		ch.c.logf("realtime: channel %q %s: %s", ch.name, s, reason.Error())
	}
	if ch.opts.OnState != nil {
		ch.opts.OnState(ChannelStateChange{Channel: ch.name, Previous: prev, Current: s, Reason: reason, Resumed: resumed,
			Reattached: s == ChannelAttached && ch.attachedOnce && ch.reattaching, ByConnection: ch.byConnection})
	}
}

// receive acts on a frame for this channel.
func (ch *Channel) receive(pm proto.ProtocolMessage) {
	if pm.ChannelSerial != "" && pm.Action != proto.ActionSync { // RTL15b
		ch.serial = pm.ChannelSerial
	}
	switch pm.Action {
	case proto.ActionAttached:
		ch.attached(pm)
	case proto.ActionDetached:
		ch.detached(pm)
	case proto.ActionError: // RTL14
		reason := errorOf(pm, 90000, 400, "the channel failed")
		ch.c.stopTimer(&ch.attachTimer)
		ch.serial = "" // RTL15b2
		ch.setState(ChannelFailed, &reason, false)
		ch.tellAttachWaiters(&ChannelError{Channel: ch.name, Op: "attach to", Info: reason})
		for _, f := range ch.detachWaiters {
			f(nil)
		}
		ch.detachWaiters = nil
	case proto.ActionMessage:
		ch.messages(pm)
	case proto.ActionPresence:
		ch.presenceFrame(pm, false)
	case proto.ActionSync:
		ch.presenceFrame(pm, true)
	case proto.ActionAnnotation:
		ch.annotations(pm)
	}
}

// attached takes an ATTACHED (RTL4c, RTL4m, RTL12, RTP1).
func (ch *Channel) attached(pm proto.ProtocolMessage) {
	ch.c.stopTimer(&ch.attachTimer)
	if ch.state == ChannelDetaching || ch.state == ChannelDetached {
		return
	}
	resumed := pm.Has(proto.FlagResumed)
	ch.modes, ch.params = pm.Flags&proto.ModeFlags, pm.Params
	reattach := ch.attachedOnce
	ch.reattaching = reattach
	ch.attachedOnce = true
	ch.setState(ChannelAttached, pm.Error, resumed)
	ch.reattaching = false
	ch.presence.attached(ch, pm.Has(proto.FlagHasPresence))
	if reattach && !resumed {
		ch.reenter() // RTP17i
	}
	ch.tellAttachWaiters(nil)
	awaiting := ch.awaiting
	ch.awaiting = nil
	for _, o := range awaiting {
		ch.transmitPresence(o)
	}
}

// detached takes a DETACHED: the answer to DETACH, or the service detaching the channel,
// which re-attaches at once (RTL13a), or refusing an attach (RTL13b).
func (ch *Channel) detached(pm proto.ProtocolMessage) {
	reason := errorOf(pm, 90000, 500, "the service detached the channel")
	switch ch.state {
	case ChannelDetaching:
		ch.serial = "" // RTL15b2
		ch.setState(ChannelDetached, pm.Error, false)
		for _, f := range ch.detachWaiters {
			f(nil)
		}
		ch.detachWaiters = nil
	case ChannelAttached, ChannelSuspended:
		ch.setState(ChannelAttaching, &reason, false)
		ch.sendAttach()
	case ChannelAttaching:
		ch.c.stopTimer(&ch.attachTimer)
		ch.suspend(&reason)
	}
}

// connected re-attaches after CONNECTED (RTL3d) and sends any ATTACH waiting for it
// (RTL4i).
func (ch *Channel) connected() {
	switch ch.state {
	case ChannelAttaching, ChannelAttached, ChannelSuspended:
		if ch.state != ChannelAttaching {
			ch.setState(ChannelAttaching, nil, false)
		}
		ch.sendAttach()
	case ChannelDetaching:
		ch.c.send(proto.ProtocolMessage{Action: proto.ActionDetach, Channel: ch.name}) // RTN19b
	}
}

// connectionSuspended: SUSPENDED connection, SUSPENDED channel (RTL3c).
func (ch *Channel) connectionSuspended(reason *proto.ErrorInfo) {
	ch.byConnection = true
	defer func() { ch.byConnection = false }()
	if ch.state == ChannelAttaching || ch.state == ChannelAttached {
		ch.c.stopTimer(&ch.attachTimer)
		ch.setState(ChannelSuspended, reason, false)
		ch.tellAttachWaiters(&ChannelError{Channel: ch.name, Op: "attach to", Info: *reason})
	}
}

// connectionEnded: CLOSED detaches (RTL3b), FAILED fails (RTL3a).
func (ch *Channel) connectionEnded(s State, reason *proto.ErrorInfo) {
	ch.byConnection = true
	defer func() { ch.byConnection = false }()
	ch.c.stopTimer(&ch.attachTimer)
	ch.c.stopTimer(&ch.retryTimer)
	switch ch.state {
	case ChannelAttaching, ChannelAttached, ChannelSuspended, ChannelDetaching:
		if s == StateFailed {
			ch.setState(ChannelFailed, reason, false)
		} else {
			ch.setState(ChannelDetached, nil, false)
		}
	}
	ch.tellAttachWaiters(&ChannelError{Channel: ch.name, Op: "attach to", Info: *reason})
	for _, f := range ch.detachWaiters {
		f(nil)
	}
	ch.detachWaiters = nil
}

// messages delivers a MESSAGE's messages, completed and decoded (TM2a, TM2c, TM2f, RTL7d).
// Nothing is delivered unless the channel is attached (RTL17).
func (ch *Channel) messages(pm proto.ProtocolMessage) {
	if ch.state != ChannelAttached || ch.opts.OnMessage == nil {
		return
	}
	pm.FillMessageFields()
	for _, m := range pm.Messages {
		data, rest, err := m.Decode(ch.opts.Cipher)
		if err != nil {
			ch.c.logf("realtime: channel %q: message %s: %v", ch.name, m.ID, err)
		}
		ch.opts.OnMessage(MessageEvent{Channel: ch.name, Message: m, Data: data, Undecoded: rest, Err: err})
	}
}

func (ch *Channel) annotations(pm proto.ProtocolMessage) {
	if ch.state != ChannelAttached || ch.opts.OnAnnotation == nil {
		return
	}
	pm.FillMessageFields()
	for _, a := range pm.Annotations {
		data, rest, err := a.Decode(ch.opts.Cipher)
		ch.opts.OnAnnotation(AnnotationEvent{Channel: ch.name, Annotation: a, Data: data, Undecoded: rest, Err: err})
	}
}

// PublishAsync publishes messages, their data encoded already (proto.Encode), in one
// MESSAGE (RTL6i), and tells done their serials from the ACK or the NACK's error (RTN7).
// It is sent at once when CONNECTED, queued while connecting or disconnected (RTL6c2), and
// refused otherwise (RTL6c4); it does not attach (RTL6c5).
func (ch *Channel) PublishAsync(msgs []proto.Message, done func(serials []string, err error)) {
	if !ch.c.post(func() { ch.publish(msgs, done) }) {
		done(nil, ch.c.Err())
	}
}

// Publish is PublishAsync waiting for the outcome.
func (ch *Channel) Publish(ctx context.Context, msgs ...proto.Message) ([]string, error) {
	type result struct {
		serials []string
		err     error
	}
	r := make(chan result, 1)
	ch.PublishAsync(msgs, func(s []string, err error) { r <- result{s, err} })
	select {
	case res := <-r:
		return res.serials, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-ch.c.done:
		return nil, ch.c.Err()
	}
}

func (ch *Channel) publish(msgs []proto.Message, done func([]string, error)) {
	c := ch.c
	refuse := func(code, status int, format string, args ...any) {
		done(nil, &ChannelError{Channel: ch.name, Op: "publish to", Info: info(code, status, format, args...)})
	}
	if ch.state == ChannelSuspended || ch.state == ChannelFailed { // RTL6c4
		refuse(codeChannelState, 400, "the channel is %s", ch.state)
		return
	}
	size := 0
	for _, m := range msgs {
		size += len(m.Name) + len(m.Data) + len(m.ClientID) + len(m.Extras)
	}
	if limit := c.details.MaxMessageSize; limit > 0 && size > limit { // RSL1i
		refuse(codeTooLarge, 400, "the messages are %d bytes, over the limit of %d", size, limit)
		return
	}
	c.enqueue(&outbound{pm: proto.ProtocolMessage{Action: proto.ActionMessage, Channel: ch.name, Messages: msgs}, done: done})
}

// enqueue sends o now when CONNECTED, or queues it for CONNECTED (RTL6c2), or refuses it.
func (c *Conn) enqueue(o *outbound) {
	switch c.state {
	case StateConnected:
		c.transmit(o)
	case StateInitialized, StateConnecting, StateDisconnected:
		if c.state == StateInitialized {
			c.startConnect()
		}
		c.queued = append(c.queued, o)
	default:
		o.done(nil, &ChannelError{Channel: o.pm.Channel, Op: "publish to",
			Info: info(codeChannelState, 400, "the connection is %s", c.state)})
	}
}

// transmit gives o the next msgSerial (RTN7b) and sends it.
func (c *Conn) transmit(o *outbound) {
	o.pm.MsgSerial = c.msgSerial
	c.msgSerial++
	c.pending = append(c.pending, o)
	c.send(o.pm)
}

// acknowledged takes an ACK or NACK of [msgSerial, msgSerial+count) (RTN7a): pending
// frames below the range were skipped (an implicit NACK), those in it answered, those
// above it wait on.
func (c *Conn) acknowledged(pm proto.ProtocolMessage) {
	first, count := pm.MsgSerial, int64(max(pm.Count, 1))
	var rest []*outbound
	for _, o := range c.pending {
		s := o.pm.MsgSerial
		switch {
		case s >= first+count:
			rest = append(rest, o)
		case s < first:
			o.done(nil, &ChannelError{Channel: o.pm.Channel, Op: "publish to",
				Info: info(codeConnFailed, 500, "the service skipped message serial %d", s)})
		case pm.Action == proto.ActionNack:
			reason := errorOf(pm, 40000, 400, "the service refused the message")
			o.done(nil, &ChannelError{Channel: o.pm.Channel, Op: opOf(o.pm), Info: reason})
		default:
			var serials []string
			if i := s - first; int(i) < len(pm.Res) {
				serials = pm.Res[i].Serials
			}
			o.done(serials, nil)
		}
	}
	c.pending = rest
}

func opOf(pm proto.ProtocolMessage) string {
	if pm.Action == proto.ActionPresence {
		return "enter the presence of"
	}
	return "publish to"
}

// failOutbound tells everything sent or queued that it failed (RTN7e).
func (c *Conn) failOutbound(reason *proto.ErrorInfo) {
	all := append(c.pending, c.queued...)
	c.pending, c.queued = nil, nil
	for _, o := range all {
		o.done(nil, &ChannelError{Channel: o.pm.Channel, Op: opOf(o.pm), Info: *reason})
	}
}

// String names the channel and its state, for logs.
func (ch *Channel) String() string { return fmt.Sprintf("channel %q", ch.name) }
