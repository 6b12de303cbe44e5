package authcli

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
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
			&cli.StringFlag{Name: "app", Usage: "the `ID` of the app to issue the token for (default: the key's app, or the profile's current app) (env ABLY_APP_ID)"},
			&cli.StringFlag{Name: "api-key", Usage: "sign with `KEY`, an API key APPID.KEYID:SECRET (default: ABLY_API_KEY, or the profile's key for the app)"},
			&cli.StringFlag{Name: "capability", Value: ablyauth.DefaultCapability, DefaultText: ablyauth.DefaultCapability, Usage: "the token's capabilities as `JSON` or short form"},
			&cli.StringFlag{Name: "client-id", Usage: `the client ` + "`ID`" + ` of the token; "none" for no client ID (default: a generated ably-cli-<8 hex>)`},
			&cli.StringFlag{Name: "ttl", Value: defaultTTL, DefaultText: defaultTTL, Usage: "the token's time to live in `SECONDS`"},
			&cli.BoolFlag{Name: "token-only", Usage: "output only the token string"},
			endpointFlag(),
		},
		Action: issueAblyToken,
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

// ablyTokenResult is the --json form of an issued Ably token, shaped like issue-jwt-token's.
type ablyTokenResult struct {
	Token      string              `json:"token"`
	Type       string              `json:"type"` // "ably"
	AppID      string              `json:"appId"`
	KeyName    string              `json:"keyName"`
	ClientID   *string             `json:"clientId"`
	Capability ablyauth.Capability `json:"capability"`
	IssuedAt   string              `json:"issuedAt"`
	ExpiresAt  string              `json:"expiresAt"`
	TTL        int64               `json:"ttl"` // seconds
}

func issueAblyToken(c *cli.Context) error {
	out := plugin.Printer(c)
	env := plugin.EnvOf(c)
	if c.Args().Present() {
		return exitcode.Usagef("unexpected argument %q: issue-ably-token takes only flags", c.Args().First())
	}
	if c.Bool("token-only") && out.IsJSON() {
		return exitcode.Usagef("--token-only cannot be combined with --json or --pretty-json: choose one")
	}
	ttl, err := parseTTL(c.String("ttl"))
	if err != nil {
		return err
	}
	capability, err := parseCapabilityFlag("capability", c.String("capability"))
	if err != nil {
		return err
	}
	clientID := c.String("client-id")
	if c.IsSet("client-id") && clientID == "" {
		return exitcode.Usagef(`--client-id is empty: give a client ID, or "none" for a token without one`)
	}
	key, err := signingKey(c, env, out)
	if err != nil {
		return err
	}
	rest, err := openREST(c)
	if err != nil {
		return err
	}

	issuer := ablyauth.Issuer{Now: env.Now, Rand: env.Rand}
	req, err := issuer.TokenRequest(key, ablyauth.TokenParams{Capability: capability, ClientID: clientID, TTL: ttl})
	if err != nil {
		return err
	}
	out.Verbosef("signed a token request with key %s: ttl %dms, client ID %q, capability %s", req.KeyName, req.TTL, req.ClientID, req.Capability)
	var td tokenDetails
	if err := rest.post(c.Context, "issue an Ably token", []string{"keys", key.Name(), "requestToken"}, basicAuth{}, req, &td); err != nil {
		return err
	}
	if td.Token == "" {
		return exitcode.New(exitcode.Network, "unexpected answer from the Ably REST API to the token request: no token in it")
	}

	if c.Bool("token-only") {
		_, err := fmt.Fprintln(out.Out, td.Token)
		return err
	}
	res := tokenResult(td, key, capability)
	if out.IsJSON() {
		return out.JSON(res)
	}
	clientShown := "none"
	if res.ClientID != nil {
		clientShown = *res.ClientID
	}
	out.Heading("Ably token issued")
	return out.Details([]output.Field{
		{Label: "Token", Value: res.Token},
		{Label: "Type", Value: "Ably token"},
		{Label: "App", Value: res.AppID},
		{Label: "Key name", Value: res.KeyName},
		{Label: "Client ID", Value: clientShown},
		{Label: "Capability", Value: res.Capability.JSON()},
		{Label: "Issued", Value: res.IssuedAt},
		{Label: "Expires", Value: res.ExpiresAt},
		{Label: "TTL", Value: fmt.Sprintf("%d seconds (%s)", res.TTL, time.Duration(res.TTL)*time.Second)},
	})
}

// tokenResult describes the token as the REST API issued it; the capability asked for
// stands in when the answer's cannot be read.
func tokenResult(td tokenDetails, key ablyauth.Key, asked ablyauth.Capability) ablyTokenResult {
	res := ablyTokenResult{
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
