package authcli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/endpoint"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/resolve"
	"github.com/ably/ably-suite/pkg/version"
)

const (
	flagEndpoint    = "endpoint"
	defaultRESTHost = resolve.DefaultEndpoint
	restTimeout     = 30 * time.Second
	maxRESTResponse = 1 << 20 // far above any token or revocation answer
	// restAPIVersion is the REST protocol version asked for; 2 answers revokeTokens with a
	// batch result.
	restAPIVersion = "2"
)

func endpointFlag() cli.Flag {
	return &cli.StringFlag{Name: flagEndpoint, Usage: "Ably REST API `HOST`: a host name, or a full URL used as the base (default: ABLY_ENDPOINT, else " + defaultRESTHost + ")"}
}

// restBaseURL turns --endpoint or ABLY_ENDPOINT into the REST API's base URL: "" is
// rest.ably.io; a host name (with an optional port) means https://HOST; a full URL is used as
// it is. Plain http is allowed only to a loopback host, so an API key or a signed token
// request never crosses a network in clear text.
func restBaseURL(value string) (*url.URL, error) {
	return endpoint.Base("endpoint", value, defaultRESTHost, "")
}

// restClient calls Ably's REST API. It never retries: a token request is good for one use,
// and a revocation need not be sent twice.
type restClient struct {
	base  *url.URL
	http  *http.Client
	logf  func(format string, args ...any)
	agent string
	now   func() time.Time // for the durations logged
}

// openREST sets up the REST client for the endpoint r resolves (--endpoint, ABLY_ENDPOINT,
// the profile's). It makes no request.
func openREST(c *cli.Context, r *resolve.Resolver) (*restClient, error) {
	endpoint, err := r.Endpoint()
	if err != nil {
		return nil, err
	}
	base, err := restBaseURL(endpoint.Value)
	if err != nil {
		return nil, err
	}
	out := plugin.Printer(c)
	out.Verbosef("Ably REST API %s", base)
	return &restClient{
		base: base,
		http: &http.Client{
			Timeout: restTimeout,
			// Never follow a redirect: it could carry the API key to another host.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		logf:  out.Verbosef,
		agent: "ably-suite/" + version.String(),
		now:   plugin.EnvOf(c).Now,
	}, nil
}

// basicAuth is an API key's credentials for HTTP basic auth; the zero value sends none.
type basicAuth struct{ user, pass string }

// post sends body as JSON to the path made of segments (each escaped) and decodes a 2xx
// answer into out. what names the operation in messages ("issue an Ably token").
func (r *restClient) post(ctx context.Context, what string, segments []string, auth basicAuth, body, out any) error {
	u := *r.base
	var raw, plain strings.Builder
	raw.WriteString(r.base.EscapedPath())
	plain.WriteString(r.base.Path)
	for _, s := range segments {
		raw.WriteString("/" + url.PathEscape(s))
		plain.WriteString("/" + s)
	}
	u.Path, u.RawPath = plain.String(), raw.String()

	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encoding the request to %s: %w", what, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", r.agent)
	req.Header.Set("Ably-Agent", r.agent)
	req.Header.Set("X-Ably-Version", restAPIVersion)
	if auth.user != "" {
		req.SetBasicAuth(auth.user, auth.pass)
	}
	start := r.now()
	res, err := r.http.Do(req)
	if err != nil {
		r.logf("POST %s -> error after %s: %v", describeURL(&u), r.now().Sub(start).Round(time.Millisecond), err)
		return r.transportError(ctx, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxRESTResponse+1))
	r.logf("POST %s -> %d %s in %s", describeURL(&u), res.StatusCode, http.StatusText(res.StatusCode), r.now().Sub(start).Round(time.Millisecond))
	if err != nil {
		return exitcode.New(exitcode.Network, "reading the answer of the Ably REST API to %s: %v", what, err)
	}
	if len(data) > maxRESTResponse {
		return exitcode.New(exitcode.Network, "unexpected answer from the Ably REST API to %s: larger than %d KiB", what, maxRESTResponse>>10)
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return restStatusError(what, res.StatusCode, res.Header, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return exitcode.New(exitcode.Network, "unexpected answer from the Ably REST API to %s (%d): the body is not the JSON expected: %v", what, res.StatusCode, err)
	}
	return nil
}

func (r *restClient) transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return exitcode.Wrap(exitcode.Interrupted, errors.New("interrupted"))
	}
	var nerr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &nerr) && nerr.Timeout() {
		return exitcode.New(exitcode.Network, "the Ably REST API at %s did not answer within %s: check your network, or try again later", describeURL(r.base), restTimeout)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return &exitcode.Error{Code: exitcode.Network, Err: err,
		Message: fmt.Sprintf("cannot reach the Ably REST API at %s: %v", describeURL(r.base), err)}
}

// ablyError is an Ably error: the REST API wraps it in "error"; the platform spec draws it
// bare, so both are read.
type ablyError struct {
	Message    string `json:"message"`
	Code       int    `json:"code"`
	StatusCode int    `json:"statusCode"`
	Href       string `json:"href"`
}

func parseAblyError(header http.Header, body []byte) (ablyError, bool) {
	var wrapped struct {
		Error *ablyError `json:"error"`
	}
	var e ablyError
	switch {
	case json.Unmarshal(body, &wrapped) == nil && wrapped.Error != nil && wrapped.Error.Message != "":
		e = *wrapped.Error
	case json.Unmarshal(body, &e) == nil && e.Message != "":
	default:
		e = ablyError{Message: header.Get("x-ably-errormessage")}
		e.Code, _ = strconv.Atoi(header.Get("x-ably-errorcode"))
		if e.Message == "" {
			return ablyError{}, false
		}
	}
	if e.Href == "" && e.Code != 0 {
		e.Href = fmt.Sprintf("https://help.ably.io/error/%d", e.Code)
	}
	return e, true
}

// restExitCode maps a REST API status to the suite's exit codes, as the Control API
// client does: 401 authentication, 403 permission, 404 not found, 400/422 usage, 429 and
// 5xx network or server.
func restExitCode(status int) int {
	switch {
	case status == http.StatusUnauthorized:
		return exitcode.Auth
	case status == http.StatusForbidden:
		return exitcode.Permission
	case status == http.StatusNotFound:
		return exitcode.NotFound
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return exitcode.Usage
	case status == http.StatusTooManyRequests || status >= 500:
		return exitcode.Network
	}
	return exitcode.Failure
}

// restStatusError turns a REST API error answer into an error with its exit code, the
// Ably error code and link, and what to do about it.
func restStatusError(what string, status int, header http.Header, body []byte) error {
	ae, ok := parseAblyError(header, body)
	said := ""
	if ok {
		said = ": " + strings.TrimSuffix(ae.Message, ".")
	}
	e := &exitcode.Error{Code: restExitCode(status), AblyCode: ae.Code, StatusCode: status, Href: ae.Href}
	switch {
	case status == http.StatusUnauthorized:
		e.Message = fmt.Sprintf("the Ably REST API refused to %s: the API key was not accepted%s; check the key ('ably auth keys list' shows the app's keys)", what, said)
	case status == http.StatusForbidden:
		e.Message = fmt.Sprintf("the API key may not %s%s", what, said)
	case status == http.StatusNotFound:
		e.Message = fmt.Sprintf("the Ably REST API could not %s: not found%s", what, said)
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		e.Message = fmt.Sprintf("the Ably REST API refused to %s (%d)%s", what, status, said)
	case status == http.StatusTooManyRequests:
		e.Message = fmt.Sprintf("the Ably REST API is rate limiting requests (429) and did not %s%s; wait a while and try again", what, said)
	case status >= 500:
		e.Message = fmt.Sprintf("the Ably REST API failed to %s (%d %s)%s; try again later", what, status, http.StatusText(status), said)
	default:
		e.Message = fmt.Sprintf("unexpected answer from the Ably REST API to %s: %d %s%s", what, status, http.StatusText(status), said)
	}
	if !ok && len(body) > 0 {
		e.Message += " (the error body was not an Ably error)"
	}
	return e
}

// describeURL is a URL without its query, for messages.
func describeURL(u *url.URL) string {
	return fmt.Sprintf("%s://%s%s", u.Scheme, u.Host, u.EscapedPath())
}
