package realtime

import (
	"errors"
	"fmt"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/httpcore"
	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// ErrClosed is what an operation on a closed connection returns.
var ErrClosed = errors.New("the Ably Realtime connection is closed")

// ChannelError is a channel operation the service refused or that could not complete: an
// ERROR naming the channel (RTL14), a NACK (RTN7), a DETACHED instead of ATTACHED, or a
// timeout (RTL4f).
type ChannelError struct {
	Channel string
	Op      string // what was asked: "attach to", "publish to", "enter the presence of", ...
	Info    proto.ErrorInfo
}

func (e *ChannelError) Error() string {
	return fmt.Sprintf("cannot %s channel %q: %s", e.Op, e.Channel, e.Info.Error())
}

// ExitError is the error with the suite's exit code: 4 for a token refused, 5 for a
// missing capability (40160), 2 for a bad request, 6 for a server failure or timeout.
func (e *ChannelError) ExitError() *exitcode.Error { return exitErrorOf(e.Error(), e.Info, e) }

func exitErrorOf(msg string, info proto.ErrorInfo, err error) *exitcode.Error {
	code := httpcore.ExitCodeFor(info.StatusCode, info.Code)
	return &exitcode.Error{Code: code, Message: msg, AblyCode: info.Code, StatusCode: info.StatusCode,
		Href: info.HelpURL(), Err: err}
}

// ExitError turns any error of this package into one with the suite's exit code; other
// errors keep theirs, or are network failures (6).
func ExitError(err error) *exitcode.Error {
	var ee *exitcode.Error
	var ce *ConnectError
	var che *ChannelError
	switch {
	case errors.As(err, &ce):
		return ce.ExitError()
	case errors.As(err, &che):
		return che.ExitError()
	case errors.As(err, &ee):
		return ee
	}
	return &exitcode.Error{Code: exitcode.Network, Message: err.Error(), Err: err}
}

// Ably error codes the client produces itself (ably-common protocol/errors.json).
const (
	codeDisconnected   = 80003 // connection_disconnected
	codeSuspended      = 80002 // connection_suspended
	codeTimeout        = 50003 // timeout_error
	codeChannelTimeout = 90007 // channel_operation_failed_no_response_from_server
	codeChannelState   = 90001 // channel_operation_failed_invalid_channel_state
	codeTooLarge       = 40009 // maximum_message_length_exceeded
	codeNoClientID     = 91000 // unable_to_enter_presence_channel_no_clientid
	codeConnClosed     = 80017 // connection_closed
	codeConnFailed     = 80000 // connection_failed
)

func info(code, status int, format string, args ...any) proto.ErrorInfo {
	return proto.ErrorInfo{Code: code, StatusCode: status, Message: fmt.Sprintf(format, args...)}
}
