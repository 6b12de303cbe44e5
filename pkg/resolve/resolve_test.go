package resolve

import (
	"errors"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/exitcode"
)

// fixture is a config file held in memory, and a count of its reads.
type fixture struct {
	current  string
	accounts map[string]config.Account
	loads    int
}

func (fx *fixture) load(path string) (*config.File, error) {
	fx.loads++
	return config.New(path, fx.current, fx.accounts)
}

// layers says which sources give the setting in one row of the table.
type layers struct{ flag, env, profile bool }

// setting is one value the resolver decides, with a way to give it at each layer.
type setting struct {
	name    string
	flag    func(*Flags, string)
	env     string
	profile func(*config.Account, string)
	get     func(*Resolver) (Value, error)
	def     string // "" when there is no default: the last row is an error
	noneErr int    // exit code of that error
}

var settings = []setting{
	{
		name: "access token", env: EnvAccessToken,
		flag:    func(f *Flags, v string) { f.AccessToken = v },
		profile: func(a *config.Account, v string) { a.AccessToken = v },
		get:     (*Resolver).AccessToken, noneErr: exitcode.Auth,
	},
	{
		name: "API key", env: EnvAPIKey,
		flag: func(f *Flags, v string) { f.APIKey = v },
		profile: func(a *config.Account, v string) {
			a.CurrentAppID = "appP"
			a.Apps = map[string]config.App{"appP": {APIKey: v}}
		},
		get: func(r *Resolver) (Value, error) {
			k, err := r.APIKey()
			return k.Key, err
		},
		noneErr: exitcode.Usage,
	},
	{
		name: "app", env: EnvApp,
		flag:    func(f *Flags, v string) { f.App = v },
		profile: func(a *config.Account, v string) { a.CurrentAppID = v },
		get: func(r *Resolver) (Value, error) {
			app, err := r.App(func(value, source string) (App, error) { return App{ID: value, Source: source}, nil })
			return Value{app.ID, app.Source}, err
		},
		noneErr: exitcode.Usage,
	},
	{
		name: "control host", env: EnvControlHost,
		flag:    func(f *Flags, v string) { f.ControlHost = v },
		profile: func(a *config.Account, v string) { a.ControlHost = v },
		get:     (*Resolver).ControlHost, def: "control.ably.net",
	},
	{
		name: "endpoint", env: EnvEndpoint,
		flag:    func(f *Flags, v string) { f.Endpoint = v },
		profile: func(a *config.Account, v string) { a.Endpoint = v },
		get:     (*Resolver).Endpoint, def: "rest.ably.io",
	},
}

// Every row of flag, then environment, then profile, then default, for every value: each
// row also sets every lower layer, so it proves the order.
func TestOrderOfEverySetting(t *testing.T) {
	rows := []struct {
		name   string
		layers layers
		want   Value
	}{
		{"flag", layers{true, true, true}, Value{"from-flag", "--"}},
		{"environment", layers{false, true, true}, Value{"from-env", "$"}},
		{"profile", layers{false, false, true}, Value{"from-profile", "profile work"}},
		{"default", layers{}, Value{"", SourceDefault}},
	}
	for _, s := range settings {
		for _, row := range rows {
			t.Run(s.name+"/"+row.name, func(t *testing.T) {
				var flags Flags
				env := map[string]string{EnvConfigDir: "/cfg"}
				var acct config.Account
				if row.layers.flag {
					s.flag(&flags, "from-flag")
				}
				if row.layers.env {
					env[s.env] = "from-env"
				}
				if row.layers.profile {
					s.profile(&acct, "from-profile")
				}
				fx := &fixture{current: "work", accounts: map[string]config.Account{"work": acct}}
				r := New(Options{Flags: flags, Getenv: func(k string) string { return env[k] }, Load: fx.load})
				got, err := s.get(r)

				want := row.want
				switch want.Source {
				case "--":
					want.Source = "--" + flagName(s)
				case "$":
					want.Source = s.env
				case SourceDefault:
					if s.def == "" {
						if exitcode.Of(err) != s.noneErr {
							t.Fatalf("nothing given: got %+v, %v; want an error with exit %d", got, err, s.noneErr)
						}
						return
					}
					want.Value = s.def
				}
				if err != nil || got != want {
					t.Fatalf("got %+v, %v; want %+v", got, err, want)
				}
			})
		}
	}
}

// flagName is the flag a setting's flag setter sets, found by setting it.
func flagName(s setting) string {
	var f Flags
	s.flag(&f, "x")
	switch {
	case f.AccessToken != "":
		return FlagAccessToken
	case f.APIKey != "":
		return FlagAPIKey
	case f.App != "":
		return FlagApp
	case f.ControlHost != "":
		return FlagControlHost
	case f.Endpoint != "":
		return FlagEndpoint
	}
	return "?"
}

func TestProfileOrder(t *testing.T) {
	accounts := map[string]config.Account{"cur": {}, "env": {}, "flag": {}}
	for _, row := range []struct {
		flag, env        string
		want, wantSource string
	}{
		{"flag", "env", "flag", "--profile"},
		{"", "env", "env", "ABLY_PROFILE"},
		{"", "", "cur", "[current] account"},
	} {
		fx := &fixture{current: "cur", accounts: accounts}
		r := New(Options{Flags: Flags{Profile: row.flag}, Getenv: func(k string) string {
			if k == EnvProfile {
				return row.env
			}
			return ""
		}, Load: fx.load})
		p, err := r.Profile()
		if err != nil || !p.Found || p.Alias != row.want || p.Source != row.wantSource {
			t.Errorf("%+v: got %+v, %v", row, p, err)
		}
	}
	// None current: not found, not an error. A profile named that does not exist: an error.
	fx := &fixture{accounts: accounts}
	if p, err := New(Options{Load: fx.load}).Profile(); err != nil || p.Found {
		t.Errorf("no current profile: %+v, %v", p, err)
	}
	if _, err := New(Options{Flags: Flags{Profile: "nope"}, Load: fx.load}).Profile(); exitcode.Of(err) != exitcode.NotFound {
		t.Errorf("unknown profile: %v", err)
	}
}

// The config file is read at most once, however many questions are asked, and not at all
// when flags and environment answer.
func TestConfigIsReadOnceAndOnlyWhenNeeded(t *testing.T) {
	fx := &fixture{current: "work", accounts: map[string]config.Account{"work": {AccessToken: "t", ControlHost: "h"}}}
	env := map[string]string{EnvAPIKey: "a.b:c", EnvAccessToken: "tok"}
	r := New(Options{Flags: Flags{ControlHost: "flag-host"}, Getenv: func(k string) string { return env[k] }, Load: fx.load})
	if _, err := r.APIKey(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.AccessToken(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ControlHost(); err != nil {
		t.Fatal(err)
	}
	if fx.loads != 0 {
		t.Fatalf("the config file was read %d times though flags and environment gave everything", fx.loads)
	}
	for range 3 {
		if _, err := r.Endpoint(); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Profile(); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Config(); err != nil {
			t.Fatal(err)
		}
	}
	if fx.loads != 1 {
		t.Fatalf("the config file was read %d times", fx.loads)
	}
}

// A read error is reported to every question that needs the file, and the warnings of a
// good file reach Warn once.
func TestLoadErrorAndWarnings(t *testing.T) {
	bad := errors.New("config file x, line 3: bad")
	r := New(Options{Load: func(string) (*config.File, error) { return nil, bad }, Getenv: func(k string) string { return map[string]string{EnvConfigDir: "/c"}[k] }})
	if _, err := r.AccessToken(); !errors.Is(err, bad) {
		t.Errorf("AccessToken: %v", err)
	}
	if _, err := r.Endpoint(); !errors.Is(err, bad) {
		t.Errorf("Endpoint: %v", err)
	}
	var warned []string
	fx := &fixture{}
	r = New(Options{Warn: func(w string) { warned = append(warned, w) }, Load: func(p string) (*config.File, error) {
		f, err := fx.load(p)
		if f != nil {
			f.Warnings = []string{"readable by others"}
		}
		return f, err
	}})
	_, _ = r.Profile()
	_, _ = r.Endpoint()
	if strings.Join(warned, "|") != "readable by others" {
		t.Errorf("warnings %q", warned)
	}
}

// The --app rule: an ID or a name the profile knows needs no lookup; other values go to the
// lookup with their source; a name two apps share is refused.
func TestAppByNameOrID(t *testing.T) {
	acct := config.Account{CurrentAppID: "id1", Apps: map[string]config.App{
		"id1": {AppName: "prod"}, "id2": {AppName: "staging"}, "id3": {AppName: "staging"},
	}}
	fx := &fixture{current: "work", accounts: map[string]config.Account{"work": acct}}
	var looked []string
	lookup := func(v, src string) (App, error) {
		looked = append(looked, v+" "+src)
		return App{ID: "remote", Name: v, Source: src}, nil
	}
	app := func(flag, env string) (App, error) {
		return New(Options{Flags: Flags{App: flag}, Load: fx.load, Getenv: func(k string) string {
			if k == EnvApp {
				return env
			}
			return ""
		}}).App(lookup)
	}
	if a, err := app("id2", ""); err != nil || a != (App{"id2", "staging", "--app"}) {
		t.Errorf("by ID: %+v %v", a, err)
	}
	if a, err := app("", "prod"); err != nil || a != (App{"id1", "prod", "ABLY_APP_ID"}) {
		t.Errorf("by name: %+v %v", a, err)
	}
	if a, err := app("", ""); err != nil || a != (App{"id1", "prod", "profile work"}) {
		t.Errorf("current: %+v %v", a, err)
	}
	if _, err := app("staging", ""); exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "(id2, id3)") {
		t.Errorf("ambiguous: %v", err)
	}
	if len(looked) != 0 {
		t.Errorf("lookups for known apps: %v", looked)
	}
	if a, err := app("elsewhere", ""); err != nil || a.ID != "remote" || strings.Join(looked, ",") != "elsewhere --app" {
		t.Errorf("unknown: %+v %v %v", a, err, looked)
	}
}

// The app an API key is for: from flag or environment with a key from there (the profile
// is not read), else as App resolves it in the profile, names included.
func TestAPIKeyApp(t *testing.T) {
	acct := config.Account{CurrentAppID: "id1", Apps: map[string]config.App{
		"id1": {AppName: "prod", APIKey: "id1.k:s"}, "id2": {AppName: "dev", APIKey: "id2.k:s"}, "id3": {AppName: "nokey"},
	}}
	fx := &fixture{current: "work", accounts: map[string]config.Account{"work": acct}}
	for _, row := range []struct {
		flags   Flags
		wantKey Value
		wantApp Value
		wantErr string
	}{
		{Flags{APIKey: "x.y:z"}, Value{"x.y:z", "--api-key"}, Value{}, ""},
		{Flags{APIKey: "x.y:z", App: "x"}, Value{"x.y:z", "--api-key"}, Value{"x", "--app"}, ""},
		{Flags{}, Value{"id1.k:s", "profile work"}, Value{"id1", "profile work"}, ""},
		{Flags{App: "dev"}, Value{"id2.k:s", "profile work"}, Value{"id2", "--app"}, ""},
		{Flags{App: "id3"}, Value{}, Value{}, `no API key: profile "work" has no API key for app "id3"`},
		{Flags{App: "other"}, Value{}, Value{}, `no API key: profile "work" has no API key for app "other"`},
	} {
		k, err := New(Options{Flags: row.flags, Load: fx.load}).APIKey()
		if row.wantErr != "" {
			if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), row.wantErr) {
				t.Errorf("%+v: err %v", row.flags, err)
			}
			continue
		}
		if err != nil || k.Key != row.wantKey || k.App != row.wantApp {
			t.Errorf("%+v: got %+v, %v", row.flags, k, err)
		}
	}
	if fx.loads != 4 {
		t.Errorf("%d reads for 4 resolutions from the profile", fx.loads)
	}
	none := &fixture{}
	if _, err := New(Options{Load: none.load}).APIKey(); !strings.Contains(err.Error(), "no profile is logged in") {
		t.Errorf("no profile: %v", err)
	}
	nocur := &fixture{current: "w", accounts: map[string]config.Account{"w": {}}}
	if _, err := New(Options{Load: nocur.load}).APIKey(); !strings.Contains(err.Error(), `profile "w" has no current app`) {
		t.Errorf("no current app: %v", err)
	}
}

// With a key from flag or environment, --app or ABLY_APP_ID may name an app the profile
// knows, as App resolves names; the key's own app ID needs no config file read.
func TestAPIKeyAppNameWithKeyFromFlagOrEnv(t *testing.T) {
	acct := config.Account{CurrentAppID: "id1", Apps: map[string]config.App{
		"id1": {AppName: "prod"}, "id2": {AppName: "My app"}, "id3": {AppName: "twin"}, "id4": {AppName: "twin"},
	}}
	fx := &fixture{current: "work", accounts: map[string]config.Account{"work": acct}}
	for _, row := range []struct {
		flags    Flags
		env      map[string]string
		wantApp  Value
		wantName string
		wantErr  string
		reads    int
	}{
		{flags: Flags{APIKey: "id2.k:s", App: "id2"}, wantApp: Value{"id2", "--app"}},
		{flags: Flags{APIKey: "id2.k:s", App: "My app"}, wantApp: Value{"id2", "--app"}, wantName: "My app", reads: 1},
		{env: map[string]string{EnvAPIKey: "id2.k:s", EnvApp: "My app"}, wantApp: Value{"id2", EnvApp}, wantName: "My app", reads: 1},
		{flags: Flags{APIKey: "id2.k:s", App: "prod"}, wantApp: Value{"id1", "--app"}, wantName: "prod", reads: 1},
		{flags: Flags{APIKey: "id2.k:s", App: "id1"}, wantApp: Value{"id1", "--app"}, wantName: "prod", reads: 1},
		// Unknown to the profile: kept as given, for the caller to check against the key.
		{flags: Flags{APIKey: "id2.k:s", App: "elsewhere"}, wantApp: Value{"elsewhere", "--app"}, reads: 1},
		{flags: Flags{APIKey: "id2.k:s", App: "twin"}, wantErr: `2 apps of profile "work" are named "twin" (id3, id4)`, reads: 1},
		{flags: Flags{APIKey: "id2.k:s", App: "My app", Profile: "nope"}, wantErr: `no profile "nope"`, reads: 1},
	} {
		fx.loads = 0
		env := row.env
		k, err := New(Options{Flags: row.flags, Load: fx.load, Getenv: func(k string) string { return env[k] }}).APIKey()
		if fx.loads != row.reads {
			t.Errorf("%+v %v: %d reads of the config file, want %d", row.flags, row.env, fx.loads, row.reads)
		}
		if row.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), row.wantErr) {
				t.Errorf("%+v %v: err %v, want %q", row.flags, row.env, err, row.wantErr)
			}
			continue
		}
		if err != nil || k.App != row.wantApp || k.AppName != row.wantName || k.Key.Value != "id2.k:s" {
			t.Errorf("%+v %v: got %+v, %v", row.flags, row.env, k, err)
		}
		if unknown := row.wantApp.Value == "elsewhere"; (k.UnknownTo == "work") != unknown || (!unknown && k.UnknownTo != "") {
			t.Errorf("%+v %v: UnknownTo %q", row.flags, row.env, k.UnknownTo)
		}
	}
	// No profile at all: the value is kept as given.
	none := &fixture{}
	k, err := New(Options{Flags: Flags{APIKey: "id2.k:s", App: "My app"}, Load: none.load}).APIKey()
	if err != nil || k.App != (Value{"My app", "--app"}) || k.AppName != "" || k.UnknownTo != "" {
		t.Errorf("no profile: %+v, %v", k, err)
	}
}
