package resttest

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/ably/ably-suite/pkg/fakeserver"
)

// Ably error codes the fake answers with (ably-common's protocol/errors.json).
const (
	CodeBadRequest          = 40000 // 400: a body the API refuses
	CodeInvalidParam        = 40003 // 400: a field with a bad value
	CodeMessageTooLarge     = 40009 // 400: a publish whose messages exceed MaxMessageSize
	CodeMismatchedClientID  = 40012 // 400: a message's clientId is not the request's
	CodeUnauthorized        = 40100 // 401: no credentials
	CodeInvalidCredentials  = 40101 // 401: unknown or revoked key, wrong secret, bad mac
	CodeTimestampNotCurrent = 40104 // 401: a token request's timestamp too far from the clock
	CodeNonceReplayed       = 40105 // 401: a token request redeemed before
	CodeTokenUnrecognised   = 40140 // 401: a bearer token the server did not issue
	CodeTokenRevoked        = 40141 // 401: a bearer token revoked with revokeTokens
	CodeTokenExpired        = 40142 // 401: an expired bearer token
	CodeInvalidJWT          = 40144 // 401: a bearer JWT that is not an Ably JWT
	CodeCapability          = 40160 // 401: a capability the key does not grant
	CodeNotFound            = 40400 // 404
	CodeInternal            = 50000 // 500
	CodeMutableDisabled     = 93002 // 400: mutable messages not enabled on the channel's namespace
)

// serverID is what the fake names itself in x-ably-serverid, which the REST API sends, and
// platform-v1.yaml requires, with every error.
const serverID = "resttest"

// ErrorBody is the body of every error the REST API returns: the error fields wrapped in
// "error".
type ErrorBody struct {
	Error fakeserver.ErrorBody `json:"error"`
}

func writeError(w http.ResponseWriter, status, code int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	w.Header().Set("x-ably-errorcode", strconv.Itoa(code))
	w.Header().Set("x-ably-errormessage", msg)
	w.Header().Set("x-ably-serverid", serverID)
	writeJSON(w, status, ErrorBody{Error: fakeserver.NewErrorBody(status, code, msg)})
}

// newError is an error answer to send later with its write method.
func newError(status, code int, format string, args ...any) *apiError {
	return &apiError{status, code, fmt.Sprintf(format, args...)}
}

// writeJSON is fakeserver.WriteJSON, short for the handlers.
func writeJSON(w http.ResponseWriter, status int, v any) { fakeserver.WriteJSON(w, status, v) }
