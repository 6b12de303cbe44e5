package authcli

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/resolve"
)

// tokenOptions are what both token commands (issue-jwt-token, issue-ably-token) were asked:
// where the signing key (and, for an Ably token, the REST API) comes from, and what the
// token grants.
type tokenOptions struct {
	Resolve    resolve.Flags // --app, --api-key, --endpoint and --profile
	Capability ablyauth.Capability
	ClientID   string // "", ablyauth.NoClientID or an ID
	TTL        time.Duration
	TokenOnly  bool
}

// tokenOptionsOf checks the token commands' flags, in the order a user fixes them: output
// flags, TTL, capability, then client ID. The key is resolved by the run function, after.
func tokenOptionsOf(c *cli.Context) (tokenOptions, error) {
	o := tokenOptions{Resolve: resolve.FlagsOf(c), TokenOnly: c.Bool("token-only")}
	if c.Args().Present() {
		return o, exitcode.Usagef("unexpected argument %q: %s takes only flags", c.Args().First(), c.Command.Name)
	}
	if o.TokenOnly && plugin.Printer(c).IsJSON() {
		return o, exitcode.Usagef("--token-only cannot be combined with --json or --pretty-json: choose one")
	}
	var err error
	if o.TTL, err = parseTTL(c.String("ttl")); err != nil {
		return o, err
	}
	if o.Capability, err = parseCapabilityFlag("capability", c.String("capability")); err != nil {
		return o, err
	}
	o.ClientID = c.String("client-id")
	if c.IsSet("client-id") && o.ClientID == "" {
		return o, exitcode.Usagef(`--client-id is empty: give a client ID, or "none" for a token without one`)
	}
	return o, nil
}

// issuedToken is the --json form of an issued token, JWT or Ably token (README.md lists the
// fields).
type issuedToken struct {
	Token      string              `json:"token"`
	Type       string              `json:"type"` // "jwt" or "ably"
	AppID      string              `json:"appId"`
	KeyName    string              `json:"keyName"`
	ClientID   *string             `json:"clientId"` // null for a token without one
	Capability ablyauth.Capability `json:"capability"`
	IssuedAt   string              `json:"issuedAt"`
	ExpiresAt  string              `json:"expiresAt"`
	TTL        int64               `json:"ttl"` // seconds
}

// printIssuedToken prints the token alone (--token-only), as JSON, or as labelled details
// under heading with the type shown as typeLabel.
func printIssuedToken(out *output.Printer, tokenOnly bool, t issuedToken, heading, typeLabel string) error {
	if tokenOnly {
		return out.Printf("%s\n", t.Token)
	}
	if out.IsJSON() {
		return out.JSON(t)
	}
	clientShown := "none"
	if t.ClientID != nil {
		clientShown = *t.ClientID
	}
	out.Heading(heading)
	return out.Details([]output.Field{
		{Label: "Token", Value: t.Token},
		{Label: "Type", Value: typeLabel},
		{Label: "App", Value: t.AppID},
		{Label: "Key name", Value: t.KeyName},
		{Label: "Client ID", Value: clientShown},
		{Label: "Capability", Value: t.Capability.JSON()},
		{Label: "Issued", Value: t.IssuedAt},
		{Label: "Expires", Value: t.ExpiresAt},
		{Label: "TTL", Value: fmt.Sprintf("%d seconds (%s)", t.TTL, time.Duration(t.TTL)*time.Second)},
	})
}
