package realtime

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/httpcore"
	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// ConnectError is a connection attempt the server answered with ERROR or DISCONNECTED
// instead of CONNECTED (RTN14).
type ConnectError struct {
	Info proto.ErrorInfo
	// Retriable is true for DISCONNECTED: the attempt may be made again after a wait
	// (RTN14d). ERROR is fatal (RTN14a), unless it is a token error and a new token can be
	// had (RTN14b: TokenError).
	Retriable bool
	// Ended is true for a connection the service ended once it was established, rather
	// than refused.
	Ended bool
}

func (e *ConnectError) Error() string {
	if e.Ended {
		return "the Ably Realtime service ended the connection: " + e.Info.Error()
	}
	return "the Ably Realtime service refused the connection: " + e.Info.Error()
}

// TokenError reports an error a new token would cure (40140-40149, RTN14b).
func (e *ConnectError) TokenError() bool { return httpcore.TokenRefused(e.Info.Code) }

// ExitError is the error with the suite's exit code for its Ably code and status: 4 for a
// refused credential, 5 for a missing capability, 6 for a server failure.
func (e *ConnectError) ExitError() *exitcode.Error {
	return &exitcode.Error{Code: httpcore.ExitCodeFor(e.Info.StatusCode, e.Info.Code), Message: e.Error(),
		AblyCode: e.Info.Code, StatusCode: e.Info.StatusCode, Href: e.Info.HelpURL(), Err: e}
}

// Handshake reads the server's first answer on a new transport (RTN4): CONNECTED gives the
// connection's ID and details (RTN4b, CD2); ERROR or DISCONNECTED is a *ConnectError;
// HEARTBEATs before it are skipped; anything else is a protocol error. The transport's
// context bounds the wait: the caller sets the realtime request timeout (TO3l).
func Handshake(ctx context.Context, tr Transport) (proto.ProtocolMessage, error) {
	for {
		frame, err := tr.Receive(ctx)
		if err != nil {
			return proto.ProtocolMessage{}, fmt.Errorf("the Ably Realtime connection ended before it was established: %w", err)
		}
		var pm proto.ProtocolMessage
		if err := json.Unmarshal(frame, &pm); err != nil {
			return proto.ProtocolMessage{}, fmt.Errorf("the Ably Realtime service sent a frame that is not a protocol message: %v", err)
		}
		switch pm.Action {
		case proto.ActionHeartbeat:
			continue
		case proto.ActionConnected:
			if pm.ConnectionDetails == nil || pm.ConnectionDetails.ConnectionKey == "" {
				return pm, fmt.Errorf("the Ably Realtime service sent CONNECTED without a connection key (CD2b)")
			}
			return pm, nil
		case proto.ActionError, proto.ActionDisconnected:
			info := proto.ErrorInfo{Code: 80000, StatusCode: 500, Message: "no reason given"}
			if pm.Error != nil {
				info = *pm.Error
			}
			return pm, &ConnectError{Info: info, Retriable: pm.Action == proto.ActionDisconnected}
		}
		return pm, fmt.Errorf("the Ably Realtime service sent %s before CONNECTED", pm.Action)
	}
}
