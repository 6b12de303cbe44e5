package resolve

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// App is the app a command acts on.
type App struct {
	ID     string
	Name   string // "" when not known without a listing
	Source string // "--app", "ABLY_APP_ID" or "profile <alias>"
}

// Label names the app in messages: "prod" (abc123), or its ID alone when the name is not
// known.
func (a App) Label() string {
	if a.Name == "" {
		return a.ID
	}
	return fmt.Sprintf("%q (%s)", a.Name, a.ID)
}

// Lookup finds an app the profile does not know, by the name or ID the user gave (from
// source): commands with a Control API session list the account's apps; commands that work
// from the config file alone say what is missing.
type Lookup func(value, source string) (App, error)

// NoAppSelected is the error when nothing names an app.
func NoAppSelected() error {
	return exitcode.Usagef("no app selected: pass --%s NAME|ID, set %s, or choose one with 'ably apps switch'", FlagApp, EnvApp)
}

// App resolves the app a command acts on: --app (a name or an ID), ABLY_APP_ID, else the
// profile's current app. An ID, or a name the profile knows, needs nothing more; any other
// value goes to lookup.
func (r *Resolver) App(lookup Lookup) (App, error) {
	p, err := r.Profile()
	if err != nil {
		return App{}, err
	}
	app, selected, err := r.appOf(p, lookup)
	if err == nil && !selected {
		return App{}, NoAppSelected()
	}
	return app, err
}

// appOf is App for profile p; selected is false when nothing names an app.
func (r *Resolver) appOf(p Profile, lookup Lookup) (app App, selected bool, err error) {
	asked := r.first(r.opt.Flags.App, FlagApp, EnvApp)
	if asked.Value == "" {
		if !p.Found || p.Account.CurrentAppID == "" {
			return App{}, false, nil
		}
		id := p.Account.CurrentAppID
		return App{ID: id, Name: p.Account.Apps[id].AppName, Source: fromProfile(p)}, true, nil
	}
	app, known, err := knownApp(p, asked)
	if err != nil || known {
		return app, true, err
	}
	app, err = lookup(asked.Value, asked.Source)
	return app, true, err
}

// knownApp finds value among the profile's apps: an ID first, then a name, which must be
// unambiguous.
func knownApp(p Profile, asked Value) (App, bool, error) {
	if a, ok := p.Account.Apps[asked.Value]; ok {
		return App{ID: asked.Value, Name: a.AppName, Source: asked.Source}, true, nil
	}
	var named []string
	for id, a := range p.Account.Apps {
		if a.AppName == asked.Value {
			named = append(named, id)
		}
	}
	switch len(named) {
	case 0:
		return App{}, false, nil
	case 1:
		return App{ID: named[0], Name: asked.Value, Source: asked.Source}, true, nil
	}
	sort.Strings(named)
	return App{}, false, exitcode.Usagef("%d apps of profile %q are named %q (%s): give the ID instead",
		len(named), p.Alias, asked.Value, strings.Join(named, ", "))
}

// Key is the API key chosen, and the app it was asked for.
type Key struct {
	Key Value // APPID.KEYID:SECRET; never print Key.Value
	// App is the app asked for (its ID), to check the key against; empty when a key from
	// flag or environment came without --app or ABLY_APP_ID.
	App Value
	// AppName is the app's name when the profile knows it ("" otherwise), for messages.
	AppName string
	// UnknownTo is, for an app asked for beside a key from flag or environment that the
	// selected profile knows neither by ID nor by name, that profile's alias: the value is
	// then kept as an ID. "" otherwise.
	UnknownTo string
}

// AppLabel names the app asked for in messages: "My app" (abc123), or the ID alone.
func (k Key) AppLabel() string { return App{ID: k.App.Value, Name: k.AppName}.Label() }

// APIKey finds the API key: --api-key, ABLY_API_KEY, else the selected profile's key for the
// app (the app as App resolves it, names the profile knows included). With a key from flag
// or environment, the app is what --app or ABLY_APP_ID say: the config file is read only
// when that is not the key's own app ID, to find an app the profile knows by that name (an
// ID or name it does not know is kept as given, for the caller to check against the key).
func (r *Resolver) APIKey() (Key, error) {
	if v := r.first(r.opt.Flags.APIKey, FlagAPIKey, EnvAPIKey); v.Value != "" {
		return r.keyWithApp(v, r.first(r.opt.Flags.App, FlagApp, EnvApp))
	}
	p, err := r.Profile()
	if err != nil {
		return Key{}, err
	}
	if !p.Found {
		return Key{}, noKeyError("no profile is logged in")
	}
	app, selected, err := r.appOf(p, func(value, _ string) (App, error) {
		return App{}, noKeyError(fmt.Sprintf("profile %q has no API key for app %q", p.Alias, value))
	})
	switch {
	case err != nil:
		return Key{}, err
	case !selected:
		return Key{}, noKeyError(fmt.Sprintf("profile %q has no current app", p.Alias))
	}
	key := p.Account.Apps[app.ID].APIKey
	if key == "" {
		return Key{}, noKeyError(fmt.Sprintf("profile %q has no API key for app %q", p.Alias, app.ID))
	}
	return Key{Key: Value{key, fromProfile(p)}, App: Value{app.ID, app.Source}, AppName: app.Name}, nil
}

// keyWithApp is key, from flag or environment, with the app asked for beside it. The key's
// own app ID needs no config file; any other value may be the name of an app the selected
// profile knows (as App resolves names: a name two apps share is refused).
func (r *Resolver) keyWithApp(key, asked Value) (Key, error) {
	k := Key{Key: key, App: asked}
	if keyApp, _, _ := strings.Cut(key.Value, "."); asked.Value == "" || asked.Value == keyApp {
		return k, nil
	}
	p, err := r.Profile()
	if err != nil {
		return Key{}, err
	}
	if !p.Found {
		return k, nil
	}
	app, known, err := knownApp(p, asked)
	switch {
	case err != nil:
		return Key{}, err
	case known:
		k.App, k.AppName = Value{app.ID, asked.Source}, app.Name
	default:
		k.UnknownTo = p.Alias
	}
	return k, nil
}

func noKeyError(why string) error {
	return exitcode.Usagef("no API key: %s; pass --%s APPID.KEYID:SECRET, set %s, "+
		"or store a key for the app in a profile (ably auth keys switch)", why, FlagAPIKey, EnvAPIKey)
}
