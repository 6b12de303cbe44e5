package authcli

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/resolve"
	"github.com/ably/ably-suite/pkg/rest"
)

func issueAblyTokenCommand() *cli.Command {
	return &cli.Command{
		Name:  "issue-ably-token",
		Usage: "Request an Ably token with the given capabilities, with a token request signed by an API key",
		Description: `Signs a token request locally with the app's API key (the secret never leaves this machine)
and redeems it with Ably's REST API (POST /keys/{keyName}/requestToken) for an Ably token.
The key comes from --api-key, ABLY_API_KEY, or the selected profile's key for the app. The REST
API is --endpoint, ABLY_ENDPOINT, else rest.ably.io.

` + capabilityHelp + `
Operations: ` + strings.Join(ablyauth.Operations(), ", ") + `, or "*" for all.
A token's capability must lie within the key's.

Examples:
   ably auth issue-ably-token
   ably auth issue-ably-token --capability '{"my-channel":["publish","subscribe"]}'
   ably auth issue-ably-token --capability subscribe --client-id none --ttl 600
   ably auth issue-ably-token --client-id client123 --ttl 86400
   ABLY_TOKEN="$(ably auth issue-ably-token --token-only)" ably channels publish my-channel "Hello"
   ably auth issue-ably-token --json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "app", Usage: "the app to issue the token for, by `NAME or ID` (a name of an app the profile knows; default: the key's app, else the profile's current app) (env ABLY_APP_ID)"},
			&cli.StringFlag{Name: "api-key", Usage: "sign with `KEY`, an API key APPID.KEYID:SECRET (default: ABLY_API_KEY, or the profile's key for the app)"},
			&cli.StringFlag{Name: "capability", Value: ablyauth.DefaultCapability, DefaultText: ablyauth.DefaultCapability, Usage: "the token's capabilities as `JSON` or short form"},
			&cli.StringFlag{Name: "client-id", Usage: `the client ` + "`ID`" + ` of the token; "none" (any letter case) for no client ID (default: a generated ably-cli-<8 hex>)`},
			&cli.StringFlag{Name: "ttl", Value: defaultTTL, DefaultText: defaultTTL, Usage: "the token's time to live in `SECONDS`"},
			&cli.BoolFlag{Name: "token-only", Usage: "output only the token string"},
			endpointFlag(),
		},
		Action: plugin.Action(tokenOptionsOf, runIssueAblyToken),
	}
}

// tokenDetails is the REST API's answer to a token request (TokenDetails).
type tokenDetails struct {
	Token      string `json:"token"`
	KeyName    string `json:"keyName"`
	Issued     int64  `json:"issued"`
	Expires    int64  `json:"expires"`
	Capability string `json:"capability"`
	ClientID   string `json:"clientId"`
}

// runIssueAblyToken signs a token request locally and redeems it with the REST API.
func runIssueAblyToken(ctx context.Context, d plugin.Deps, o tokenOptions) error {
	out := d.Out
	r := resolve.For(d, o.Resolve)
	key, err := signingKey(r, out)
	if err != nil {
		return err
	}
	client, err := openREST(d, r)
	if err != nil {
		return err
	}
	issuer := ablyauth.Issuer{Now: d.Now, Rand: d.Rand}
	req, err := issuer.TokenRequest(key, ablyauth.TokenParams{Capability: o.Capability, ClientID: o.ClientID, TTL: o.TTL})
	if err != nil {
		return err
	}
	out.Verbosef("signed a token request with key %s: ttl %dms, client ID %q, capability %s", req.KeyName, req.TTL, req.ClientID, req.Capability)
	var td tokenDetails
	if err := client.Post(ctx, "issue an Ably token", []string{"keys", key.Name(), "requestToken"}, rest.Auth{}, req, &td); err != nil {
		return err
	}
	if td.Token == "" {
		return exitcode.New(exitcode.Network, "unexpected answer from the Ably REST API to the token request: no token in it")
	}
	return printIssuedToken(out, o.TokenOnly, tokenResult(td, key, o.Capability), "Ably token issued", "Ably token")
}

// tokenResult describes the token as the REST API issued it; the capability asked for
// stands in when the answer's cannot be read.
func tokenResult(td tokenDetails, key ablyauth.Key, asked ablyauth.Capability) issuedToken {
	res := issuedToken{
		Token: td.Token, Type: "ably", AppID: key.AppID, KeyName: key.Name(), Capability: asked,
		IssuedAt: output.Time(time.UnixMilli(td.Issued)), ExpiresAt: output.Time(time.UnixMilli(td.Expires)),
		TTL: (td.Expires - td.Issued) / 1000,
	}
	if td.KeyName != "" {
		res.KeyName = td.KeyName
	}
	if td.ClientID != "" {
		res.ClientID = &td.ClientID
	}
	var granted ablyauth.Capability
	if json.Unmarshal([]byte(td.Capability), &granted) == nil && len(granted) > 0 {
		res.Capability = granted
	}
	return res
}
