// Package session sets up what a Control API command needs: the selected profile, the access
// token, the Control API host and a capability-aware client whose token details are cached in
// the profile. Every command group (ours and third parties') opens one the same way.
package session

import (
	"context"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/resolve"
)

// Flag names shared by every Control API command.
const (
	FlagAccessToken         = resolve.FlagAccessToken
	FlagControlHost         = resolve.FlagControlHost
	FlagSkipCapabilityCheck = "skip-capability-check"
)

// Flags are the flags of every Control API command.
func Flags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: FlagAccessToken, Usage: "the account access `TOKEN` (default: ABLY_ACCESS_TOKEN, else the profile's); prefer the environment, as arguments are visible to other users"},
		&cli.StringFlag{Name: FlagControlHost, Usage: "Control API `HOST`: a host name, or a full URL used as the base (default: ABLY_CONTROL_HOST, the profile's, else control.ably.net)"},
		&cli.BoolFlag{Name: FlagSkipCapabilityCheck, Usage: "send requests without first checking the token's capabilities (for tokens whose details cannot be read) (env ABLY_SKIP_CAPABILITY_CHECK)"},
	}
}

// Session is an opened Control API session.
type Session struct {
	Client      *control.Client
	Alias       string         // the profile used ("" when the token came from flag or environment)
	Account     config.Account // the profile's account (zero when none)
	ConfigPath  string
	TokenSource string // "--access-token", "ABLY_ACCESS_TOKEN" or "profile <alias>"

	resolver *resolve.Resolver
}

// Settings are what the user chose for a Control API command, read from its flags: the
// resolver's (profile, access token, Control host, app) and --skip-capability-check.
type Settings struct {
	resolve.Flags
	SkipCapabilityCheck bool
}

// SettingsOf reads a command's Settings from its flags (those it has).
func SettingsOf(c *cli.Context) Settings {
	return Settings{Flags: resolve.FlagsOf(c), SkipCapabilityCheck: c.Bool(FlagSkipCapabilityCheck)}
}

// Open is New for the running command: its context, Deps and Settings.
func Open(c *cli.Context) (*Session, error) {
	return New(c.Context, plugin.DepsOf(c), SettingsOf(c))
}

// New resolves profile, token and host from st, the environment and the config file (DESIGN
// §3, package resolve) and returns a session whose client sends through d's transport. It
// makes no request.
func New(ctx context.Context, d plugin.Deps, st Settings) (*Session, error) {
	return open(ctx, d, st, resolve.For(d, st.Flags))
}

func open(ctx context.Context, d plugin.Deps, st Settings, r *resolve.Resolver) (*Session, error) {
	env, out := d.Env, d.Out
	path, err := r.ConfigPath()
	if err != nil {
		return nil, err
	}
	s := &Session{ConfigPath: path, resolver: r}
	profile, err := r.Profile()
	if err != nil {
		return nil, err
	}
	if profile.Found {
		s.Alias, s.Account = profile.Alias, profile.Account
	}
	token, err := r.AccessToken()
	if err != nil {
		return nil, err
	}
	s.TokenSource = token.Source
	host, err := r.ControlHost()
	if err != nil {
		return nil, err
	}
	base, err := control.BaseURL(host.Value)
	if err != nil {
		return nil, err
	}
	timeout, err := Timeout(env.Getenv)
	if err != nil {
		return nil, err
	}
	opt := control.Options{
		BaseURL:             base,
		Token:               token.Value,
		Timeout:             timeout,
		Logf:                out.Verbosef,
		SkipCapabilityCheck: st.SkipCapabilityCheck || plugin.Truthy(env.Getenv("ABLY_SKIP_CAPABILITY_CHECK")),
		Transport:           env.Transport,
		Now:                 env.Now,
		OnError:             s.keepTokenCacheTrue,
	}
	if profile.Found && token.Value == profile.Account.AccessToken {
		opt.TokenStore = &profileStore{path: s.ConfigPath, alias: profile.Alias, token: token.Value, file: r.Config, ctx: ctx}
	}
	out.Verbosef("Control API %s, access token from %s", base, s.TokenSource)
	if s.Client, err = control.New(opt); err != nil {
		return nil, err
	}
	return s, nil
}

// Timeout is the bound of one Control API call, retries included, from ABLY_CONTROL_TIMEOUT
// (a duration such as 10s), or 0 for the client's default.
func Timeout(getenv func(string) string) (time.Duration, error) {
	v := getenv("ABLY_CONTROL_TIMEOUT")
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, exitcode.Usagef("ABLY_CONTROL_TIMEOUT=%q: want a positive duration such as 10s or 1m", v)
	}
	return d, nil
}

// AccountID is the account the session acts on: the profile's, else the token's (GET /me).
func (s *Session) AccountID(ctx context.Context) (string, error) {
	if s.Alias != "" && s.TokenSource == "profile "+s.Alias && s.Account.AccountID != "" {
		return s.Account.AccountID, nil
	}
	info, err := s.Client.TokenInfo(ctx)
	if err != nil {
		return "", err
	}
	return info.AccountID, nil
}
