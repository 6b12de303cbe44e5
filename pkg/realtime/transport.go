package realtime

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/coder/websocket"
)

// MaxFrame bounds one frame read from the server: Ably's largest message size (64 KiB by
// default, more on some accounts) with room for the protocol message around it. The
// connection's maxMessageSize (CD2c) is what a publish may carry; this is what a read takes.
const MaxFrame = 1 << 20

// Transport carries protocol messages, one JSON text frame each (the protocol's "Formats"),
// so the connection's logic runs over a real WebSocket or a test's in-memory pipe alike.
type Transport interface {
	Send(ctx context.Context, frame []byte) error
	Receive(ctx context.Context) ([]byte, error)
	Close(reason string) error
}

// Dialer opens a Transport to a connection URL; injected so tests drive reconnects.
type Dialer func(ctx context.Context, u *url.URL) (Transport, error)

// WebSocketDialer dials with github.com/coder/websocket over client (nil is the default
// client; its transport decides proxies and TLS). The error of a refused upgrade carries the
// HTTP status, never the URL, whose query holds the credential.
func WebSocketDialer(client *http.Client) Dialer {
	return func(ctx context.Context, u *url.URL) (Transport, error) {
		c, resp, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{HTTPClient: client})
		if err != nil {
			if resp != nil {
				return nil, fmt.Errorf("the Ably Realtime endpoint %s refused the connection (%s)", u.Host, resp.Status)
			}
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // the url.Error would print the URL, credential and all
			}
			return nil, fmt.Errorf("cannot reach the Ably Realtime endpoint %s: %v", u.Host, err)
		}
		c.SetReadLimit(MaxFrame)
		return wsTransport{c}, nil
	}
}

type wsTransport struct{ c *websocket.Conn }

func (t wsTransport) Send(ctx context.Context, frame []byte) error {
	return t.c.Write(ctx, websocket.MessageText, frame)
}

func (t wsTransport) Receive(ctx context.Context) ([]byte, error) {
	typ, b, err := t.c.Read(ctx)
	if err != nil {
		return nil, err
	}
	if typ != websocket.MessageText {
		return nil, errors.New("the server sent a binary frame on a JSON connection")
	}
	return b, nil
}

// Close ends the WebSocket with a normal closure; the protocol's own CLOSE (RTN12) is the
// connection's to send first.
func (t wsTransport) Close(reason string) error {
	return t.c.Close(websocket.StatusNormalClosure, reason)
}
