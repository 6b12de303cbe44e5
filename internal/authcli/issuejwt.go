package authcli

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/resolve"
)

const defaultTTL = "3600"

func issueJWTTokenCommand() *cli.Command {
	return &cli.Command{
		Name:  "issue-jwt-token",
		Usage: "Create an Ably JWT with the given capabilities, signed with an API key",
		Description: `Signs an Ably JWT locally with the app's API key: no network call is made.
The key comes from --api-key, ABLY_API_KEY, or the selected profile's key for the app.

Capability operations: ` + strings.Join(ablyauth.Operations(), ", ") + `, or "*" for all.

Examples:
   ably auth issue-jwt-token
   ably auth issue-jwt-token --capability '{"my-channel":["publish","subscribe"]}'
   ably auth issue-jwt-token --token-only
   ably auth issue-jwt-token --capability '{"chat:*":["publish","subscribe"], "status:*":["subscribe"]}' --ttl 3600
   ably auth issue-jwt-token --client-id client123 --ttl 86400
   ABLY_TOKEN="$(ably auth issue-jwt-token --token-only)" ably channels publish my-channel "Hello"
   ably auth issue-jwt-token --json
   ably auth issue-jwt-token --pretty-json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "app", Usage: "the app to issue the token for, by `NAME or ID` (a name of an app the profile knows; default: the key's app, else the profile's current app) (env ABLY_APP_ID)"},
			&cli.StringFlag{Name: "api-key", Usage: "sign with `KEY`, an API key APPID.KEYID:SECRET (default: ABLY_API_KEY, or the profile's key for the app)"},
			&cli.StringFlag{Name: "capability", Value: ablyauth.DefaultCapability, DefaultText: ablyauth.DefaultCapability, Usage: "the token's capabilities as `JSON` (resource name to operations, listed above), or operations for every channel such as publish,subscribe"},
			&cli.StringFlag{Name: "client-id", Usage: `the client ` + "`ID`" + ` of the token; "none" (any letter case) for no client ID (default: a generated ably-cli-<8 hex>)`},
			&cli.StringFlag{Name: "ttl", Value: defaultTTL, DefaultText: defaultTTL, Usage: "the token's time to live in `SECONDS`"},
			&cli.BoolFlag{Name: "token-only", Usage: "output only the token string"},
		},
		Action: plugin.Action(tokenOptionsOf, runIssueJWTToken),
	}
}

// runIssueJWTToken signs the JWT locally: it makes no request.
func runIssueJWTToken(_ context.Context, d plugin.Deps, o tokenOptions) error {
	out := d.Out
	key, err := signingKey(resolve.For(d, o.Resolve), out)
	if err != nil {
		return err
	}
	issuer := ablyauth.Issuer{Now: d.Now, Rand: d.Rand}
	tok, err := issuer.Issue(key, ablyauth.JWTRequest{Capability: o.Capability, ClientID: o.ClientID, TTL: o.TTL})
	if err != nil {
		return err
	}
	out.Verbosef("signed JWT with key %s: ttl %ds, client ID %q, capability %s", tok.KeyName, int64(o.TTL/time.Second), tok.ClientID, tok.Capability.JSON())
	res := issuedToken{
		Token: tok.Token, Type: "jwt", AppID: tok.AppID, KeyName: tok.KeyName, Capability: tok.Capability,
		TTL: int64(o.TTL / time.Second), IssuedAt: output.Time(tok.IssuedAt), ExpiresAt: output.Time(tok.ExpiresAt),
	}
	if tok.ClientID != "" {
		res.ClientID = &tok.ClientID
	}
	return printIssuedToken(out, o.TokenOnly, res, "Ably JWT issued", "JWT")
}

// signingKey resolves and parses the API key, and checks it belongs to the app asked for.
func signingKey(r *resolve.Resolver, out *output.Printer) (ablyauth.Key, error) {
	rk, err := r.APIKey()
	if err != nil {
		return ablyauth.Key{}, err
	}
	key, err := dataplane.ParseKey(rk)
	if err != nil {
		return ablyauth.Key{}, err
	}
	out.Verbosef("using API key %s from %s", key.Name(), rk.Key.Source)
	return key, nil
}

// maxTTLSeconds keeps iat+ttl within time.Duration.
const maxTTLSeconds = math.MaxInt64 / int64(time.Second)

func parseTTL(s string) (time.Duration, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, exitcode.Usagef("--ttl must be a positive whole number of seconds, e.g. 3600; got %q", s)
	}
	if n > maxTTLSeconds {
		return 0, exitcode.Usagef("--ttl %d is too large: at most %d seconds", n, maxTTLSeconds)
	}
	return time.Duration(n) * time.Second, nil
}
