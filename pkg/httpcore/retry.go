package httpcore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// RetryPolicy says how idempotent requests are retried after 429, 5xx or a network error:
// with exponential backoff and jitter, or after the server's Retry-After, and never beyond the
// call's time bound (Options.Timeout): a wait that would not leave time for the next attempt
// is not begun, and the error says why.
type RetryPolicy struct {
	MaxRetries int           // retries after the first attempt; default 3; negative: none
	BaseDelay  time.Duration // first backoff; doubled each retry; default 250ms
	MaxDelay   time.Duration // cap of one backoff; default 5s
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
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	if p.Jitter == nil {
		p.Jitter = jitter
	}
	return p
}

// decision is whether to retry, after how long, and if not, why (for the message; "" when
// nothing needs saying).
type decision struct {
	retry bool
	wait  time.Duration
	why   string
}

// minAttempt is the least time worth leaving for one more attempt.
const minAttempt = 100 * time.Millisecond

// next decides whether attempt (0-based) is retried.
// bound is the call's whole time bound, and deadline when it ends.
func (p RetryPolicy) next(idempotent bool, attempt int, resp *Response, err error, now, deadline time.Time, bound time.Duration) decision {
	if !idempotent {
		return decision{}
	}
	var tooLarge *tooLargeError
	var refused *redirectError
	var notLoop *notLoopbackError
	switch {
	case err != nil && (errors.As(err, &tooLarge) || errors.As(err, &refused) || errors.As(err, &notLoop)):
		return decision{} // the same again next time
	case err == nil && resp.Status != http.StatusTooManyRequests && resp.Status < 500:
		return decision{}
	case attempt >= p.MaxRetries && attempt == 0:
		return decision{}
	case attempt >= p.MaxRetries:
		return decision{why: fmt.Sprintf("gave up after %s", attemptsNote(attempt+1))}
	}
	left := deadline.Sub(now)
	if err != nil {
		if left <= minAttempt {
			return decision{} // the bound is spent: the timeout error says so
		}
		return decision{retry: true, wait: min(p.backoff(attempt), left-minAttempt)}
	}
	wait, asked := retryAfter(resp.Header.Get("Retry-After"), now)
	if !asked {
		wait = p.backoff(attempt)
	}
	if wait+minAttempt > left {
		if asked {
			return decision{why: fmt.Sprintf("the server asked to retry after %s, more than is left (%s) of the %s a call may take, so it was not retried",
				wait, max(left, 0).Round(time.Millisecond), bound)}
		}
		return decision{why: fmt.Sprintf("no time left to retry within the call's bound, after %s", attemptsNote(attempt+1))}
	}
	return decision{retry: true, wait: wait}
}

func attemptsNote(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
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

// jitter returns a random duration in [d/2, d], so clients that failed together do not
// retry together.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1)
}
