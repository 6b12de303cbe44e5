package controltest

import (
	"fmt"
	"net/http"

	"github.com/ably/ably-suite/pkg/fakeserver"
)

// Ably error codes the fake answers with. An Ably code is five digits whose first three are
// usually the HTTP status; the catalogue is ably-common's protocol/errors.json.
const (
	CodeBadRequest      = 40000 // 400: a parameter or body the API refuses
	CodeInvalidBody     = 40001 // 400: the body is not JSON of the right shape
	CodeInvalidParam    = 40003 // 400: a query parameter with a bad value
	CodeUnauthorized    = 40100 // 401: no access token
	CodeTokenError      = 40140 // 401: an access token the API does not know
	CodeTokenRevoked    = 40141 // 401: a revoked access token
	CodeTokenExpired    = 40142 // 401: an expired access token
	CodeForbidden       = 40300 // 403: the token lacks the capability
	CodeNotFound        = 40400 // 404
	CodeMethod          = 40500 // 405
	CodeInvalidResource = 40022 // 422: Ably's "invalid resource" (missing field, duplicate name)
	CodeRateLimit       = 42910 // 429
	CodeInternal        = 50000 // 500
)

// ErrorBody is the body of every error the API returns.
type ErrorBody = fakeserver.ErrorBody

// CodeFor is the Ably error code the fake uses for a bare HTTP status, as in an injected
// fault without a body: 429 is 42910, others are the status times 100 (401 is 40100, 500 is
// 50000, 503 is 50300).
func CodeFor(status int) int { return fakeserver.CodeFor(status) }

// NewErrorBody builds an Ably error body; href points at Ably's help page for the code.
func NewErrorBody(status, code int, message string) ErrorBody {
	return fakeserver.NewErrorBody(status, code, message)
}

func writeError(w http.ResponseWriter, status, code int, format string, args ...any) {
	writeJSON(w, status, NewErrorBody(status, code, fmt.Sprintf(format, args...)))
}

// writeJSON is fakeserver.WriteJSON, short for the handlers.
func writeJSON(w http.ResponseWriter, status int, v any) { fakeserver.WriteJSON(w, status, v) }

// Shorthands for the errors handlers send.

func (c *call) notFound(format string, args ...any) {
	writeError(c.w, http.StatusNotFound, CodeNotFound, format, args...)
}

func (c *call) badRequest(format string, args ...any) {
	writeError(c.w, http.StatusBadRequest, CodeBadRequest, format, args...)
}

// invalid answers a body that parses but breaks the API's rules: 422 where the operation
// documents it, else 400.
func (c *call) invalid(has422 bool, format string, args ...any) {
	if has422 {
		writeError(c.w, http.StatusUnprocessableEntity, CodeInvalidResource, format, args...)
		return
	}
	c.badRequest(format, args...)
}
