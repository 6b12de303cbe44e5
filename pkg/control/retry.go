package control

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// RetryPolicy bounds retries of idempotent calls (reads) after 429, 5xx or a network error.
type RetryPolicy struct {
	MaxRetries    int           // retries after the first attempt; default 3
	BaseDelay     time.Duration // first backoff; doubled each retry; default 250ms
	MaxDelay      time.Duration // cap of one backoff; default 5s
	MaxRetryAfter time.Duration // a Retry-After longer than this is not waited for; default 30s
	// Sleep waits d or until ctx is done; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter spreads a backoff; tests replace it.
	Jitter func(time.Duration) time.Duration
}

// NoRetries is a policy that never retries.
func NoRetries() RetryPolicy { return RetryPolicy{MaxRetries: -1} }

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxRetries == 0 {
		p.MaxRetries = 3
	}
	if p.MaxRetries < 0 {
		p.MaxRetries = 0
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 250 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 5 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 30 * time.Second
	}
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	if p.Jitter == nil {
		p.Jitter = jitter
	}
	return p
}

// next decides whether attempt (0-based) is retried, and after how long.
func (p RetryPolicy) next(op Operation, attempt int, resp *response, err error, now time.Time) (time.Duration, bool) {
	if !op.Idempotent() || attempt >= p.MaxRetries {
		return 0, false
	}
	if err != nil {
		if err == errTooLarge {
			return 0, false
		}
		return p.backoff(attempt), true // a network error on a read: try again
	}
	if resp.status != http.StatusTooManyRequests && resp.status < 500 {
		return 0, false
	}
	if wait, ok := retryAfter(resp.header.Get("Retry-After"), now); ok {
		if wait > p.MaxRetryAfter {
			return 0, false // the server asks for longer than a command should hang
		}
		return wait, true
	}
	return p.backoff(attempt), true
}

func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.BaseDelay << attempt
	if d > p.MaxDelay || d <= 0 {
		d = p.MaxDelay
	}
	return p.Jitter(d)
}

// retryAfter parses a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
