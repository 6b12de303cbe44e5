package config

import (
	"fmt"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// KeyQuery is what the user gave to choose an API key and app (DESIGN §3).
type KeyQuery struct {
	APIKeyFlag string              // --api-key
	AppFlag    string              // --app
	Profile    string              // --profile or ABLY_PROFILE ("" for the current account)
	Getenv     func(string) string // ABLY_API_KEY, ABLY_APP_ID, ABLY_CLI_CONFIG_DIR, HOME
}

// ResolvedKey is the API key chosen, the app asked for, and where each came from.
type ResolvedKey struct {
	APIKey    string   // APPID.KEYID:SECRET; never print it
	Source    string   // "--api-key", "ABLY_API_KEY" or "profile <alias>"
	App       string   // the app asked for by --app or ABLY_APP_ID, or the profile's current app
	AppSource string   // "--app", "ABLY_APP_ID", "profile <alias>" or "" when none was asked for
	Warnings  []string // the config file's, when it was read
}

// ResolveAPIKey finds the API key to use, highest first: --api-key, ABLY_API_KEY, the
// selected profile's key for the app. The app is --app, ABLY_APP_ID, else the profile's
// current app. The config file is read only when neither flag nor environment gives a key.
func ResolveAPIKey(q KeyQuery) (ResolvedKey, error) {
	r := ResolvedKey{App: q.AppFlag, AppSource: "--app"}
	if r.App == "" {
		r.App, r.AppSource = q.Getenv("ABLY_APP_ID"), "ABLY_APP_ID"
	}
	if r.App == "" {
		r.AppSource = ""
	}
	switch {
	case q.APIKeyFlag != "":
		r.APIKey, r.Source = q.APIKeyFlag, "--api-key"
		return r, nil
	case q.Getenv("ABLY_API_KEY") != "":
		r.APIKey, r.Source = q.Getenv("ABLY_API_KEY"), "ABLY_API_KEY"
		return r, nil
	}

	dir, err := Dir(q.Getenv)
	if err != nil {
		return r, err
	}
	f, err := Load(PathIn(dir))
	if err != nil {
		return r, err
	}
	r.Warnings = f.Warnings
	alias, acct, found, err := f.Select(q.Profile)
	if err != nil {
		return r, err
	}
	if !found {
		return r, noKeyError("no profile is logged in")
	}
	if r.App == "" {
		r.App, r.AppSource = acct.CurrentAppID, "profile "+alias
	}
	if r.App == "" {
		return r, noKeyError(fmt.Sprintf("profile %q has no current app", alias))
	}
	app, ok := acct.Apps[r.App]
	if !ok || app.APIKey == "" {
		return r, noKeyError(fmt.Sprintf("profile %q has no API key for app %q", alias, r.App))
	}
	r.APIKey, r.Source = app.APIKey, "profile "+alias
	return r, nil
}

func noKeyError(why string) error {
	return exitcode.Usagef("no API key: %s; pass --api-key APPID.KEYID:SECRET, set ABLY_API_KEY, "+
		"or store a key for the app in a profile (ably auth keys switch)", why)
}
