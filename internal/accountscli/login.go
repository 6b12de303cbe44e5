package accountscli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func loginCommand() *cli.Command {
	return &cli.Command{
		Name:  "login",
		Usage: "Log in to an account with an access token and store it as a profile",
		Description: `Checks the access token with the Control API (GET /me) and stores it, with the
account's details and the token's capabilities, under an alias. The first login becomes the
current profile.

The token comes from --token, ABLY_ACCESS_TOKEN, or standard input: piped, or typed at a
hidden prompt. Create tokens on ` + control.AccessTokensPage + `.

Examples:
   ably accounts login                               # prompts for the token
   ably accounts login --alias work < token.txt
   ABLY_ACCESS_TOKEN=... ably accounts login --alias ci`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "token", Usage: "the access `TOKEN` (prefer ABLY_ACCESS_TOKEN or standard input: arguments are visible to other users)"},
			&cli.StringFlag{Name: "alias", Usage: "store the profile as `NAME` (default: made from the account's name)"},
			&cli.StringFlag{Name: session.FlagControlHost, Usage: "Control API `HOST` for this profile (default: ABLY_CONTROL_HOST, else control.ably.net)"},
		},
		Action: plugin.Action(loginOptionsOf, runLogin),
	}
}

// loginOptions are what `accounts login` was asked. Login has its own --control-host rather
// than the session's: it may log into a profile that does not exist yet, and a host given
// here is stored in the profile.
type loginOptions struct {
	Token       string  // --token; "" to take it from ABLY_ACCESS_TOKEN or standard input
	Alias       string  // --alias, checked; "" to make one from the account's name
	ControlHost *string // --control-host; nil when not given (the profile keeps its host)
}

func loginOptionsOf(c *cli.Context) (loginOptions, error) {
	var o loginOptions
	if c.Args().Present() {
		return o, exitcode.Usagef("unexpected argument %q: login takes the token from --token, ABLY_ACCESS_TOKEN or standard input", c.Args().First())
	}
	o.Alias = c.String("alias")
	if c.IsSet("alias") && !validAlias(o.Alias) {
		return o, exitcode.Usagef("--alias %q: an alias is letters, digits, '-' and '_'", o.Alias)
	}
	o.Token = c.String("token")
	if c.IsSet("token") && o.Token == "" {
		return o, exitcode.Usagef("--token is empty: give the access token, or leave --token out to be asked for it")
	}
	if c.IsSet(session.FlagControlHost) {
		host := c.String(session.FlagControlHost)
		o.ControlHost = &host
	}
	return o, nil
}

// loginResult is the --json form of a login (and of one profile).
type loginResult struct {
	Alias   string   `json:"alias"`
	Current bool     `json:"current"`
	Account idName   `json:"account"`
	User    user     `json:"user"`
	Token   tokenOut `json:"token"`
}

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type user struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
}

type tokenOut struct {
	ID           string               `json:"id"`
	Name         string               `json:"name"`
	Capabilities []control.Capability `json:"capabilities"`
	ExpiresAt    *string              `json:"expiresAt"` // null: never expires
}

func runLogin(ctx context.Context, d plugin.Deps, o loginOptions) error {
	out := d.Out
	token, err := readToken(ctx, d, o.Token)
	if err != nil {
		return err
	}
	var host string
	if o.ControlHost != nil {
		host = *o.ControlHost
	}
	if host == "" {
		host = d.Getenv("ABLY_CONTROL_HOST")
	}
	base, err := control.BaseURL(host)
	if err != nil {
		return err
	}
	timeout, err := session.Timeout(d.Getenv)
	if err != nil {
		return err
	}
	client, err := control.New(control.Options{BaseURL: base, Token: token, Timeout: timeout, Logf: out.Verbosef, Now: d.Now, Transport: d.Transport})
	if err != nil {
		return err
	}
	info, err := client.Me(ctx)
	if err != nil {
		return err
	}
	if info.ExpiresAt != nil && !info.ExpiresAt.After(d.Now()) {
		return exitcode.New(exitcode.Auth, "access token %q expired at %s: nothing was stored; create a new one on %s and log in with it",
			info.TokenName, output.Time(*info.ExpiresAt), control.AccessTokensPage)
	}
	alias := o.Alias
	if alias == "" {
		alias = aliasFor(info)
	}

	path, err := configPath(d)
	if err != nil {
		return err
	}
	var current bool
	err = config.Update(ctx, path, func(f *config.File) error {
		a, exists := f.Account(alias)
		if exists && a.AccountID != "" && a.AccountID != info.AccountID {
			return exitcode.Usagef("profile %q is already logged in to account %q (%s): choose another --alias, or 'ably accounts logout %s' first",
				alias, a.AccountName, a.AccountID, alias)
		}
		// Logging in again to the same account (e.g. with a rotated token) keeps the
		// profile's apps and keys.
		a.AccessToken = token
		a.AuthMethod, a.OAuthSessionKey = "", "" // now an access token's profile, whatever it was
		// The token was checked against host (--control-host, the global flag's
		// ABLY_CONTROL_HOST, else production): later commands must send it there too.
		a.SetControlBase(host)
		session.ApplyTokenInfo(&a, info)
		if err := f.PutAccount(alias, a); err != nil {
			return err
		}
		if f.CurrentAlias() == "" {
			f.SetCurrent(alias)
		}
		current = f.CurrentAlias() == alias
		return nil
	})
	if err != nil {
		return err
	}
	// The token is stored now: say if others can read where it went.
	for _, w := range config.PermissionWarnings(path) {
		out.Warnf("%s", w)
	}
	res := profileResult(alias, current, info)
	if out.IsJSON() {
		return out.JSON(res)
	}
	out.Printf("Logged in to account %s (%s) as %s.\n", info.AccountName, info.AccountID, info.UserEmail)
	note := ""
	if !current {
		note = fmt.Sprintf(" (switch to it with 'ably accounts switch %s')", alias)
	} else {
		note = " (current)"
	}
	out.Printf("Profile %q%s, token %q: %s.\n", alias, note, info.TokenName, expiryText(info))
	if len(info.Capabilities) == 0 {
		out.Warnf("this token has no capabilities: it can run no Control API command; add some on %s", control.AccessTokensPage)
	}
	return nil
}

func profileResult(alias string, current bool, info *control.TokenInfo) loginResult {
	res := loginResult{
		Alias: alias, Current: current,
		Account: idName{ID: info.AccountID, Name: info.AccountName},
		User:    user{ID: info.UserID, Email: info.UserEmail},
		Token:   tokenOut{ID: info.TokenID, Name: info.TokenName, Capabilities: info.Capabilities},
	}
	if res.Token.Capabilities == nil {
		res.Token.Capabilities = []control.Capability{}
	}
	if info.ExpiresAt != nil {
		s := output.Time(*info.ExpiresAt)
		res.Token.ExpiresAt = &s
	}
	return res
}

func expiryText(info *control.TokenInfo) string {
	if info.ExpiresAt == nil {
		return "never expires"
	}
	return "expires " + output.Time(*info.ExpiresAt)
}

// readToken takes the token from --token (flagToken), ABLY_ACCESS_TOKEN, or standard input (a
// hidden prompt on a terminal).
func readToken(ctx context.Context, d plugin.Deps, flagToken string) (string, error) {
	if flagToken != "" {
		return flagToken, nil
	}
	if t := d.Getenv("ABLY_ACCESS_TOKEN"); t != "" {
		d.Out.Verbosef("access token from ABLY_ACCESS_TOKEN")
		return t, nil
	}
	if d.StdinTTY {
		t, err := d.Prompter().Hidden(ctx, fmt.Sprintf("Paste an access token (create one on %s): ", control.AccessTokensPage))
		if err != nil {
			return "", err
		}
		return checkToken(t)
	}
	line, err := bufio.NewReader(io.LimitReader(d.Stdin, 64<<10)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("reading the token from standard input: %w", err)
	}
	return checkToken(line)
}

func checkToken(t string) (string, error) {
	t = strings.TrimSpace(t)
	if t == "" {
		return "", exitcode.Usagef("no access token: pass --token, set ABLY_ACCESS_TOKEN, or give it on standard input (create one on %s)", control.AccessTokensPage)
	}
	if strings.ContainsFunc(t, unicode.IsSpace) {
		return "", exitcode.Usagef("the access token holds whitespace: give the token alone")
	}
	return t, nil
}

// aliasFor makes an alias from the account's name ("Free account" → "free-account"), or its
// ID when the name has no letters or digits.
func aliasFor(info *control.TokenInfo) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(info.AccountName) {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	alias := strings.TrimSuffix(b.String(), "-")
	if alias == "" {
		alias = info.AccountID
	}
	return alias
}

func validAlias(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
