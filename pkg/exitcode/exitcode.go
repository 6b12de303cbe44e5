// Package exitcode holds the suite's exit codes and the one function that maps an error to
// its code. Every binary of the suite, and any plugin built on pkg/plugin, exits through it,
// so scripts can rely on the same number meaning the same thing everywhere.
package exitcode

import (
	"context"
	"errors"
	"fmt"
)

// The documented exit codes (DESIGN §6).
const (
	OK            = 0   // success
	Failure       = 1   // any other error
	Usage         = 2   // bad flag, bad argument, bad JSON
	NotFound      = 3   // the thing named does not exist
	Auth          = 4   // no, expired or revoked credentials
	Permission    = 5   // a capability is missing
	Network       = 6   // network or server failure
	NotExecutable = 126 // plugin found but not executable
	NoPlugin      = 127 // no such plugin
	Interrupted   = 130 // interrupted (Ctrl-C)
)

// Error is an error with an exit code and, when it came from Ably, the Ably error fields.
type Error struct {
	Code       int    // exit code
	Message    string // one line, shown to the user
	AblyCode   int    // Ably error code, e.g. 40100 (0 when not from Ably)
	StatusCode int    // HTTP status (0 when not from a response)
	Href       string // link to Ably's help for AblyCode
	Err        error  // underlying cause, if any
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// New returns an error with the given exit code and a formatted message.
func New(code int, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Usagef returns a usage error (exit 2).
func Usagef(format string, args ...any) *Error { return New(Usage, format, args...) }

// Wrap gives err an exit code, keeping it as the cause. A nil err stays nil.
func Wrap(code int, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Message: err.Error(), Err: err}
}

// Of maps an error to the suite's exit code: nil is 0, an *Error its own code, a
// cancelled context 130, anything else 1.
func Of(err error) int {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, context.Canceled) {
		return Interrupted
	}
	return Failure
}
