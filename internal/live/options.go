package live

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/httpcore"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/realtime"
)

// RealtimeTokenTTL is the life of the JWTs a key mints for its Realtime connections; they
// are renewed before they expire (RTC8a), so it bounds only what a leaked one could do.
const RealtimeTokenTTL = time.Hour

// realtimeCapability is what a minted JWT asks for: everything, meta channels included
// ([*]*); Ably narrows it to the key's own capability.
var realtimeCapability = ablyauth.Capability{"[*]*": {"*"}}

// Options are the Realtime connection c's credential makes, its endpoint the REST API's.
// With a key it connects with a short-lived Ably JWT minted locally from the key for the
// client ID, and mints a new one whenever the service asks or the last is about to expire
// (RTN22, RTC8a), so the key's secret never crosses the network and a long subscription
// never drops. With a token it uses the token, which cannot be renewed: its expiry ends
// the connection (exit 4). d's transport carries the WebSocket handshake.
func Options(d plugin.Deps, c *dataplane.Client) (realtime.Options, error) {
	rt := d.Transport
	if rt == nil {
		rt = httpcore.NewTransport(nil)
	}
	opts := realtime.Options{
		Endpoint: c.REST.BaseURL(),
		Agent:    httpcore.DefaultAgent(),
		Dialer:   realtime.WebSocketDialer(&http.Client{Transport: rt}),
		Rand:     d.Rand,
		Log:      func(line string) { d.Out.Verbosef("%s", line) },
	}
	if c.IsToken() {
		opts.Token = realtime.Token{Value: c.TokenValue()}
		if c.JWT != nil {
			opts.Token.Expires = c.JWT.ExpiresAt
		}
		return opts, nil
	}
	issuer := ablyauth.Issuer{Now: d.Now, Rand: d.Rand}
	clientID := c.ClientID
	if clientID == "" {
		clientID = ablyauth.NoClientID
	}
	mint := func(context.Context) (realtime.Token, error) {
		t, err := issuer.Issue(c.Key, ablyauth.JWTRequest{Capability: realtimeCapability, ClientID: clientID, TTL: RealtimeTokenTTL})
		if err != nil {
			return realtime.Token{}, err
		}
		return realtime.Token{Value: t.Token, Expires: t.ExpiresAt}, nil
	}
	first, err := mint(context.Background())
	if err != nil {
		return opts, err
	}
	opts.Token, opts.Renew = first, mint
	d.Out.Verbosef("Realtime: a JWT of key %s minted for client ID %s, renewed from the key", c.Key.Name(), shownClientID(c.ClientID))
	return opts, nil
}

func shownClientID(id string) string {
	if id == "" {
		return "none"
	}
	return fmt.Sprintf("%q", id)
}
