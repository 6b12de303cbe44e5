// Package dataplane is what every data-plane command of the suite (and of a third party's
// plugin) starts from: the one credential rule (a key or a token, DESIGN §3), the client ID
// rules that go with it, the endpoint, and a REST client whose calls are checked against an
// Ably JWT's limits before they are sent.
package dataplane

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resolve"
	"github.com/ably/ably-suite/pkg/rest"
)

// FlagClientID is the client ID the command acts as.
const FlagClientID = "client-id"

// Settings are a data-plane command's flags: the resolver's (key, token, app, endpoint,
// profile) and the client ID.
type Settings struct {
	Resolve  resolve.Flags
	ClientID string // "" is the default; ablyauth.NoClientID (any case) is none
}

// Flags are the data-plane flags every such command takes, --profile aside (standard).
func Flags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: resolve.FlagAPIKey, Usage: "authenticate with `KEY`, an API key APPID.KEYID:SECRET (default: " + resolve.EnvAPIKey + ", or the profile's key for the app)"},
		&cli.StringFlag{Name: resolve.FlagToken, Usage: "authenticate with `TOKEN`, an Ably token or JWT (default: " + resolve.EnvToken + ")"},
		&cli.StringFlag{Name: FlagClientID, Usage: "act as client `ID`; \"none\" for no client ID (default with a key: a generated ably-cli-<8 hex>; with a token: the token's)"},
		&cli.StringFlag{Name: resolve.FlagApp, Usage: "the app `ID` whose profile key to use (env " + resolve.EnvApp + ")"},
		&cli.StringFlag{Name: resolve.FlagEndpoint, Usage: "Ably REST API `HOST`: a host name, or a full URL used as the base (default: " + resolve.EnvEndpoint + ", the profile's endpoint, else " + resolve.DefaultEndpoint + ")"},
	}
}

// SettingsOf reads the data-plane flags of a command. An explicitly empty --client-id is a
// usage error: it would silently mean the default.
func SettingsOf(c *cli.Context) (Settings, error) {
	s := Settings{Resolve: resolve.FlagsOf(c), ClientID: c.String(FlagClientID)}
	if c.IsSet(FlagClientID) && s.ClientID == "" {
		return s, exitcode.Usagef(`--%s is empty: give a client ID, or "none" for none`, FlagClientID)
	}
	return s, nil
}

// Client makes a data-plane command's REST calls with its credential.
type Client struct {
	REST *rest.Client
	// JWT holds the token's claims when the credential is an Ably JWT; nil otherwise.
	JWT *ablyauth.JWT
	// Key is the API key when the credential is one; its zero value otherwise.
	Key ablyauth.Key
	// ClientID is who the calls act as: with a key the given or generated one (sent as
	// X-Ably-ClientId), with a JWT the token's, with an opaque token the one given; "" none.
	ClientID string
	// MessageClientID is the client ID each message must carry itself: set when a token
	// does not carry it (a wildcard JWT, an opaque token) and --client-id names one.
	MessageClientID string
	// Credential says what authenticates, for --verbose and errors: never a secret.
	Credential string
	// Cipher decrypts the data of messages read (--cipher, RSL5); nil leaves encrypted data
	// as it came, its encoding saying so.
	Cipher *proto.CipherParams

	auth  rest.Auth
	token string // the token, when the credential is one
	now   func() time.Time
}

// TokenValue is the token the calls authenticate with, "" with a key: what a Realtime
// connection with the same credential sends.
func (c *Client) TokenValue() string { return c.token }

// IsToken reports that the calls authenticate with a token.
func (c *Client) IsToken() bool { return c.Key.Secret == "" }

// Open resolves the credential, client ID and endpoint for s and sets up the REST client.
// It makes no request.
func Open(d plugin.Deps, s Settings) (*Client, error) {
	r := resolve.For(d, s.Resolve)
	cred, err := r.DataPlaneCredential()
	if err != nil {
		return nil, err
	}
	c := &Client{now: d.Now}
	if cred.IsToken() {
		err = c.useToken(cred.Token, s.ClientID)
	} else {
		err = c.useKey(cred.Key, s.ClientID, d)
	}
	if err != nil {
		return nil, err
	}
	if c.REST, err = RESTClient(d, r, rest.DataPlaneVersion); err != nil {
		return nil, err
	}
	d.Out.Verbosef("authenticating with %s, client ID %s", c.Credential, clientIDShown(c.ClientID))
	return c, nil
}

// RESTClient sets up the REST client for the endpoint r resolves (--endpoint,
// ABLY_ENDPOINT, the profile's, else Ably's), speaking protocol version (X-Ably-Version; ""
// is rest.APIVersion), sending through d's transport. It makes no request.
func RESTClient(d plugin.Deps, r *resolve.Resolver, version string) (*rest.Client, error) {
	endpoint, err := r.Endpoint()
	if err != nil {
		return nil, err
	}
	base, err := rest.BaseURL(endpoint.Value)
	if err != nil {
		return nil, err
	}
	d.Out.Verbosef("Ably REST API %s (from %s)", base, endpoint.Source)
	return rest.New(rest.Options{BaseURL: base, Transport: d.Transport, Logf: d.Out.Verbosef, Now: d.Now, Version: version})
}

func clientIDShown(id string) string {
	if id == "" {
		return "none"
	}
	return fmt.Sprintf("%q", id)
}

// useKey: basic auth (RSA11), the client ID sent as X-Ably-ClientId (RSA7e2), defaulting to
// a generated one as issue-jwt-token's does.
func (c *Client) useKey(rk resolve.Key, asked string, d plugin.Deps) error {
	key, err := ParseKey(rk)
	if err != nil {
		return err
	}
	if asked == ablyauth.WildcardClientID {
		return exitcode.Usagef(`--%s "*" is for tokens: a request with a key acts as one client ID; give one, or "none"`, FlagClientID)
	}
	if c.ClientID, err = ablyauth.ClientID(asked, d.Rand); err != nil {
		return err
	}
	c.Key = key
	c.auth = rest.KeyAuth(key.Name(), key.Secret).WithClientID(c.ClientID)
	c.Credential = fmt.Sprintf("API key %s from %s", key.Name(), rk.Key.Source)
	return nil
}

// useToken: bearer auth (RSA3b). A JWT's claims are read for the checks before each call;
// a client ID asked for must be the token's, unless the token's is the wildcard.
func (c *Client) useToken(v resolve.Value, asked string) error {
	c.auth, c.token = rest.TokenAuth(v.Value), v.Value
	t, err := ablyauth.ReadJWT(v.Value)
	if errors.Is(err, ablyauth.ErrNotJWT) {
		c.Credential = "an Ably token from " + v.Source
		if !ablyauth.NoClientIDAsked(asked) {
			c.ClientID, c.MessageClientID = asked, asked
		}
		return nil
	}
	if err != nil {
		return exitcode.New(exitcode.Auth, "the token from %s: %v", v.Source, err)
	}
	c.JWT = &t
	c.Credential = fmt.Sprintf("an Ably JWT of key %s from %s", t.KeyName, v.Source)
	c.ClientID = t.ClientID
	switch {
	case asked == "" || asked == t.ClientID:
	case t.ClientID == ablyauth.WildcardClientID && !ablyauth.NoClientIDAsked(asked):
		c.ClientID, c.MessageClientID = asked, asked
	case ablyauth.NoClientIDAsked(asked) && t.ClientID == "":
	default:
		return exitcode.Usagef("--%s %q differs from the token's client ID %s: leave --%s out, or issue a token for that client ID (ably auth issue-jwt-token --client-id ...)",
			FlagClientID, asked, clientIDShown(t.ClientID), FlagClientID)
	}
	if c.ClientID == ablyauth.WildcardClientID { // acting as no one in particular
		c.ClientID = ""
	}
	return nil
}

// ParseKey parses a resolved API key and checks it is for the app asked for, if one was.
func ParseKey(rk resolve.Key) (ablyauth.Key, error) {
	key, err := ablyauth.ParseKey(rk.Key.Value)
	if err != nil {
		return ablyauth.Key{}, exitcode.Usagef("API key from %s: %v", rk.Key.Source, err)
	}
	if rk.App.Value != "" && key.AppID != rk.App.Value {
		asked, note := strconv.Quote(rk.App.Value), ""
		switch {
		case rk.AppName != "" && rk.AppName != rk.App.Value:
			asked = rk.AppLabel()
		case rk.UnknownTo != "":
			note = fmt.Sprintf(" (no app of profile %q has that name, so it is taken as an ID)", rk.UnknownTo)
		}
		return ablyauth.Key{}, exitcode.Usagef("the API key from %s is for app %q, but the app from %s is %s%s: use a key of app %s, or ask for app %q",
			rk.Key.Source, key.AppID, rk.App.Source, asked, note, asked, key.AppID)
	}
	return key, nil
}

// Allow refuses, before anything is sent, a call the credential cannot make: with an Ably
// JWT, one past its expiry or outside its capability (ablyauth.JWT.Check). A key's
// capability and an opaque token's are known only to Ably, which answers for them.
// channel "" is a call not on one channel.
func (c *Client) Allow(channel string, ops ...string) error {
	if c.JWT == nil {
		return nil
	}
	return c.JWT.Check(c.now(), channel, ops...)
}

// Do makes the call with the client's credential.
func (c *Client) Do(ctx context.Context, call rest.Call, out any) error {
	call.Auth = c.auth
	return c.REST.Do(ctx, call, out)
}

// DoPage makes a paginated call with the client's credential.
func (c *Client) DoPage(ctx context.Context, call rest.Call, out any) (rest.Page, error) {
	call.Auth = c.auth
	return c.REST.DoPage(ctx, call, out)
}

// Collect gathers items of type T from call and the pages after it until it has limit of
// them (limit <= 0: all) or the last page. hasMore says items were left: a next page, or
// more on the last one than limit.
func Collect[T any](ctx context.Context, c *Client, call rest.Call, limit int) (items []T, hasMore bool, err error) {
	for {
		var page []T
		p, err := c.DoPage(ctx, call, &page)
		if err != nil {
			return items, false, err
		}
		items = append(items, page...)
		if limit > 0 && len(items) >= limit {
			return items[:limit], len(items) > limit || p.HasNext(), nil
		}
		if !p.HasNext() || len(page) == 0 {
			return items, p.HasNext(), nil
		}
		call.Link = p.Next
	}
}
