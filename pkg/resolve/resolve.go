// Package resolve decides, in one place, the settings every command of the suite runs with:
// the profile, the access token, the API key, the app, the Control API host and the
// REST/Realtime endpoint. Each comes from the first of: a flag, the environment, the selected
// profile, a default (DESIGN §3); each answer says where it came from ("--app",
// "ABLY_APP_ID", "profile work", "default"), for --verbose and for errors.
//
// The config file is read only when an answer needs it, and then once: every later question,
// and whoever asks for the parsed file (Config), gets that same reading.
package resolve

import (
	"fmt"
	"time"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
)

// Names of the flags, shared by every command that takes them.
const (
	FlagProfile     = "profile"
	FlagAccessToken = "access-token"
	FlagAPIKey      = "api-key"
	FlagApp         = "app"
	FlagControlHost = "control-host"
	FlagEndpoint    = "endpoint"
	// FlagToken is a data-plane token: an Ably token or an Ably JWT.
	FlagToken = "token"
)

// Environment variables, one for each flag.
const (
	EnvProfile     = "ABLY_PROFILE"
	EnvAccessToken = "ABLY_ACCESS_TOKEN"
	EnvAPIKey      = "ABLY_API_KEY"
	EnvApp         = "ABLY_APP_ID"
	EnvControlHost = "ABLY_CONTROL_HOST"
	EnvEndpoint    = "ABLY_ENDPOINT"
	EnvToken       = "ABLY_TOKEN"
	EnvConfigDir   = config.EnvDir
)

// Defaults: Ably's production hosts.
const (
	DefaultControlHost = control.DefaultHost
	DefaultEndpoint    = "rest.ably.io"
)

// SourceDefault is the source of a value no flag, variable or profile gave.
const SourceDefault = "default"

// Flags are the values given on the command line; "" is not given.
type Flags struct {
	Profile, AccessToken, APIKey, App, ControlHost, Endpoint, Token string
}

// Value is a setting and where it came from: "--FLAG", "ENV_VAR", "profile ALIAS" or
// "default". Both are "" when nothing gave the setting and it has no default.
type Value struct {
	Value  string
	Source string
}

// Options set up a Resolver.
type Options struct {
	Flags  Flags
	Getenv func(string) string
	// Load reads the config file (config.Load when nil).
	Load func(path string) (*config.File, error)
	// Now is the clock OAuth expiries are read against (time.Now when nil).
	Now func() time.Time
	// Warn receives the config file's warnings (a file others can read), once, when it is
	// read. Nil drops them.
	Warn func(string)
}

// Resolver answers for one command run. It is not safe for concurrent use.
type Resolver struct {
	opt Options

	loaded  bool
	file    *config.File
	loadErr error
}

// New returns a Resolver; it reads nothing until asked.
func New(opt Options) *Resolver {
	if opt.Load == nil {
		opt.Load = config.Load
	}
	if opt.Getenv == nil {
		opt.Getenv = func(string) string { return "" }
	}
	return &Resolver{opt: opt}
}

// first is the rule every setting follows: the flag, else the variable.
func (r *Resolver) first(flagValue, flag, env string) Value {
	if flagValue != "" {
		return Value{flagValue, "--" + flag}
	}
	if v := r.opt.Getenv(env); v != "" {
		return Value{v, env}
	}
	return Value{}
}

// ConfigDir is the config directory: ABLY_CLI_CONFIG_DIR, else ~/.ably (config.Dir).
func ConfigDir(getenv func(string) string) (string, error) { return config.Dir(getenv) }

// ConfigPath is the config file's path.
func (r *Resolver) ConfigPath() (string, error) {
	dir, err := ConfigDir(r.opt.Getenv)
	if err != nil {
		return "", err
	}
	return config.PathIn(dir), nil
}

// Config is the config file, read on the first call only.
func (r *Resolver) Config() (*config.File, error) {
	if !r.loaded {
		r.loaded = true
		path, err := r.ConfigPath()
		if err == nil {
			r.file, err = r.opt.Load(path)
		}
		r.loadErr = err
		if err == nil && r.opt.Warn != nil {
			for _, w := range r.file.Warnings {
				r.opt.Warn(w)
			}
		}
	}
	return r.file, r.loadErr
}

// Profile is the selected profile.
type Profile struct {
	Alias   string
	Account config.Account
	Found   bool   // false: none named, and none is current
	Source  string // "--profile", "ABLY_PROFILE", "[current] account", or "" when not found
}

// Profile selects the profile: --profile, ABLY_PROFILE, else the config file's current
// account. A profile named that does not exist is an error listing those that do.
func (r *Resolver) Profile() (Profile, error) {
	named := r.first(r.opt.Flags.Profile, FlagProfile, EnvProfile)
	f, err := r.Config()
	if err != nil {
		return Profile{}, err
	}
	alias, acct, found, err := f.Select(named.Value)
	if err != nil || !found {
		return Profile{}, err
	}
	p := Profile{Alias: alias, Account: acct, Found: true, Source: named.Source}
	if p.Source == "" {
		p.Source = "[current] account"
	}
	return p, nil
}

// fromProfile is the source of a value the profile gave.
func fromProfile(p Profile) string { return "profile " + p.Alias }

// AccessToken is the Control API access token: --access-token, ABLY_ACCESS_TOKEN, else the
// profile's. The config file is read only when neither flag nor variable gives one.
func (r *Resolver) AccessToken() (Value, error) {
	if v := r.first(r.opt.Flags.AccessToken, FlagAccessToken, EnvAccessToken); v.Value != "" {
		return v, nil
	}
	p, err := r.Profile()
	if err != nil {
		return Value{}, err
	}
	if p.Found && p.Account.AuthMethod == config.AuthOAuth && p.Account.AccessToken == "" {
		return r.oauthToken(p)
	}
	if !p.Found || p.Account.AccessToken == "" {
		return Value{}, exitcode.New(exitcode.Auth, "no access token: run 'ably accounts login', set %s, or pass --%s (create a token on %s)",
			EnvAccessToken, FlagAccessToken, control.AccessTokensPage)
	}
	return Value{p.Account.AccessToken, fromProfile(p)}, nil
}

// OAuthExpiryMargin is how long before its recorded expiry an OAuth access token counts as
// expired, as the official CLI counts it.
const OAuthExpiryMargin = time.Minute

// oauthToken is the access token of a profile the official CLI logged in with OAuth: its
// session's, read and never changed (this suite does not refresh it).
func (r *Resolver) oauthToken(p Profile) (Value, error) {
	renew := fmt.Sprintf("log in again with the official CLI ('ably login'), or here with an access token ('ably accounts login --alias %s')", p.Alias)
	f, err := r.Config()
	if err != nil {
		return Value{}, err
	}
	s, ok := f.OAuthSession(p.Account.OAuthSessionKey)
	if !ok || s.AccessToken == "" {
		return Value{}, exitcode.New(exitcode.Auth, "profile %q was logged in with the official CLI's OAuth flow, but its session %q is not in %s: %s",
			p.Alias, p.Account.OAuthSessionKey, f.Path, renew)
	}
	if s.AccessTokenExpiresAt > 0 {
		expires := time.UnixMilli(s.AccessTokenExpiresAt)
		if !r.now().Before(expires.Add(-OAuthExpiryMargin)) {
			return Value{}, exitcode.New(exitcode.Auth, "the OAuth login of profile %q expired at %s: %s (the official CLI's 'ably login' refreshes it)",
				p.Alias, expires.UTC().Format(time.RFC3339), renew)
		}
	}
	return Value{s.AccessToken, OAuthSource(p.Alias)}, nil
}

// OAuthSource is the source of an access token from the OAuth session of profile alias.
func OAuthSource(alias string) string { return "the OAuth session of profile " + alias }

func (r *Resolver) now() time.Time {
	if r.opt.Now != nil {
		return r.opt.Now()
	}
	return time.Now()
}

// ControlHost is the Control API host (or base URL): --control-host, ABLY_CONTROL_HOST, the
// profile's controlHost, else control.ably.net.
func (r *Resolver) ControlHost() (Value, error) {
	return r.host(r.opt.Flags.ControlHost, FlagControlHost, EnvControlHost, DefaultControlHost,
		func(a config.Account) string { return a.ControlBase() })
}

// Endpoint is the REST/Realtime endpoint (a host or base URL): --endpoint, ABLY_ENDPOINT,
// the profile's endpoint, else rest.ably.io.
func (r *Resolver) Endpoint() (Value, error) {
	return r.host(r.opt.Flags.Endpoint, FlagEndpoint, EnvEndpoint, DefaultEndpoint,
		func(a config.Account) string { return a.Endpoint })
}

func (r *Resolver) host(flagValue, flag, env, def string, ofProfile func(config.Account) string) (Value, error) {
	if v := r.first(flagValue, flag, env); v.Value != "" {
		return v, nil
	}
	p, err := r.Profile()
	if err != nil {
		return Value{}, err
	}
	if h := ofProfile(p.Account); p.Found && h != "" {
		return Value{h, fromProfile(p)}, nil
	}
	return Value{def, SourceDefault}, nil
}
