package realtime

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// frames is a Transport that hands out the frames given, then io.EOF.
type frames struct{ in []string }

func (f *frames) Send(context.Context, []byte) error { return nil }
func (f *frames) Close(string) error                 { return nil }
func (f *frames) Receive(ctx context.Context) ([]byte, error) {
	if len(f.in) == 0 {
		return nil, io.EOF
	}
	b := f.in[0]
	f.in = f.in[1:]
	return []byte(b), nil
}

func TestHandshake(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	connected := `{"action":4,"connectionId":"CONN","connectionDetails":{"connectionKey":"KEY","clientId":"bob","maxIdleInterval":15000,"connectionStateTtl":120000}}`

	pm, err := Handshake(ctx, &frames{in: []string{`{}`, connected}})
	if err != nil || pm.ConnectionID != "CONN" || pm.ConnectionDetails.ConnectionKey != "KEY" || pm.ConnectionDetails.MaxIdle() != 15*time.Second {
		t.Fatalf("Handshake = %+v, %v", pm, err)
	}

	for _, tc := range []struct {
		frame     string
		exit      int
		retriable bool
		token     bool
	}{
		{`{"action":9,"error":{"code":40142,"statusCode":401,"message":"Token expired"}}`, exitcode.Auth, false, true},
		{`{"action":9,"error":{"code":40101,"statusCode":401,"message":"Invalid credentials"}}`, exitcode.Auth, false, false},
		{`{"action":9,"error":{"code":40160,"statusCode":401,"message":"not permitted"}}`, exitcode.Permission, false, false},
		{`{"action":6,"error":{"code":80003,"statusCode":500,"message":"disconnected"}}`, exitcode.Network, true, false},
		{`{"action":9}`, exitcode.Network, false, false},
	} {
		_, err := Handshake(ctx, &frames{in: []string{tc.frame}})
		var ce *ConnectError
		if !errors.As(err, &ce) {
			t.Fatalf("%s: %v, want a ConnectError", tc.frame, err)
		}
		if got := ce.ExitError().Code; got != tc.exit || ce.Retriable != tc.retriable || ce.TokenError() != tc.token {
			t.Errorf("%s: exit %d retriable %v token %v; want %d %v %v", tc.frame, got, ce.Retriable, ce.TokenError(), tc.exit, tc.retriable, tc.token)
		}
	}

	for name, in := range map[string][]string{
		"closed":         nil,
		"not JSON":       {`not json`},
		"attached first": {`{"action":11,"channel":"x"}`},
		"no key":         {`{"action":4,"connectionId":"C"}`},
	} {
		_, err := Handshake(ctx, &frames{in: in})
		var ce *ConnectError
		if err == nil || errors.As(err, &ce) || !strings.Contains(err.Error(), "Ably Realtime") {
			t.Errorf("%s: %v, want a protocol error", name, err)
		}
	}
}
