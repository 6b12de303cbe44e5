// Package control is a typed client for Ably's Control API (../shared/spec/control-v1.yaml)
// that knows which access-token capability each call needs and refuses, before any request,
// a call the token cannot make. Its HTTP is pkg/httpcore's.
package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/httpcore"
)

// Defaults for Options left zero.
const (
	DefaultTimeout     = httpcore.DefaultTimeout
	DefaultTokenMaxAge = time.Hour // how long token details from GET /me are trusted
	maxResponseBytes   = 8 << 20   // far above any real response; a larger one is an error
)

// RetryPolicy bounds retries of idempotent calls (reads) after 429, 5xx or a network error.
type RetryPolicy = httpcore.RetryPolicy

// NoRetries is a policy that never retries.
func NoRetries() RetryPolicy { return httpcore.NoRetries() }

// Options configure a Client. Only BaseURL and Token are required.
type Options struct {
	BaseURL *url.URL // from BaseURL
	Token   string   // the account access token; never logged
	// Transport sends the requests; nil is httpcore.NewTransport(Resolver).
	Transport http.RoundTripper
	Resolver  httpcore.Resolver
	Timeout   time.Duration // bounds one call, retries included
	UserAgent string
	// Logf receives one line per request (method, URL, status, duration, retries) when the
	// user asked for --verbose. The token never appears in it.
	Logf  func(format string, args ...any)
	Retry RetryPolicy
	// TokenStore caches the token's details from GET /me (e.g. in the profile). Nil keeps
	// them for the life of the client only. The client only reads it and stores fresh
	// details in it; forgetting them after a refusal is OnError's job.
	TokenStore  TokenStore
	TokenMaxAge time.Duration
	// OnError, when set, is told of every error a call returns, after it is built, so the
	// caller can act on what it means for cached state (ErrTokenRejected,
	// ErrCapabilityRefused).
	OnError func(ctx context.Context, err error)
	// SkipCapabilityCheck sends every call without checking the token's capabilities first,
	// for tokens whose details cannot be read.
	SkipCapabilityCheck bool
	Now                 func() time.Time
}

// Client calls the Control API. Safe for one command's use; not for concurrent goroutines.
type Client struct {
	opt    Options
	core   *httpcore.Client
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
	if opt.TokenMaxAge <= 0 {
		opt.TokenMaxAge = DefaultTokenMaxAge
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	core, err := httpcore.New(httpcore.Options{
		API: "the Control API", BaseURL: opt.BaseURL, Transport: opt.Transport, Resolver: opt.Resolver,
		Timeout: opt.Timeout, MaxResponseBytes: maxResponseBytes, UserAgent: opt.UserAgent,
		Logf: opt.Logf, Retry: opt.Retry, Now: opt.Now,
	})
	if err != nil {
		return nil, err
	}
	c := &Client{opt: opt, core: core}
	if opt.TokenStore == nil {
		c.opt.TokenStore = &c.memory
	}
	return c, nil
}

// BaseURL is the API base the client talks to.
func (c *Client) BaseURL() *url.URL { return c.core.BaseURL() }

// call is one API call: the operation, where, what to send, and what a 404 means.
type call struct {
	op          Operation
	segments    []string   // path below the base, unescaped
	query       url.Values // may be nil
	body        any        // JSON-encoded unless it is a []byte with contentType set
	contentType string
	notFound    string // the missing thing for a 404, e.g. `app "xyz"`
}

// do makes the call, after the capability check, and decodes a successful JSON response into
// out (nil to discard). A path that user input would make climb is refused before anything.
func (c *Client) do(ctx context.Context, cl call, out any) error {
	return c.reported(ctx, c.authorizeAndSend(ctx, cl, out))
}

// reported passes err to OnError, and returns it.
func (c *Client) reported(ctx context.Context, err error) error {
	if err != nil && c.opt.OnError != nil {
		c.opt.OnError(ctx, err)
	}
	return err
}

func (c *Client) authorizeAndSend(ctx context.Context, cl call, out any) error {
	req, err := c.request(cl)
	if err != nil {
		return err
	}
	if err := c.authorize(ctx, cl.op); err != nil {
		return err
	}
	return c.send(ctx, cl, req, out)
}

// request builds the HTTP request of a call.
func (c *Client) request(cl call) (httpcore.Request, error) {
	u, err := c.core.URL(cl.query, cl.segments...)
	if err != nil {
		return httpcore.Request{}, err
	}
	req := httpcore.Request{Method: cl.op.Method, URL: u, What: cl.op.Name, Idempotent: cl.op.Idempotent(),
		Header: http.Header{"Authorization": {"Bearer " + c.opt.Token}}, ContentType: cl.contentType}
	switch b := cl.body.(type) {
	case nil:
	case []byte:
		req.Body = b
	default:
		if req.Body, err = json.Marshal(b); err != nil {
			return req, fmt.Errorf("encoding the request to %s: %w", cl.op.Name, err)
		}
		req.ContentType = "application/json"
	}
	return req, nil
}

// send makes the call without the capability check.
func (c *Client) send(ctx context.Context, cl call, req httpcore.Request, out any) error {
	resp, err := c.core.Do(ctx, req)
	if err != nil {
		return err
	}
	if resp.OK() {
		if err := httpcore.DecodeJSON(resp, out); err != nil {
			return exitcode.New(exitcode.Network, "unexpected response from the Control API to %s (%s %s, %d): the body is not the JSON expected: %v",
				cl.op.Name, req.Method, httpcore.Redact(req.URL), resp.Status, err)
		}
		return nil
	}
	return c.statusError(cl, resp)
}

// AccessTokensPage is where access tokens are created, rotated and given capabilities.
const AccessTokensPage = "the Access tokens page of the Ably dashboard (https://ably.com/users/access_tokens)"

// ErrTokenRejected is the cause of an error for a token the Control API refused (401) or
// whose cached details say it has expired: what is cached about it is void.
var ErrTokenRejected = errors.New("the access token was rejected")

// ErrCapabilityRefused is the cause of an error for a 403 to a call that needs a
// capability: the cached capabilities said the token had it, so they are stale.
var ErrCapabilityRefused = errors.New("the access token lacks a capability the cache said it had")

// statusError turns an error answer into an error value. It has no side effect.
func (c *Client) statusError(cl call, resp *httpcore.Response) error {
	e := c.core.StatusError(resp, cl.op.Name, func(said string) string {
		switch resp.Status {
		case http.StatusUnauthorized:
			return fmt.Sprintf("the Control API rejected the access token (expired or revoked)%s; rotate it or create a new one on %s, then run 'ably accounts login'", said, AccessTokensPage)
		case http.StatusForbidden:
			if cl.op.Capability != "" {
				return fmt.Sprintf("the access token may not %s: it lacks %s%s; add it to the token on %s",
					cl.op.Name, cl.op.Capability.Display(), said, AccessTokensPage)
			}
			return fmt.Sprintf("the access token may not %s%s", cl.op.Name, said)
		case http.StatusNotFound:
			what := cl.notFound
			if what == "" {
				what = "the resource"
			}
			return fmt.Sprintf("%s not found%s", what, said)
		}
		return ""
	})
	switch {
	case resp.Status == http.StatusUnauthorized:
		e.Err = ErrTokenRejected
	case resp.Status == http.StatusForbidden && cl.op.Capability != "":
		e.Err = ErrCapabilityRefused
	}
	return e
}

func (c *Client) logf(format string, args ...any) { c.core.Logf(format, args...) }
