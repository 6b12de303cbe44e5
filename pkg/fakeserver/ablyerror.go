package fakeserver

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// ErrorBody is the error object of Ably's APIs: the whole body of a Control API error, and
// the "error" member of a REST API one.
type ErrorBody struct {
	Message    string `json:"message"`
	Code       int    `json:"code"`
	StatusCode int    `json:"statusCode"`
	Href       string `json:"href"`
}

// NewErrorBody builds an Ably error object; href points at Ably's help page for the code.
func NewErrorBody(status, code int, message string) ErrorBody {
	return ErrorBody{Message: message, Code: code, StatusCode: status, Href: fmt.Sprintf("https://help.ably.io/error/%d", code)}
}

// CodeFor is the Ably error code a fake uses for a bare HTTP status, as in an injected
// fault without a body: 429 is 42910, others are the status times 100 (401 is 40100, 500 is
// 50000, 503 is 50300). Ably codes are five digits whose first three are usually the status
// (ably-common's protocol/errors.json).
func CodeFor(status int) int {
	if status == http.StatusTooManyRequests {
		return 42910
	}
	return status * 100
}

// WriteJSON answers with status and v as a JSON body. It panics if v does not encode: only
// a fake's own types reach it, and failing loudly beats a half-written body.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("fakeserver: encoding a response: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
