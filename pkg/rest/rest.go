// Package rest is a client for Ably's REST API (the platform spec, ../shared/spec): the
// endpoint rules, the protocol headers (RSC7), basic auth with a key or bearer auth with a
// token (RSA11, RSA3), and Ably error bodies. Its HTTP is pkg/httpcore's.
package rest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/httpcore"
)

const (
	// DefaultHost is the REST API's host when none is given.
	DefaultHost = "rest.ably.io"
	// APIVersion is the protocol version asked for (X-Ably-Version, RSC7e); 2 answers
	// revokeTokens with a batch result.
	APIVersion = "2"
	// maxResponseBytes is far above any token, revocation or page of history.
	maxResponseBytes = 1 << 20
)

// BaseURL turns --endpoint or ABLY_ENDPOINT into the REST API's base URL: "" is
// rest.ably.io; a host name (with an optional port) means https://HOST; a full URL is used as
// it is. Plain http is allowed only to a loopback host, so an API key or a signed token
// request never crosses a network in clear text.
func BaseURL(value string) (*url.URL, error) {
	return httpcore.Base("endpoint", value, DefaultHost, "")
}

// Options configure a Client. Only BaseURL is required.
type Options struct {
	BaseURL   *url.URL
	Transport http.RoundTripper // nil is httpcore.NewTransport(Resolver)
	Resolver  httpcore.Resolver
	Timeout   time.Duration // bounds one call, retries included
	UserAgent string
	Logf      func(format string, args ...any) // --verbose lines; never a credential
	Retry     httpcore.RetryPolicy
	Now       func() time.Time
}

// Client calls Ably's REST API.
type Client struct{ core *httpcore.Client }

// New returns a client. It makes no request.
func New(opt Options) (*Client, error) {
	if opt.BaseURL == nil {
		return nil, errors.New("rest: no base URL")
	}
	core, err := httpcore.New(httpcore.Options{
		API: "the Ably REST API", BaseURL: opt.BaseURL, Transport: opt.Transport, Resolver: opt.Resolver,
		Timeout: opt.Timeout, MaxResponseBytes: maxResponseBytes, UserAgent: opt.UserAgent,
		Header: http.Header{"X-Ably-Version": {APIVersion}},
		Logf:   opt.Logf, Retry: opt.Retry, Now: opt.Now,
	})
	if err != nil {
		return nil, err
	}
	return &Client{core: core}, nil
}

// BaseURL is the API base the client talks to.
func (c *Client) BaseURL() *url.URL { return c.core.BaseURL() }

// Auth is how a request authenticates; the zero value sends no credentials (a signed token
// request carries its own).
type Auth struct {
	header string
	kind   string // "key" or "token", for messages
}

// KeyAuth is basic auth with an API key (RSA11).
func KeyAuth(keyName, secret string) Auth {
	return Auth{header: "Basic " + base64.StdEncoding.EncodeToString([]byte(keyName+":"+secret)), kind: "key"}
}

// TokenAuth is bearer auth with a token or JWT, base64-encoded as the SDKs send it (RSA3b).
func TokenAuth(token string) Auth {
	return Auth{header: "Bearer " + base64.StdEncoding.EncodeToString([]byte(token)), kind: "token"}
}

// Call is one REST request.
type Call struct {
	What     string // what it does, for messages: "issue an Ably token"
	Method   string
	Segments []string   // the path, unescaped; each is escaped, dot segments are refused
	Query    url.Values // may be nil
	Auth     Auth
	Body     any // JSON-encoded; nil sends none
	// Idempotent marks a POST that may be retried (a publish whose messages carry IDs,
	// RSL1k); GET and HEAD always may. Nothing else is retried.
	Idempotent bool
}

// Post sends body as JSON to the path made of segments and decodes a 2xx answer into out.
func (c *Client) Post(ctx context.Context, what string, segments []string, auth Auth, body, out any) error {
	return c.Do(ctx, Call{What: what, Method: http.MethodPost, Segments: segments, Auth: auth, Body: body}, out)
}

// Do makes the call and decodes a 2xx answer into out (nil to discard it).
func (c *Client) Do(ctx context.Context, cl Call, out any) error {
	u, err := c.core.URL(cl.Query, cl.Segments...)
	if err != nil {
		return err
	}
	req := httpcore.Request{Method: cl.Method, URL: u, What: cl.What,
		Idempotent: cl.Idempotent || cl.Method == http.MethodGet || cl.Method == http.MethodHead}
	if cl.Auth.header != "" {
		req.Header = http.Header{"Authorization": {cl.Auth.header}}
	}
	if cl.Body != nil {
		if req.Body, err = json.Marshal(cl.Body); err != nil {
			return fmt.Errorf("encoding the request to %s: %w", cl.What, err)
		}
		req.ContentType = "application/json"
	}
	resp, err := c.core.Do(ctx, req)
	if err != nil {
		return err
	}
	if !resp.OK() {
		return c.statusError(cl, resp)
	}
	if err := httpcore.DecodeJSON(resp, out); err != nil {
		return exitcode.New(exitcode.Network, "unexpected answer from the Ably REST API to %s (%d): the body is not the JSON expected: %v", cl.What, resp.Status, err)
	}
	return nil
}

// statusError says what an error answer means for the credentials used.
func (c *Client) statusError(cl Call, resp *httpcore.Response) error {
	return c.core.StatusError(resp, cl.What, func(said string) string {
		credential := "API key"
		if cl.Auth.kind == "token" {
			credential = "token"
		}
		switch resp.Status {
		case http.StatusUnauthorized:
			fix := "check the key ('ably auth keys list' shows the app's keys)"
			if cl.Auth.kind == "token" {
				fix = "the token may have expired: issue a new one"
			}
			return fmt.Sprintf("the Ably REST API refused to %s: the %s was not accepted%s; %s", cl.What, credential, said, fix)
		case http.StatusForbidden:
			return fmt.Sprintf("the %s may not %s%s", credential, cl.What, said)
		}
		return ""
	})
}

// ErrorInfo is an Ably error, as the REST API reports it, e.g. per target of a batch.
type ErrorInfo = httpcore.AblyError

// TargetError turns an error reported inside a successful answer (one target of a batch)
// into an error value with the exit code of its status.
func TargetError(message string, e ErrorInfo) *exitcode.Error {
	href := e.Href
	if href == "" && e.Code != 0 {
		href = fmt.Sprintf("https://help.ably.io/error/%d", e.Code)
	}
	return &exitcode.Error{Code: httpcore.ExitCode(e.StatusCode), Message: message, AblyCode: e.Code, StatusCode: e.StatusCode, Href: href}
}
