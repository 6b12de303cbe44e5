package realtime

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// ProtocolVersion is the Realtime protocol version the client speaks (RTN2f, CSV2).
const ProtocolVersion = "6"

// ConnectParams are what a connection attempt says in its query string (RTN2).
type ConnectParams struct {
	Key        string // an API key APPID.KEYID:SECRET (basic auth, RTN2e); "" with Token
	Token      string // an Ably token or JWT, sent as access_token as Ably's SDKs send it
	ClientID   string // sent with a key only: a token carries its own (RTN2d, RSA7e1)
	Echo       bool   // whether the connection receives its own messages (RTN2b)
	Heartbeats bool   // ask for HEARTBEAT messages, for a client that cannot see pings (RTN23b)
	Resume     string // the connection key of the connection to resume (RTN15b1)
	Agent      string // name/version entries joined by spaces (RSC7d)
}

// URL is the WebSocket URL of a connection attempt to the endpoint base: the REST base URL
// with https made wss and http made ws, path "/", and the parameters, JSON format.
func (p ConnectParams) URL(base *url.URL) (*url.URL, error) {
	if (p.Key == "") == (p.Token == "") {
		return nil, errors.New("a Realtime connection needs exactly one of an API key and a token")
	}
	u := *base
	switch u.Scheme {
	case "https":
		u.Scheme = "wss"
	case "http":
		u.Scheme = "ws"
	default:
		return nil, fmt.Errorf("the endpoint %s is not an http or https URL", base.Redacted())
	}
	u.Path, u.RawPath, u.Fragment = "/", "", ""
	q := url.Values{
		"format":     {"json"},
		"v":          {ProtocolVersion},
		"echo":       {strconv.FormatBool(p.Echo)},
		"heartbeats": {strconv.FormatBool(p.Heartbeats)},
	}
	if p.Key != "" {
		q.Set("key", p.Key)
		if p.ClientID != "" {
			q.Set("clientId", p.ClientID)
		}
	} else {
		q.Set("access_token", p.Token)
	}
	if p.Resume != "" {
		q.Set("resume", p.Resume)
	}
	if p.Agent != "" {
		q.Set("agent", p.Agent)
	}
	u.RawQuery = q.Encode()
	return &u, nil
}

// Redacted is u as --verbose may print it: a key's secret, a token and a resume key (which
// lets its holder take over the connection) are replaced, the key's public name kept.
func Redacted(u *url.URL) string {
	q := u.Query()
	if k := q.Get("key"); k != "" {
		name, _, _ := strings.Cut(k, ":")
		q.Set("key", name+":[REDACTED]")
	}
	for _, secret := range []string{"access_token", "accessToken", "resume", "recover"} {
		if q.Has(secret) {
			q.Set(secret, "[REDACTED]")
		}
	}
	r := *u
	r.User = nil
	r.RawQuery = strings.ReplaceAll(q.Encode(), "%5BREDACTED%5D", "[REDACTED]")
	return r.String()
}
