// Package httpcore is the one HTTP core under the suite's API clients (pkg/control for the
// Control API, pkg/rest for Ably's REST API): base-URL rules, path segments that cannot
// climb, the agent header, one bound on the time of a call with its retries, retries of
// idempotent requests only, a response size cap, Ably error bodies, --verbose lines that never
// show a secret, a redirect policy that keeps credentials with their host, and plain http only
// to addresses checked to be loopback.
package httpcore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/version"
)

// Defaults for Options left zero.
const (
	DefaultTimeout          = 30 * time.Second
	DefaultMaxResponseBytes = 8 << 20 // far above any real answer; a larger one is an error
)

// Options configure a Client. API and BaseURL are required.
type Options struct {
	API     string   // names the service in messages, e.g. "the Control API"
	BaseURL *url.URL // from Base; paths are built below it
	// Transport sends the requests. Nil is NewTransport(Resolver), whose plain-http dial goes
	// only to the loopback addresses it checked; a transport given here (a test's, or the
	// run's shared one) should come from NewTransport to keep that guarantee.
	Transport http.RoundTripper
	Resolver  Resolver // for the default transport; nil is net.DefaultResolver
	// Timeout bounds one call: every attempt, and every wait between them. Nil is
	// DefaultTimeout. A retry that would not fit in what is left is not made.
	Timeout          time.Duration
	MaxResponseBytes int64
	UserAgent        string      // User-Agent and Ably-Agent (RSC7d); default ably-suite/<version>
	Header           http.Header // sent with every request, e.g. X-Ably-Version (RSC7e)
	// Logf receives the --verbose lines: method, URL with its query (credentials masked),
	// status, duration and retries.
	Logf  func(format string, args ...any)
	Retry RetryPolicy
	Now   func() time.Time
}

// Client sends requests to one API. It holds no credentials: each request brings its own.
type Client struct {
	opt  Options
	http *http.Client
}

// New returns a client. It makes no request.
func New(opt Options) (*Client, error) {
	if opt.BaseURL == nil {
		return nil, errors.New("httpcore: no base URL")
	}
	if opt.API == "" {
		opt.API = "the API"
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.MaxResponseBytes <= 0 {
		opt.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if opt.UserAgent == "" {
		opt.UserAgent = DefaultAgent()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Transport == nil {
		opt.Transport = NewTransport(opt.Resolver)
	}
	opt.Retry = opt.Retry.withDefaults()
	return &Client{opt: opt, http: &http.Client{Transport: opt.Transport, CheckRedirect: checkRedirect}}, nil
}

// DefaultAgent names this suite and its version, for the agent headers.
func DefaultAgent() string { return "ably-suite/" + version.String() }

// BaseURL is the base the client's paths are built below.
func (c *Client) BaseURL() *url.URL { u := *c.opt.BaseURL; return &u }

// Logf writes a --verbose line, when they are asked for.
func (c *Client) Logf(format string, args ...any) {
	if c.opt.Logf != nil {
		c.opt.Logf(format, args...)
	}
}

// Request is one call.
type Request struct {
	Method      string
	URL         *url.URL    // from Client.URL
	Header      http.Header // this request's own, e.g. Authorization; never logged
	Body        []byte
	ContentType string
	// Idempotent requests (reads; publishes carrying message IDs) may be retried after 429,
	// 5xx or a network error. Nothing else is retried: its first attempt may have taken effect.
	Idempotent bool
	What       string // what the call does, for messages: "list apps"
}

// Response is an answer read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// notRetried says why a retryable answer was not retried, for the error message.
	notRetried string
}

// OK reports a 2xx status.
func (r *Response) OK() bool { return r.Status >= 200 && r.Status < 300 }

// Do sends req, retrying as the policy allows within the call's time bound, and returns the
// last answer whatever its status. The error is for answers that never came (exit codes
// Network, Usage or Interrupted).
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	start := c.opt.Now()
	deadline := start.Add(c.opt.Timeout)
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	sent := false // some attempt's request was written in full: the server may have acted on it
	for attempt := 0; ; attempt++ {
		resp, wrote, err := c.attempt(ctx, req)
		sent = sent || wrote
		elapsed := c.opt.Now().Sub(start).Round(time.Millisecond)
		if err == nil {
			c.Logf("%s %s -> %d %s in %s%s", req.Method, Redact(req.URL), resp.Status, http.StatusText(resp.Status), elapsed, retriesNote(attempt))
		} else {
			c.Logf("%s %s -> error after %s%s: %v", req.Method, Redact(req.URL), elapsed, retriesNote(attempt), err)
		}
		d := c.opt.Retry.next(req.Idempotent, attempt, resp, err, c.opt.Now(), deadline, c.opt.Timeout)
		if !d.retry {
			if err != nil {
				terr := c.transportError(ctx, req, err, attempt)
				if !sent {
					terr = &neverSentError{terr}
				}
				return nil, terr
			}
			resp.notRetried = d.why
			return resp, nil
		}
		c.Logf("retrying %s in %s (attempt %d of %d)", req.What, d.wait.Round(time.Millisecond), attempt+2, c.opt.Retry.MaxRetries+1)
		if serr := c.opt.Retry.Sleep(ctx, d.wait); serr != nil {
			if errors.Is(serr, context.DeadlineExceeded) {
				return nil, c.timeoutError(req, attempt)
			}
			return nil, exitcode.Wrap(exitcode.Interrupted, fmt.Errorf("interrupted while waiting to retry: %w", serr))
		}
	}
}

// attempt sends one request and reads the whole answer, up to the size cap. wrote reports
// that the request was written in full, so the server may have acted on it.
func (c *Client) attempt(ctx context.Context, req Request) (resp *Response, wrote bool, err error) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) { wrote = wrote || info.Err == nil },
	})
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL.String(), body)
	if err != nil {
		return nil, false, err
	}
	for k, vs := range c.opt.Header {
		hr.Header[k] = vs
	}
	for k, vs := range req.Header {
		hr.Header[k] = vs
	}
	hr.Header.Set("Accept", "application/json")
	hr.Header.Set("User-Agent", c.opt.UserAgent)
	hr.Header.Set("Ably-Agent", c.opt.UserAgent)
	if req.ContentType != "" {
		hr.Header.Set("Content-Type", req.ContentType)
	}
	res, err := c.http.Do(hr)
	if err != nil {
		return nil, wrote, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, c.opt.MaxResponseBytes+1))
	if err != nil {
		return nil, true, &brokenBodyError{status: res.StatusCode, err: err}
	}
	if int64(len(data)) > c.opt.MaxResponseBytes {
		return nil, true, &tooLargeError{limit: c.opt.MaxResponseBytes}
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: data}, true, nil
}

// neverSentError marks a call none of whose attempts reached the server in full, so it took
// no effect there.
type neverSentError struct{ err error }

func (e *neverSentError) Error() string { return e.err.Error() }
func (e *neverSentError) Unwrap() error { return e.err }

// NeverSent reports that err, from Do, came from a call no attempt of which was written in
// full to the server: it cannot have taken effect. False means it may have (a connection lost
// after the request was sent), or that err is not such an error.
func NeverSent(err error) bool {
	var ns *neverSentError
	return errors.As(err, &ns)
}

func retriesNote(attempt int) string {
	switch attempt {
	case 0:
		return ""
	case 1:
		return " (after 1 retry)"
	}
	return fmt.Sprintf(" (after %d retries)", attempt)
}
