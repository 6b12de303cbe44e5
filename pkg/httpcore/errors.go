package httpcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// brokenBodyError is a connection that broke while the answer was being read.
type brokenBodyError struct {
	status int
	err    error
}

func (e *brokenBodyError) Error() string {
	return fmt.Sprintf("the connection broke while reading the %d answer: %v", e.status, e.err)
}
func (e *brokenBodyError) Unwrap() error { return e.err }

// tooLargeError is an answer beyond the size cap.
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	if e.limit >= 1<<20 {
		return fmt.Sprintf("the response is larger than %d MiB, far beyond any real one", e.limit>>20)
	}
	return fmt.Sprintf("the response is larger than %d KiB, far beyond any real one", e.limit>>10)
}

// transportError turns a request that got no answer into an error with its exit code.
func (c *Client) transportError(ctx context.Context, req Request, err error, attempt int) error {
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled) {
		return exitcode.Wrap(exitcode.Interrupted, errors.New("interrupted"))
	}
	var nerr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &nerr) && nerr.Timeout() {
		return c.timeoutError(req, attempt)
	}
	var tooLarge *tooLargeError
	if errors.As(err, &tooLarge) {
		return exitcode.New(exitcode.Network, "unexpected response from %s to %s (%s %s): %v", c.opt.API, req.What, req.Method, Redact(req.URL), err)
	}
	var notLoop *notLoopbackError
	if errors.As(err, &notLoop) {
		return &exitcode.Error{Code: exitcode.Usage, Err: err, Message: fmt.Sprintf("%s at %s: %v", c.opt.API, Redact(c.opt.BaseURL), notLoop)}
	}
	var redirect *redirectError
	if errors.As(err, &redirect) {
		return &exitcode.Error{Code: exitcode.Network, Err: err, Message: fmt.Sprintf("%s at %s %v", c.opt.API, Redact(c.opt.BaseURL), redirect)}
	}
	var broken *brokenBodyError
	if errors.As(err, &broken) {
		return &exitcode.Error{Code: exitcode.Network, Err: err,
			Message: fmt.Sprintf("%s at %s: %v; try again", c.opt.API, Redact(c.opt.BaseURL), err)}
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return &exitcode.Error{Code: exitcode.Network, Err: err,
		Message: fmt.Sprintf("cannot reach %s at %s: %v", c.opt.API, Redact(c.opt.BaseURL), err)}
}

// timeoutError says the call's bound was reached, with the bound itself: it is the real time
// the call took, retries included.
func (c *Client) timeoutError(req Request, attempt int) error {
	tries := ""
	if attempt > 0 {
		tries = " (" + attemptsNote(attempt+1) + ")"
	}
	if !req.Idempotent && req.What != "" {
		// The request went out and was never answered: it may have been carried out.
		return exitcode.New(exitcode.Network, "%s at %s did not answer within %s%s, so it is unknown whether it did %s: check (e.g. list) before trying again, which could do it twice",
			c.opt.API, Redact(c.opt.BaseURL), c.opt.Timeout, tries, req.What)
	}
	return exitcode.New(exitcode.Network, "%s at %s did not answer within %s%s: check your network, or try again later",
		c.opt.API, Redact(c.opt.BaseURL), c.opt.Timeout, tries)
}

// AblyError is Ably's error body (ErrorInfo, TI1-TI5).
type AblyError struct {
	Message    string `json:"message"`
	Code       int    `json:"code"`
	StatusCode int    `json:"statusCode"`
	Href       string `json:"href,omitempty"`
}

// ParseAblyError reads an error answer: the REST API wraps the body in "error", the Control
// API and the platform spec draw it bare, and the X-Ably-Errorcode and X-Ably-Errormessage
// headers (HP6, HP7) stand in when the body says nothing. ok is false when none of them is
// an Ably error.
func ParseAblyError(header http.Header, body []byte, status int) (e AblyError, ok bool) {
	var wrapped struct {
		Error *AblyError `json:"error"`
	}
	switch {
	case json.Unmarshal(body, &wrapped) == nil && wrapped.Error != nil && wrapped.Error.Message != "":
		e = *wrapped.Error
	case json.Unmarshal(body, &e) == nil && e.Message != "":
	default:
		e = AblyError{Message: header.Get("X-Ably-Errormessage")}
		e.Code, _ = strconv.Atoi(header.Get("X-Ably-Errorcode"))
		if e.Message == "" {
			return AblyError{StatusCode: status}, false
		}
	}
	// The Control API spec's descriptions of code and statusCode are swapped; trust the
	// values: the Ably code is the five-digit one.
	if e.Code < 1000 && e.StatusCode >= 10000 {
		e.Code, e.StatusCode = e.StatusCode, e.Code
	}
	if e.StatusCode == 0 {
		e.StatusCode = status
	}
	if e.Href == "" && e.Code != 0 {
		e.Href = fmt.Sprintf("https://help.ably.io/error/%d", e.Code)
	}
	return e, true
}

// ExitCode maps an HTTP error status to the suite's exit codes, the same for every API:
// 401 authentication, 403 permission, 404 not found, 400/422 usage, 429 and 5xx network or
// server, anything else failure.
func ExitCode(status int) int {
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

// TokenRefused reports an Ably error code of the token family, 40140-40149: the token is
// expired, revoked or invalid.
func TokenRefused(ablyCode int) bool { return ablyCode >= 40140 && ablyCode <= 40149 }

// CapabilityMissing reports an Ably error code of the capability family, 40160-40169: the
// credentials may not perform the operation (Ably answers these with 401).
func CapabilityMissing(ablyCode int) bool { return ablyCode >= 40160 && ablyCode <= 40169 }

// ExitCodeFor is ExitCode refined by the Ably error code, which is more precise than the
// status: a refused token is authentication, a missing capability permission.
func ExitCodeFor(status, ablyCode int) int {
	switch {
	case TokenRefused(ablyCode):
		return exitcode.Auth
	case CapabilityMissing(ablyCode):
		return exitcode.Permission
	}
	return ExitCode(status)
}

// StatusError turns an error answer into an error value: its exit code, the Ably error code
// and link, and a message. message overrides the wording for this status ("" keeps the
// core's); it may end with the server's words, said, which StatusError passes it. Building
// it has no side effect: what a status means for cached state is the caller's to act on.
func (c *Client) StatusError(resp *Response, what string, message func(said string) string) *exitcode.Error {
	ae, ok := ParseAblyError(resp.Header, resp.Body, resp.Status)
	said := ""
	if ok {
		said = ": " + strings.TrimSuffix(ae.Message, ".")
	}
	e := &exitcode.Error{Code: ExitCodeFor(resp.Status, ae.Code), AblyCode: ae.Code, StatusCode: resp.Status, Href: ae.Href}
	if message != nil {
		e.Message = message(said)
	}
	if e.Message == "" {
		e.Message = c.statusMessage(resp.Status, what, said)
	}
	if resp.notRetried != "" {
		e.Message += " (" + resp.notRetried + ")"
	}
	if !ok && len(resp.Body) > 0 && resp.Status != http.StatusNotFound {
		e.Message += " (the error body was not an Ably error)"
	}
	return e
}

func (c *Client) statusMessage(status int, what, said string) string {
	api := c.opt.API
	switch {
	case status == http.StatusUnauthorized:
		return fmt.Sprintf("%s refused to %s: the credentials were not accepted%s", api, what, said)
	case status == http.StatusForbidden:
		return fmt.Sprintf("the credentials may not %s%s", what, said)
	case status == http.StatusNotFound:
		return fmt.Sprintf("%s could not %s: not found%s", api, what, said)
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return fmt.Sprintf("%s refused to %s (%d)%s", api, what, status, said)
	case status == http.StatusTooManyRequests:
		return fmt.Sprintf("%s is rate limiting requests (429) and the call to %s did not go through%s; wait a while and try again", api, what, said)
	case status >= 500:
		return fmt.Sprintf("%s failed to %s (%d %s)%s; try again later", api, what, status, http.StatusText(status), said)
	}
	return fmt.Sprintf("unexpected answer from %s to %s: %d %s%s", api, what, status, http.StatusText(status), said)
}

// DecodeJSON decodes a successful answer into out (nil, or a 204, to discard it). The error
// is the decoder's: each API words what an unreadable answer means.
func DecodeJSON(resp *Response, out any) error {
	if out == nil || resp.Status == http.StatusNoContent {
		return nil
	}
	return json.Unmarshal(resp.Body, out)
}
