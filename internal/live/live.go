// Package live is what the suite's long-running Realtime commands share (subscribe,
// presence enter, the logs subscriptions): the connection from the command's credential,
// what it says on stderr when the connection drops and comes back, the wait until Ctrl-C,
// --duration or enough events, and a clean end (detach, leave, CLOSE), exit 0.
//
// The connection's callbacks run on its own goroutine; everything a command prints goes
// through Emit to the command's goroutine, so output is written by one goroutine, in the
// order events came, and a slow stdout holds the connection back instead of filling memory.
package live

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/realtime"
)

// queueLength bounds the events waiting to be printed: past it the connection waits.
const queueLength = 1024

// closeTimeout bounds the goodbye (leave, CLOSE) after Ctrl-C, --duration or --count.
const closeTimeout = 5 * time.Second

// Session is a command's Realtime connection.
type Session struct {
	Conn   *realtime.Conn
	Client *dataplane.Client
	d      plugin.Deps
	queue  chan queued
	fatal  chan error
	// The command goroutine's:
	lost     bool // the connection was lost and not yet back
	finished bool // an event said the command has what it waited for: later events are dropped
}

// queued is work for the command's goroutine: an event (a message, a presence change),
// which may finish the command, or a note (a diagnostic), always printed.
type queued struct {
	f     func() bool
	event bool
}

// Connect opens the connection for the command's credential (Options)
// and waits until it is CONNECTED; a refusal is an error with its exit code and, for a
// token, how to get a new one.
func Connect(ctx context.Context, d plugin.Deps, c *dataplane.Client) (*Session, error) {
	opts, err := Options(d, c)
	if err != nil {
		return nil, err
	}
	s := &Session{Client: c, d: d, queue: make(chan queued, queueLength), fatal: make(chan error, 1)}
	opts.OnState = s.connectionChanged
	opts.FirstAttempts = 1 // a wrong endpoint or a network down is said at once
	if d.Out.Verbose {
		opts.Log = func(line string) { s.note(func() { d.Out.Verbosef("%s", line) }) }
	} else {
		opts.Log = nil
	}
	var conn *realtime.Conn
	err = s.Wait(func() (err error) {
		conn, err = realtime.Connect(ctx, opts)
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, exitcode.New(exitcode.Interrupted, "interrupted while connecting to Ably")
		}
		return nil, s.explain(err)
	}
	s.Conn = conn
	return s, nil
}

// Emit hands f to the command's goroutine, to run in order with the other events; f
// returns true when the command has what it waited for (--count), and events after that
// are dropped.
func (s *Session) Emit(f func() (done bool)) { s.queue <- queued{f: f, event: true} }

// note hands the command's goroutine a diagnostic to print.
func (s *Session) note(f func()) { s.queue <- queued{f: func() bool { f(); return false }} }

// run runs one piece of queued work on the command's goroutine.
func (s *Session) run(q queued) {
	if q.event && s.finished {
		return
	}
	if q.f() {
		s.finished = true
	}
}

// Wait runs op (a connect, an attach, a presence enter) while the command's goroutine
// prints what comes meanwhile, and returns op's error.
func (s *Session) Wait(op func() error) error {
	result := make(chan error, 1)
	go func() { result <- op() }()
	for {
		select {
		case q := <-s.queue:
			s.run(q)
		case err := <-result:
			return err
		}
	}
}

// Fail ends Hold with err (a channel that failed, say).
func (s *Session) Fail(err error) {
	select {
	case s.fatal <- err:
	default:
	}
}

// connectionChanged says on stderr what the connection is going through (RTN15: a lost
// connection is resumed without the command ending).
func (s *Session) connectionChanged(c realtime.StateChange) {
	reason := ""
	if c.Reason != nil {
		reason = ": " + c.Reason.Message
	}
	switch c.Current {
	case realtime.StateDisconnected:
		s.note(func() {
			if !s.lost {
				s.lost = true
				s.d.Out.Warnf("connection to Ably lost%s; reconnecting", reason)
			}
		})
	case realtime.StateSuspended:
		s.note(func() {
			s.d.Out.Warnf("Ably unreachable for too long%s; still trying every %s, messages meanwhile may be missed",
				reason, c.RetryIn.Round(time.Second))
		})
	case realtime.StateConnected:
		if c.Previous == realtime.StateConnected {
			return // an update: a renewed token
		}
		s.note(func() {
			if !s.lost {
				return
			}
			s.lost = false
			if c.Resumed {
				s.d.Out.Warnf("reconnected to Ably: connection resumed, no message lost")
			} else {
				s.d.Out.Warnf("reconnected to Ably on a new connection%s", reason)
			}
		})
	}
}

// ChannelChanged is a ChannelOptions.OnState for the session's channels: a channel that
// fails ends the command with the error; one re-attached without continuity is reported.
func (s *Session) ChannelChanged(c realtime.ChannelStateChange) {
	switch {
	case c.Current == realtime.ChannelFailed && c.Reason != nil && !c.ByConnection:
		s.Fail(s.explain(&realtime.ChannelError{Channel: c.Channel, Op: "stay attached to", Info: *c.Reason}))
	case c.Current == realtime.ChannelAttached && c.Reattached && !c.Resumed:
		s.note(func() {
			s.d.Out.Warnf("channel %q re-attached without continuity: messages may have been missed", c.Channel)
		})
	}
}

// Attach attaches the channels, in order, and returns the first refusal with its exit
// code (5 for a capability the credential lacks).
func (s *Session) Attach(ctx context.Context, channels ...*realtime.Channel) error {
	for _, ch := range channels {
		if err := s.Wait(func() error { _, err := ch.Attach(ctx); return err }); err != nil {
			if ctx.Err() != nil {
				return exitcode.New(exitcode.Interrupted, "interrupted while attaching to channel %q", ch.Name())
			}
			return s.explain(err)
		}
	}
	return nil
}

// Ready says on stderr that the command is listening, and how to stop it.
func (s *Session) Ready(format string, args ...any) {
	_ = s.d.Out.ErrPrintf(format+" (Ctrl-C to stop)\n", args...)
}

// Hold runs the events handed to Emit until one says it is done, ctx ends (Ctrl-C),
// duration passes (0: no limit), all nil; or the connection or a channel fails, its error.
func (s *Session) Hold(ctx context.Context, duration time.Duration) error {
	// Output is buffered while events come in a burst, and written out whenever none is
	// waiting: one write for many messages, none held back.
	out := s.d.Out.Out
	buf := bufio.NewWriterSize(out, 32<<10)
	s.d.Out.Out = buf
	defer func() {
		_ = buf.Flush()
		s.d.Out.Out = out
	}()
	var timeout <-chan time.Time
	if duration > 0 {
		t := time.NewTimer(duration)
		defer t.Stop()
		timeout = t.C
	}
	for !s.finished {
		select {
		case q := <-s.queue:
			s.run(q)
			if len(s.queue) == 0 {
				_ = buf.Flush()
			}
		case <-ctx.Done():
			return nil
		case <-timeout:
			return nil
		case err := <-s.fatal:
			return err
		case <-s.Conn.Done():
			for len(s.queue) > 0 && !s.finished {
				s.run(<-s.queue)
			}
			if s.finished {
				return nil
			}
			return s.explain(s.Conn.Err())
		}
	}
	return nil
}

// Close runs goodbye (a presence leave, say) and closes the connection (RTN12), within
// closeTimeout. Events arriving meanwhile are dropped, notes printed.
func (s *Session) Close(goodbye func(ctx context.Context)) {
	s.finished = true
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	_ = s.Wait(func() error {
		if goodbye != nil {
			goodbye(ctx)
		}
		return s.Conn.Close(ctx)
	})
	for len(s.queue) > 0 {
		s.run(<-s.queue)
	}
}

// explain is err with its exit code, and for an expired or refused token what to do.
func (s *Session) explain(err error) error {
	if err == nil || errors.Is(err, realtime.ErrClosed) {
		return nil
	}
	e := realtime.ExitError(err)
	var ce *realtime.ConnectError
	if errors.As(err, &ce) && ce.TokenError() && s.Client.IsToken() {
		out := *e
		out.Message = fmt.Sprintf("%s: the token cannot be renewed; issue a new one (ably auth issue-jwt-token), or use an API key, with which the connection renews its own tokens", e.Message)
		return &out
	}
	return e
}

// Channel makes the session's channel name with opts, failures ending the session.
func (s *Session) Channel(name string, opts realtime.ChannelOptions) *realtime.Channel {
	if opts.OnState == nil {
		opts.OnState = s.ChannelChanged
	}
	return s.Conn.Channel(name, opts)
}

// Limits are when a long-running command stops by itself: after Duration (0: never), or
// after Count events (0: no limit).
type Limits struct {
	Duration time.Duration
	Count    int
}

// maxDuration bounds --duration: a day, enough for any test run.
const maxDuration = 24 * time.Hour

// LimitFlags are --duration and, when what names the events (e.g. "messages"), --count.
func LimitFlags(what string) []cli.Flag {
	f := []cli.Flag{&cli.IntFlag{Name: "duration", Aliases: []string{"D"}, Usage: "stop after `SECONDS` (default: until Ctrl-C)"}}
	if what != "" {
		f = append(f, &cli.IntFlag{Name: "count", Usage: "stop after `N` " + what})
	}
	return f
}

// LimitsOf reads LimitFlags.
func LimitsOf(c *cli.Context) (Limits, error) {
	l := Limits{Duration: time.Duration(c.Int("duration")) * time.Second, Count: c.Int("count")}
	switch {
	case l.Duration < 0 || l.Duration > maxDuration:
		return l, exitcode.Usagef("--duration must be between 1 and %d seconds, got %d", int(maxDuration.Seconds()), c.Int("duration"))
	case c.IsSet("duration") && l.Duration == 0:
		return l, exitcode.Usagef("--duration 0 would stop at once: give a number of seconds, or leave it out to run until Ctrl-C")
	case l.Count < 0 || c.IsSet("count") && l.Count == 0:
		return l, exitcode.Usagef("--count must be 1 or more, got %d", l.Count)
	}
	return l, nil
}

// Counter counts events towards Limits.Count: Add reports when the count is reached.
type Counter struct {
	n, limit int
}

// Counter starts counting towards l.Count.
func (l Limits) Counter() *Counter { return &Counter{limit: l.Count} }

// Add counts one event; true when the limit is reached.
func (c *Counter) Add() bool {
	c.n++
	return c.limit > 0 && c.n >= c.limit
}

// Open is what a subscribing command starts with: the data-plane client for settings, the
// check that its credential may do op on every channel (a JWT's limits, nothing sent when
// it may not), and the connection.
func Open(ctx context.Context, d plugin.Deps, settings dataplane.Settings, op string, channels ...string) (*Session, error) {
	c, err := dataplane.Open(d, settings)
	if err != nil {
		return nil, err
	}
	for _, ch := range channels {
		if err := c.Allow(ch, op); err != nil {
			return nil, err
		}
	}
	return Connect(ctx, d, c)
}

// Listen attaches the channels, says ready on stderr, and holds until l or Ctrl-C ends
// it; then it detaches them (RTL5) and closes the connection.
func (s *Session) Listen(ctx context.Context, l Limits, ready string, channels ...*realtime.Channel) error {
	defer s.Close(func(ctx context.Context) {
		for _, ch := range channels {
			_ = ch.Detach(ctx)
		}
	})
	if err := s.Attach(ctx, channels...); err != nil {
		return err
	}
	s.Ready("%s", ready)
	return s.Hold(ctx, l.Duration)
}
