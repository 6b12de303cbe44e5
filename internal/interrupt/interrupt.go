// Package interrupt gives a command a context that Ctrl-C (or another signal) cancels, at no
// start-up cost to a command that never waits.
//
// signal.NotifyContext starts the runtime's signal-handling goroutines and a locked OS thread
// at once: about a fifth of a small plugin's start-up, spent even by commands that finish in
// microseconds without waiting on anything. The context here installs the handlers only when
// something first asks for its Done channel: an HTTP request, a prompt or a lock wait that
// selects on it, or a context derived from it. Until then a signal has its default effect,
// which for SIGINT and SIGTERM is to end the process at once, as the shell expects. Code that
// changes the terminal (a hidden prompt) must ask for Done before it does, so that Ctrl-C is
// caught, never ending the process with the terminal left changed.
package interrupt

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"time"
)

// NotifyContext is signal.NotifyContext on context.Background, installing its handlers when
// the context's Done channel is first asked for. stop, as signal.NotifyContext's, cancels the
// context and restores the signals' default behaviour; it may be called more than once.
func NotifyContext(sigs ...os.Signal) (ctx context.Context, stop context.CancelFunc) {
	c := &lazyContext{sigs: sigs}
	return c, c.stop
}

type lazyContext struct {
	sigs []os.Signal

	mu      sync.Mutex
	ctx     context.Context // the signal.NotifyContext, once something waits
	cancel  context.CancelFunc
	stopped bool
}

// started is the underlying context, installing the signal handlers the first time.
func (c *lazyContext) started() context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx == nil {
		if c.stopped { // stopped before anything waited: done, with no handler to install
			c.ctx, c.cancel = context.WithCancel(context.Background())
			c.cancel()
		} else {
			c.ctx, c.cancel = signal.NotifyContext(context.Background(), c.sigs...)
		}
	}
	return c.ctx
}

// current is the underlying context, or nil while nothing has waited.
func (c *lazyContext) current() (context.Context, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ctx, c.stopped
}

func (c *lazyContext) stop() {
	c.mu.Lock()
	c.stopped = true
	cancel := c.cancel
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func (c *lazyContext) Deadline() (time.Time, bool) { return time.Time{}, false }

func (c *lazyContext) Done() <-chan struct{} { return c.started().Done() }

// Err is nil while nothing waits: no handler is installed, so no signal can have been caught.
func (c *lazyContext) Err() error {
	ctx, stopped := c.current()
	if ctx == nil {
		if stopped {
			return context.Canceled
		}
		return nil
	}
	return ctx.Err()
}

// Value answers from the underlying context once there is one. The context package finds
// the cancelCtx behind Done this way, so a derived context is cancelled directly, without a
// goroutine watching its parent.
func (c *lazyContext) Value(key any) any {
	if ctx, _ := c.current(); ctx != nil {
		return ctx.Value(key)
	}
	return nil
}

func (c *lazyContext) String() string { return "interrupt.NotifyContext" }
