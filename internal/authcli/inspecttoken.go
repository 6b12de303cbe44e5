package authcli

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// maxStdinToken caps what `inspect-token -` reads: a JWT with a large capability is a few
// KiB, so anything past this is not one token.
const maxStdinToken = 64 << 10

func inspectTokenCommand() *cli.Command {
	return &cli.Command{
		Name:      "inspect-token",
		Usage:     "Show what an Ably JWT grants, whether it has expired, and whether its signature is good",
		ArgsUsage: "[TOKEN]",
		Description: `Decodes an Ably JWT locally (no network call) and shows its app, key, client ID,
capability, issue and expiry times, and its signature checked with the key at hand: --api-key,
ABLY_API_KEY, else the selected profile's key for the token's app. A signature that does not
match the key the token names exits 4, after the details. The token itself is never printed.

TOKEN defaults to ABLY_TOKEN; "-" reads it from stdin.

With --channel and --operation, answers whether the token may do that operation on that
channel, by Ably's capability rules: exit 0 when it may, 5 when it may not, 4 when it has
expired. An opaque Ably token (not a JWT) is known only to Ably: its capability cannot be
checked locally, so --channel with one exits 1.

Examples:
   ably auth inspect-token
   ably auth inspect-token "$TOKEN"
   ably auth issue-jwt-token --token-only | ably auth inspect-token -
   ably auth inspect-token --channel chat:1 --operation publish
   ably auth inspect-token --json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "api-key", Usage: "verify the signature with `KEY`, an API key APPID.KEYID:SECRET (default: ABLY_API_KEY, or the profile's key for the token's app)"},
			&cli.StringFlag{Name: "channel", Usage: "check the token may use the channel `NAME` (with --operation)"},
			&cli.StringFlag{Name: "operation", Usage: "the capability operation `OP` to check on --channel, such as publish, subscribe, history or presence"},
		},
		Action: plugin.Action(inspectOptionsOf, runInspectToken),
	}
}

// inspectOptions are what inspect-token was asked. The token is found by the run function,
// which holds the environment and stdin.
type inspectOptions struct {
	Arg       string // the TOKEN argument: "" for ABLY_TOKEN, "-" for stdin
	Resolve   resolve.Flags
	Channel   string
	Operation string // "" when Channel is ""
}

func inspectOptionsOf(c *cli.Context) (inspectOptions, error) {
	o := inspectOptions{Arg: c.Args().First(), Resolve: resolve.FlagsOf(c),
		Channel: c.String("channel"), Operation: c.String("operation")}
	if c.Args().Len() > 1 {
		return o, exitcode.Usagef("inspect-token takes one TOKEN, got %d arguments", c.Args().Len())
	}
	if c.IsSet("channel") != c.IsSet("operation") {
		return o, exitcode.Usagef("--channel and --operation go together: give both, e.g. --channel chat:1 --operation publish")
	}
	if c.IsSet("channel") && o.Channel == "" {
		return o, exitcode.Usagef("--channel is empty: give a channel name, e.g. chat:1")
	}
	if c.IsSet("operation") {
		if err := checkOperation(o.Operation); err != nil {
			return o, err
		}
	}
	return o, nil
}

// checkOperation accepts one known capability operation, with the suggestion
// ParseCapability gives for anything else.
func checkOperation(op string) error {
	if op == "*" || op == "" {
		return exitcode.Usagef("--operation takes one operation: %s", strings.Join(ablyauth.Operations(), ", "))
	}
	if err := ablyauth.CheckOperation(op); err != nil {
		return exitcode.Usagef("--operation %q is not a capability operation: %v", op, err)
	}
	return nil
}

// inspected is the --json form of an inspected token (README.md lists the fields). For an
// opaque Ably token only type and signature are known; the rest are null.
type inspected struct {
	Type         string              `json:"type"` // "jwt" or "ably"
	AppID        *string             `json:"appId"`
	KeyName      *string             `json:"keyName"`
	ClientID     *string             `json:"clientId"`
	Capability   ablyauth.Capability `json:"capability"`
	IssuedAt     *string             `json:"issuedAt"`
	ExpiresAt    *string             `json:"expiresAt"`
	Expired      *bool               `json:"expired"`
	TTLRemaining *int64              `json:"ttlRemaining"` // seconds, 0 when expired
	Signature    string              `json:"signature"`    // "verified", "unverified" or "mismatch"
	VerifiedWith *string             `json:"verifiedWith"`
	Check        *inspectCheck       `json:"check,omitempty"`
}

type inspectCheck struct {
	Channel   string `json:"channel"`
	Operation string `json:"operation"`
	Allowed   bool   `json:"allowed"`
}

// signature is the outcome of checking a JWT's signature with the key at hand.
type signature struct {
	state string // "verified", "unverified" or "mismatch"
	line  string // the Signature line of the details
	key   string // the key's name, for verified and mismatch
	err   error  // the exit 4 error of a mismatch
}

func runInspectToken(_ context.Context, d plugin.Deps, o inspectOptions) error {
	token, source, err := inspectedToken(d, o.Arg)
	if err != nil {
		return err
	}
	d.Out.Verbosef("inspecting the token from %s", source)
	t, err := ablyauth.ReadJWT(token)
	if errors.Is(err, ablyauth.ErrNotJWT) {
		return inspectOpaque(d.Out, o)
	}
	if err != nil {
		return exitcode.New(exitcode.Auth, "the token from %s: %v", source, err)
	}
	now := d.Now()
	sig, err := checkSignature(d, o.Resolve, t)
	if err != nil {
		return err
	}
	var checkErr error
	res := inspected{
		Type: "jwt", AppID: &t.AppID, KeyName: &t.KeyName, Capability: t.Capability,
		Signature: sig.state, Expired: ptr(t.Expired(now)),
	}
	if sig.key != "" && sig.state == "verified" {
		res.VerifiedWith = &sig.key
	}
	if t.ClientID != "" {
		res.ClientID = &t.ClientID
	}
	if !t.IssuedAt.IsZero() {
		res.IssuedAt = ptr(output.Time(t.IssuedAt))
	}
	if !t.ExpiresAt.IsZero() {
		res.ExpiresAt = ptr(output.Time(t.ExpiresAt))
		res.TTLRemaining = ptr(max(int64(t.ExpiresAt.Sub(now)/time.Second), 0))
	}
	if o.Channel != "" {
		checkErr = t.Check(now, o.Channel, o.Operation)
		res.Check = &inspectCheck{Channel: o.Channel, Operation: o.Operation, Allowed: checkErr == nil}
	}
	if err := printInspected(d.Out, res, t, now, sig); err != nil {
		return err
	}
	// A forged or altered token is the worse news, so it wins over the capability's answer.
	if sig.err != nil {
		return sig.err
	}
	if checkErr != nil {
		return checkErr
	}
	if o.Channel != "" && !d.Out.IsJSON() {
		return d.Out.Printf("allowed: the token may %s\n", ablyauth.Doing(o.Operation, o.Channel))
	}
	return nil
}

func inspectOpaque(out *output.Printer, o inspectOptions) error {
	if o.Channel != "" {
		return exitcode.New(exitcode.Failure, "cannot check --channel and --operation: the token is an opaque Ably token, whose capability is known only to Ably and cannot be checked locally (an Ably JWT can be)")
	}
	if out.IsJSON() {
		return out.JSON(inspected{Type: "ably", Signature: "unverified"})
	}
	return out.Details([]output.Field{{Label: "Type", Value: "Ably token (opaque: its details are known only to Ably)"}})
}

func printInspected(out *output.Printer, res inspected, t ablyauth.JWT, now time.Time, sig signature) error {
	if out.IsJSON() {
		return out.JSON(res)
	}
	client, issued, expires, left := "none", "not stated (no iat claim)", "never (no exp claim)", "unlimited"
	if res.ClientID != nil {
		client = *res.ClientID
	}
	if res.IssuedAt != nil {
		issued = *res.IssuedAt
	}
	if res.ExpiresAt != nil {
		expires = *res.ExpiresAt
		if t.Expired(now) {
			left = "expired " + ablyauth.ShortDuration(now.Sub(t.ExpiresAt)) + " ago"
		} else {
			left = ablyauth.ShortDuration(t.ExpiresAt.Sub(now))
		}
	}
	return out.Details([]output.Field{
		{Label: "Type", Value: "Ably JWT"},
		{Label: "App", Value: t.AppID},
		{Label: "Key name", Value: t.KeyName},
		{Label: "Client ID", Value: client},
		{Label: "Capability", Value: t.Capability.Summary()},
		{Label: "Issued", Value: issued},
		{Label: "Expires", Value: expires},
		{Label: "Time left", Value: left},
		{Label: "Signature", Value: sig.line},
	})
}

// inspectedToken finds the token: the argument, "-" for one token on stdin, else ABLY_TOKEN.
// Errors never contain the token.
func inspectedToken(d plugin.Deps, arg string) (token, source string, err error) {
	switch arg {
	case "":
		token, source = d.Getenv(resolve.EnvToken), resolve.EnvToken
		if token == "" {
			return "", "", exitcode.Usagef(`no token: give TOKEN, "-" to read it from stdin, or set %s`, resolve.EnvToken)
		}
	case "-":
		data, err := io.ReadAll(io.LimitReader(d.Stdin, maxStdinToken+1))
		if err != nil {
			return "", "", fmt.Errorf("reading the token from stdin: %w", err)
		}
		if len(data) > maxStdinToken {
			return "", "", exitcode.Usagef("stdin holds more than %d KiB: give one token", maxStdinToken>>10)
		}
		token, source = strings.TrimSpace(string(data)), "stdin"
		if token == "" {
			return "", "", exitcode.Usagef(`stdin is empty: pipe a token in, e.g. ably auth issue-jwt-token --token-only | ably auth inspect-token -`)
		}
	default:
		token, source = arg, "the TOKEN argument"
	}
	switch {
	case strings.ContainsAny(token, " \t\r\n"):
		return "", "", exitcode.Usagef("the token from %s holds spaces: give one token", source)
	case strings.Contains(token, ":"):
		// APPID.KEYID:SECRET: a key, not a token; the secret is not repeated.
		return "", "", exitcode.Usagef("the token from %s is not a token but looks like an API key (APPID.KEYID:SECRET): see 'ably auth keys get' for keys", source)
	case !printable(token):
		return "", "", exitcode.Usagef("the token from %s holds characters no Ably token or JWT has", source)
	}
	return token, source, nil
}

// printable reports that s is visible ASCII only, as every Ably token and JWT is.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// checkSignature checks t with the key at hand: --api-key, ABLY_API_KEY, else the selected
// profile's key for the token's app. No key, or a key other than the one the token names,
// is "not verified", not an error.
func checkSignature(d plugin.Deps, f resolve.Flags, t ablyauth.JWT) (signature, error) {
	v, err := verifyingKey(d, f, t.AppID)
	if err != nil {
		return signature{}, err
	}
	if v.Value == "" {
		return signature{state: "unverified",
			line: fmt.Sprintf("not verified: no API key at hand for app %s (pass --api-key)", t.AppID)}, nil
	}
	key, err := dataplane.ParseKey(resolve.Key{Key: v})
	if err != nil {
		return signature{}, err
	}
	d.Out.Verbosef("checking the signature with key %s from %s", key.Name(), v.Source)
	switch {
	case key.AppID != t.AppID:
		return signature{state: "unverified",
			line: fmt.Sprintf("not verified: the key %s from %s is of app %s, not the token's app %s", key.Name(), v.Source, key.AppID, t.AppID)}, nil
	case key.Name() != t.KeyName:
		return signature{state: "unverified",
			line: fmt.Sprintf("not verified: the token names key %s, not %s from %s", t.KeyName, key.Name(), v.Source)}, nil
	}
	if err := ablyauth.VerifyJWT(t.Token, key); err != nil {
		return signature{state: "mismatch", key: key.Name(),
			line: fmt.Sprintf("does not match key %s from %s", key.Name(), v.Source),
			err:  exitcode.New(exitcode.Auth, "%v (the key from %s): the token was not signed with that key's secret, or was altered", err, v.Source)}, nil
	}
	return signature{state: "verified", key: key.Name(),
		line: fmt.Sprintf("verified with key %s from %s", key.Name(), v.Source)}, nil
}

// verifyingKey is the key to check a token of app with; Value "" when there is none. A
// profile without a key for the app is no key, not an error.
func verifyingKey(d plugin.Deps, f resolve.Flags, app string) (resolve.Value, error) {
	if f.APIKey != "" {
		return resolve.Value{Value: f.APIKey, Source: "--" + resolve.FlagAPIKey}, nil
	}
	if k := d.Getenv(resolve.EnvAPIKey); k != "" {
		return resolve.Value{Value: k, Source: resolve.EnvAPIKey}, nil
	}
	p, err := resolve.For(d, f).Profile()
	if err != nil || !p.Found {
		return resolve.Value{}, err
	}
	return resolve.Value{Value: p.Account.Apps[app].APIKey, Source: "profile " + p.Alias}, nil
}

func ptr[T any](v T) *T { return &v }
