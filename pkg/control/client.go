// Package control is a typed client for Ably's Control API (../shared/spec/control-v1.yaml)
// that knows which access-token capability each call needs and refuses, before any request,
// a call the token cannot make.
package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/version"
)

// Defaults for Options left zero.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultTokenMaxAge = time.Hour // how long token details from GET /me are trusted
	maxResponseBytes   = 8 << 20   // far above any real response; a larger one is an error
)

// Options configure a Client. Only BaseURL and Token are required.
type Options struct {
	BaseURL    *url.URL // from BaseURL
	Token      string   // the account access token; never logged
	HTTPClient *http.Client
	Timeout    time.Duration // per attempt
	UserAgent  string
	// Logf receives one line per request (method, URL, status, duration, retries) when the
	// user asked for --verbose. The token never appears in it.
	Logf  func(format string, args ...any)
	Retry RetryPolicy
	// TokenStore caches the token's details from GET /me (e.g. in the profile). Nil keeps
	// them for the life of the client only.
	TokenStore  TokenStore
	TokenMaxAge time.Duration
	// SkipCapabilityCheck sends every call without checking the token's capabilities first,
	// for tokens whose details cannot be read.
	SkipCapabilityCheck bool
	Now                 func() time.Time
}

// Client calls the Control API. Safe for one command's use; not for concurrent goroutines.
type Client struct {
	opt    Options
	http   *http.Client
	memory memoryStore
}

// New returns a client. It makes no request.
func New(opt Options) (*Client, error) {
	if opt.BaseURL == nil {
		return nil, errors.New("control: no base URL")
	}
	if opt.Token == "" {
		return nil, exitcode.New(exitcode.Auth, "no access token: run 'ably accounts login', or set ABLY_ACCESS_TOKEN")
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.UserAgent == "" {
		opt.UserAgent = "ably-suite/" + version.String()
	}
	if opt.TokenMaxAge <= 0 {
		opt.TokenMaxAge = DefaultTokenMaxAge
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	opt.Retry = opt.Retry.withDefaults()
	c := &Client{opt: opt, http: opt.HTTPClient}
	if c.http == nil {
		c.http = &http.Client{Transport: http.DefaultTransport}
	}
	// Never follow a redirect: it could carry the bearer token to another host.
	hc := *c.http
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.http = &hc
	if opt.TokenStore == nil {
		c.opt.TokenStore = &c.memory
	}
	return c, nil
}

// BaseURL is the API base the client talks to.
func (c *Client) BaseURL() *url.URL { u := *c.opt.BaseURL; return &u }

// call is one API call: the operation, where, what to send, and what a 404 means.
type call struct {
	op          Operation
	segments    []string   // path below the base, unescaped
	query       url.Values // may be nil
	body        any        // JSON-encoded unless it is a []byte with contentType set
	contentType string
	notFound    string // the missing thing for a 404, e.g. `app "xyz"`
}

// do makes the call and decodes a successful JSON response into out (nil to discard).
func (c *Client) do(ctx context.Context, cl call, out any) error {
	if err := c.authorize(ctx, cl.op); err != nil {
		return err
	}
	return c.send(ctx, cl, out)
}

// send makes the call without the capability check.
func (c *Client) send(ctx context.Context, cl call, out any) error {
	u := pathURL(c.opt.BaseURL, cl.segments...)
	if len(cl.query) > 0 {
		u.RawQuery = cl.query.Encode()
	}
	var payload []byte
	contentType := cl.contentType
	switch b := cl.body.(type) {
	case nil:
	case []byte:
		payload = b
	default:
		var err error
		if payload, err = json.Marshal(b); err != nil {
			return fmt.Errorf("encoding the request to %s: %w", cl.op.Name, err)
		}
		contentType = "application/json"
	}

	var resp *response
	var err error
	start := c.opt.Now()
	for attempt := 0; ; attempt++ {
		resp, err = c.attempt(ctx, cl.op.Method, u, payload, contentType)
		if err == nil {
			c.logf("%s %s -> %d %s in %s%s", cl.op.Method, describe(u), resp.status, http.StatusText(resp.status),
				c.opt.Now().Sub(start).Round(time.Millisecond), retriesNote(attempt))
		} else {
			c.logf("%s %s -> error after %s%s: %v", cl.op.Method, describe(u), c.opt.Now().Sub(start).Round(time.Millisecond), retriesNote(attempt), err)
		}
		wait, retry := c.opt.Retry.next(cl.op, attempt, resp, err, c.opt.Now())
		if !retry {
			break
		}
		c.logf("retrying %s in %s (attempt %d of %d)", cl.op.Name, wait.Round(time.Millisecond), attempt+2, c.opt.Retry.MaxRetries+1)
		if serr := c.opt.Retry.Sleep(ctx, wait); serr != nil {
			return exitcode.Wrap(exitcode.Interrupted, fmt.Errorf("interrupted while waiting to retry: %w", serr))
		}
	}
	if err != nil {
		return c.transportError(ctx, u, err)
	}
	if resp.status >= 200 && resp.status < 300 {
		if out == nil || resp.status == http.StatusNoContent {
			return nil
		}
		if err := json.Unmarshal(resp.body, out); err != nil {
			return exitcode.New(exitcode.Network, "unexpected response from the Control API to %s (%s %s, %d): the body is not the JSON expected: %v",
				cl.op.Name, cl.op.Method, describe(u), resp.status, err)
		}
		return nil
	}
	return c.statusError(ctx, cl, resp)
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

type response struct {
	status int
	header http.Header
	body   []byte
}

// attempt sends one request, with the per-attempt timeout, and reads the whole body.
func (c *Client) attempt(ctx context.Context, method string, u *url.URL, payload []byte, contentType string) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.opt.Token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.opt.UserAgent)
	req.Header.Set("Ably-Agent", c.opt.UserAgent)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxResponseBytes+1))
	if err != nil {
		return nil, &brokenBodyError{status: res.StatusCode, err: err}
	}
	if len(data) > maxResponseBytes {
		return nil, errTooLarge
	}
	return &response{status: res.StatusCode, header: res.Header, body: data}, nil
}

// brokenBodyError is a connection that broke while the answer was being read.
type brokenBodyError struct {
	status int
	err    error
}

func (e *brokenBodyError) Error() string {
	return fmt.Sprintf("the connection broke while reading the %d answer: %v", e.status, e.err)
}
func (e *brokenBodyError) Unwrap() error { return e.err }

var errTooLarge = fmt.Errorf("the response is larger than %d MiB, far beyond any real one", maxResponseBytes>>20)

func (c *Client) transportError(ctx context.Context, u *url.URL, err error) error {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return exitcode.Wrap(exitcode.Interrupted, errors.New("interrupted"))
	}
	var nerr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &nerr) && nerr.Timeout() {
		return exitcode.New(exitcode.Network, "the Control API at %s did not answer within %s: check your network, or try again later", describe(c.opt.BaseURL), c.opt.Timeout)
	}
	if errors.Is(err, errTooLarge) {
		return exitcode.New(exitcode.Network, "unexpected response from the Control API at %s: %v", describe(u), err)
	}
	var broken *brokenBodyError
	if errors.As(err, &broken) {
		return &exitcode.Error{Code: exitcode.Network, Err: err,
			Message: fmt.Sprintf("the Control API at %s: %v; try again", describe(c.opt.BaseURL), err)}
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return &exitcode.Error{Code: exitcode.Network, Err: err,
		Message: fmt.Sprintf("cannot reach the Control API at %s: %v", describe(c.opt.BaseURL), err)}
}

// apiError is the Control API's error body.
type apiError struct {
	Message    string `json:"message"`
	Code       int    `json:"code"`
	StatusCode int    `json:"statusCode"`
	Href       string `json:"href"`
}

// parseAPIError reads an error body; ok is false when the body is not one.
func parseAPIError(body []byte, status int) (apiError, bool) {
	var e apiError
	if json.Unmarshal(body, &e) != nil || e.Message == "" {
		return apiError{StatusCode: status}, false
	}
	// The spec's descriptions of code and statusCode are swapped; trust the values: the
	// Ably code is the five-digit one.
	if e.Code < 1000 && e.StatusCode >= 10000 {
		e.Code, e.StatusCode = e.StatusCode, e.Code
	}
	if e.StatusCode == 0 {
		e.StatusCode = status
	}
	return e, true
}

// AccessTokensPage is where access tokens are created, rotated and given capabilities.
const AccessTokensPage = "the Access tokens page of the Ably dashboard (https://ably.com/users/access_tokens)"

func (c *Client) statusError(ctx context.Context, cl call, resp *response) error {
	ae, ok := parseAPIError(resp.body, resp.status)
	said := ""
	if ok {
		said = ": " + strings.TrimSuffix(ae.Message, ".")
	}
	e := &exitcode.Error{AblyCode: ae.Code, StatusCode: resp.status, Href: ae.Href}
	switch {
	case resp.status == http.StatusUnauthorized:
		_ = c.opt.TokenStore.SaveTokenInfo(nil) // what we knew of the token is void
		e.Code = exitcode.Auth
		e.Message = fmt.Sprintf("the Control API rejected the access token (expired or revoked)%s; rotate it or create a new one on %s, then run 'ably accounts login'", said, AccessTokensPage)
	case resp.status == http.StatusForbidden:
		e.Code = exitcode.Permission
		e.Message = fmt.Sprintf("the access token may not %s%s", cl.op.Name, said)
		if cl.op.Capability != "" {
			e.Message = fmt.Sprintf("the access token may not %s: it lacks %s%s; add it to the token on %s",
				cl.op.Name, cl.op.Capability.Display(), said, AccessTokensPage)
			// The cached capabilities were wrong: read them again for the next command.
			if cl.op != opMe {
				_, _ = c.Me(ctx)
			}
		}
	case resp.status == http.StatusNotFound:
		e.Code = exitcode.NotFound
		what := cl.notFound
		if what == "" {
			what = "the resource"
		}
		e.Message = fmt.Sprintf("%s not found%s", what, said)
	case resp.status == http.StatusTooManyRequests:
		e.Code = exitcode.Network
		e.Message = fmt.Sprintf("the Control API is rate limiting requests (429) and the call to %s did not go through%s; wait a while and try again", cl.op.Name, said)
	case resp.status == http.StatusBadRequest || resp.status == http.StatusUnprocessableEntity:
		e.Code = exitcode.Usage
		e.Message = fmt.Sprintf("the Control API refused to %s (%d)%s", cl.op.Name, resp.status, said)
	case resp.status >= 500:
		e.Code = exitcode.Network
		e.Message = fmt.Sprintf("the Control API failed to %s (%d %s)%s; try again later", cl.op.Name, resp.status, http.StatusText(resp.status), said)
	default:
		e.Code = exitcode.Failure
		e.Message = fmt.Sprintf("unexpected answer from the Control API to %s: %d %s%s", cl.op.Name, resp.status, http.StatusText(resp.status), said)
	}
	if !ok && len(resp.body) > 0 && resp.status != http.StatusNotFound {
		e.Message += " (the error body was not an Ably error)"
	}
	return e
}

func (c *Client) logf(format string, args ...any) {
	if c.opt.Logf != nil {
		c.opt.Logf(format, args...)
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
