package authcli

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/resolve"
	"github.com/ably/ably-suite/pkg/rest"
)

func revokeTokenCommand() *cli.Command {
	return &cli.Command{
		Name:  "revoke-token",
		Usage: "Revoke the tokens issued to a client ID, or carrying a revocation key",
		Description: `Revokes, with Ably's REST API (POST /keys/{keyName}/revokeTokens, authenticated with the API
key), every token the key issued to a client ID (--client-id) or whose JWT carries a revocation key
(--revocation-key, the x-ably-revocation-key claim). Ably cannot revoke one token by its value.
The key must have revocable tokens enabled ('ably auth keys update KEY --revocable-tokens') before
the tokens were issued. The key comes from --api-key, ABLY_API_KEY, or the selected profile's key
for the app. Asks for confirmation on a terminal; --force is needed otherwise.

Examples:
   ably auth revoke-token --client-id userClientId
   ably auth revoke-token --client-id userClientId --force
   ably auth revoke-token --revocation-key group1 --allow-reauth-margin --force
   ably auth revoke-token --client-id userClientId --app xVLyHw --force --json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "client-id", Usage: "revoke every token issued to client `ID`"},
			&cli.StringFlag{Name: "revocation-key", Usage: "revoke every token carrying revocation `KEY`"},
			&cli.BoolFlag{Name: "allow-reauth-margin", Usage: "give connected clients 30 seconds to get a new token before the revocation applies"},
			&cli.StringFlag{Name: "app", Usage: "the `ID` of the app the tokens belong to (default: the key's app, or the profile's current app) (env ABLY_APP_ID)"},
			&cli.StringFlag{Name: "api-key", Usage: "revoke with `KEY`, the API key APPID.KEYID:SECRET that issued the tokens (default: ABLY_API_KEY, or the profile's key for the app)"},
			endpointFlag(),
			plugin.ForceFlag(),
		},
		Action: plugin.Action(revokeTokenOptionsOf, runRevokeToken),
	}
}

// revokeRequest is the body of POST /keys/{keyName}/revokeTokens.
type revokeRequest struct {
	Targets           []string `json:"targets"`
	AllowReauthMargin bool     `json:"allowReauthMargin,omitempty"`
}

// revokeResult is the REST API's batch answer: one result per target. It is printed as it
// came with --json.
type revokeResult struct {
	SuccessCount int            `json:"successCount"`
	FailureCount int            `json:"failureCount"`
	Results      []targetResult `json:"results"`
}

type targetResult struct {
	Target       string          `json:"target"`
	IssuedBefore int64           `json:"issuedBefore,omitempty"`
	AppliesAt    int64           `json:"appliesAt,omitempty"`
	Error        *rest.ErrorInfo `json:"error,omitempty"`
}

// revokeTokenOptions are what `auth revoke-token` was asked.
type revokeTokenOptions struct {
	Resolve           resolve.Flags // --app, --api-key, --endpoint and --profile
	Target            string        // as the API names it: clientId:ID or revocationKey:KEY
	What              string        // the target as people read it
	AllowReauthMargin bool
	Force             bool
}

func revokeTokenOptionsOf(c *cli.Context) (revokeTokenOptions, error) {
	o := revokeTokenOptions{Resolve: resolve.FlagsOf(c), AllowReauthMargin: c.Bool("allow-reauth-margin"), Force: c.Bool(plugin.FlagForce)}
	if c.Args().Present() {
		return o, exitcode.Usagef("unexpected argument %q: revoke-token takes only flags (--client-id ID or --revocation-key KEY)", c.Args().First())
	}
	var err error
	o.Target, o.What, err = revocationTarget(c)
	return o, err
}

// runRevokeToken resolves the key and the REST API, asks (unless forced), then sends the
// one revocation.
func runRevokeToken(ctx context.Context, d plugin.Deps, o revokeTokenOptions) error {
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
	if err := d.Confirm(ctx, o.Force, fmt.Sprintf("revoke every token of %s issued by key %s", o.What, key.Name())); err != nil {
		return err
	}
	var res revokeResult
	body := revokeRequest{Targets: []string{o.Target}, AllowReauthMargin: o.AllowReauthMargin}
	if err := client.Post(ctx, "revoke tokens", []string{"keys", key.Name(), "revokeTokens"}, rest.KeyAuth(key.Name(), key.Secret), body, &res); err != nil {
		return err
	}
	if len(res.Results) != 1 {
		return exitcode.New(exitcode.Network, "unexpected answer from the Ably REST API to the revocation: %d results for 1 target", len(res.Results))
	}
	if e := res.Results[0].Error; e != nil {
		return targetError(o.What, *e)
	}
	if out.IsJSON() {
		return out.JSON(res)
	}
	t := res.Results[0]
	out.Printf("Revoked the tokens of %s issued by key %s before %s; the revocation applies from %s.\n",
		o.What, key.Name(), output.Millis(t.IssuedBefore), output.Millis(t.AppliesAt))
	return nil
}

// revocationTarget is the one target asked for, as the API names it ("clientId:ID") and as
// people read it.
func revocationTarget(c *cli.Context) (target, what string, err error) {
	clientID, revocationKey := c.String("client-id"), c.String("revocation-key")
	switch {
	case c.IsSet("client-id") && c.IsSet("revocation-key"):
		return "", "", exitcode.Usagef("--client-id and --revocation-key cannot be used together: revoke one target at a time")
	case c.IsSet("client-id") && clientID == "":
		return "", "", exitcode.Usagef("--client-id is empty: give the client ID whose tokens to revoke")
	case c.IsSet("revocation-key") && revocationKey == "":
		return "", "", exitcode.Usagef("--revocation-key is empty: give the revocation key of the tokens to revoke")
	case clientID != "":
		return "clientId:" + clientID, fmt.Sprintf("client ID %q", clientID), nil
	case revocationKey != "":
		return "revocationKey:" + revocationKey, fmt.Sprintf("revocation key %q", revocationKey), nil
	}
	return "", "", exitcode.Usagef("nothing to revoke: give --client-id ID or --revocation-key KEY")
}

// targetError reports a target the API could not revoke, with the exit code of its status.
func targetError(what string, e rest.ErrorInfo) error {
	return rest.TargetError(fmt.Sprintf("the Ably REST API did not revoke the tokens of %s: %s", what, e.Message), e)
}
