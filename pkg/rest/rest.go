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
	// APIVersion is the protocol version asked for (X-Ably-Version, RSC7e) when Options
	// name none; 2 answers revokeTokens with a batch result.
	APIVersion = "2"
	// DataPlaneVersion is the version the channel commands ask for: 5 answers a publish with
	// the messages' serials (RSL1n) and a batch publish with a BatchResult (BAR2), and lists
	// channels by ID.
	DataPlaneVersion = "5"
	// maxResponseBytes bounds one answer: a page of 1,000 messages of a few KiB each fits
	// many times over; anything larger is not a real answer.
	maxResponseBytes = 32 << 20
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
	Version   string // X-Ably-Version; "" is APIVersion
}

// Client calls Ably's REST API.
type Client struct{ core *httpcore.Client }

// New returns a client. It makes no request.
func New(opt Options) (*Client, error) {
	if opt.BaseURL == nil {
		return nil, errors.New("rest: no base URL")
	}
	if opt.Version == "" {
		opt.Version = APIVersion
	}
	core, err := httpcore.New(httpcore.Options{
		API: "the Ably REST API", BaseURL: opt.BaseURL, Transport: opt.Transport, Resolver: opt.Resolver,
		Timeout: opt.Timeout, MaxResponseBytes: maxResponseBytes, UserAgent: opt.UserAgent,
		Header: http.Header{"X-Ably-Version": {opt.Version}},
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
	header   string
	kind     string // "key" or "token", for messages
	clientID string // sent with a key only (RSA7e2)
}

// WithClientID makes requests with a key act as clientID, sent as X-Ably-ClientId, base64 of
// its UTF-8 (RSA7e2). A token carries its own client ID, so with a token it changes nothing.
func (a Auth) WithClientID(clientID string) Auth {
	if a.kind == "key" {
		a.clientID = clientID
	}
	return a
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
	// Link, when set, is where the call goes instead of Segments and Query: a page's Next.
	Link *url.URL
}

// Post sends body as JSON to the path made of segments and decodes a 2xx answer into out.
func (c *Client) Post(ctx context.Context, what string, segments []string, auth Auth, body, out any) error {
	return c.Do(ctx, Call{What: what, Method: http.MethodPost, Segments: segments, Auth: auth, Body: body}, out)
}

// Do makes the call and decodes a 2xx answer into out (nil to discard it).
func (c *Client) Do(ctx context.Context, cl Call, out any) error {
	_, _, err := c.do(ctx, cl, out)
	return err
}

// Page is where a paginated answer goes on (TG): its "next" link, if any.
type Page struct {
	// Next is the next page's URL, resolved against the request's (TG4); nil on the last.
	Next *url.URL
}

// HasNext reports that there is a next page (TG6).
func (p Page) HasNext() bool { return p.Next != nil }

// DoPage makes the call, decodes a 2xx answer (a page of items) into out, and reads the
// Link header for the next page. Following it is a call with Link set to Next.
func (c *Client) DoPage(ctx context.Context, cl Call, out any) (Page, error) {
	resp, u, err := c.do(ctx, cl, out)
	if err != nil {
		return Page{}, err
	}
	next, err := nextLink(resp.Header.Values("Link"), u, c.core.BaseURL())
	if err != nil {
		return Page{}, exitcode.New(exitcode.Network, "unexpected answer from the Ably REST API to %s: %v", cl.What, err)
	}
	return Page{Next: next}, nil
}

// do makes the call and returns the answer and the URL it was sent to.
func (c *Client) do(ctx context.Context, cl Call, out any) (*httpcore.Response, *url.URL, error) {
	u := cl.Link
	if u == nil {
		var err error
		if u, err = c.core.URL(cl.Query, cl.Segments...); err != nil {
			return nil, nil, err
		}
	}
	req := httpcore.Request{Method: cl.Method, URL: u, What: cl.What,
		Idempotent: cl.Idempotent || cl.Method == http.MethodGet || cl.Method == http.MethodHead}
	if cl.Auth.header != "" {
		req.Header = http.Header{"Authorization": {cl.Auth.header}}
		if cl.Auth.clientID != "" {
			req.Header.Set("X-Ably-ClientId", base64.StdEncoding.EncodeToString([]byte(cl.Auth.clientID)))
		}
	}
	if cl.Body != nil {
		var err error
		if req.Body, err = json.Marshal(cl.Body); err != nil {
			return nil, nil, fmt.Errorf("encoding the request to %s: %w", cl.What, err)
		}
		req.ContentType = "application/json"
	}
	resp, err := c.core.Do(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	if !resp.OK() {
		return nil, nil, c.statusError(cl, resp)
	}
	if err := httpcore.DecodeJSON(resp, out); err != nil {
		return nil, nil, exitcode.New(exitcode.Network, "unexpected answer from the Ably REST API to %s (%d): the body is not the JSON expected: %v", cl.What, resp.Status, err)
	}
	return resp, u, nil
}

// statusError says what an error answer means for the credentials used.
func (c *Client) statusError(cl Call, resp *httpcore.Response) error {
	return c.core.StatusError(resp, cl.What, func(said string) string {
		credential := "API key"
		if cl.Auth.kind == "token" {
			credential = "token"
		}
		ae, _ := httpcore.ParseAblyError(resp.Header, resp.Body, resp.Status)
		switch {
		case httpcore.CapabilityMissing(ae.Code):
			return fmt.Sprintf("the %s may not %s%s: its capability does not allow it", credential, cl.What, said)
		case httpcore.TokenRefused(ae.Code) && cl.Auth.kind == "token":
			return fmt.Sprintf("the Ably REST API refused to %s: the token is expired or no longer valid%s; issue a new one (ably auth issue-jwt-token)", cl.What, said)
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
