package authcli

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/resolve"
)

// tokenInput is what both token commands (issue-jwt-token, issue-ably-token) take: the key
// to sign with and what the token grants.
type tokenInput struct {
	key        ablyauth.Key
	capability ablyauth.Capability
	clientID   string // "", ablyauth.NoClientID or an ID
	ttl        time.Duration
}

// parseTokenInput checks the token commands' flags, in the order a user fixes them: output
// flags, TTL, capability, client ID, then the key.
func parseTokenInput(c *cli.Context, out *output.Printer, r *resolve.Resolver) (tokenInput, error) {
	if c.Args().Present() {
		return tokenInput{}, exitcode.Usagef("unexpected argument %q: %s takes only flags", c.Args().First(), c.Command.Name)
	}
	if c.Bool("token-only") && out.IsJSON() {
		return tokenInput{}, exitcode.Usagef("--token-only cannot be combined with --json or --pretty-json: choose one")
	}
	var in tokenInput
	var err error
	if in.ttl, err = parseTTL(c.String("ttl")); err != nil {
		return in, err
	}
	if in.capability, err = parseCapabilityFlag("capability", c.String("capability")); err != nil {
		return in, err
	}
	in.clientID = c.String("client-id")
	if c.IsSet("client-id") && in.clientID == "" {
		return in, exitcode.Usagef(`--client-id is empty: give a client ID, or "none" for a token without one`)
	}
	in.key, err = signingKey(r, out)
	return in, err
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
func printIssuedToken(c *cli.Context, out *output.Printer, t issuedToken, heading, typeLabel string) error {
	if c.Bool("token-only") {
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
