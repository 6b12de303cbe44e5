package appscli

import (
	"context"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/session"
)

// requireProfile refuses a command that records its outcome in a profile when there is none
// (the token came from the environment and no profile is selected).
func requireProfile(s *session.Session, command string) error {
	if s.Alias == "" {
		return exitcode.New(exitcode.Auth, "%s needs a logged-in profile to remember the app in: run 'ably accounts login' first", command)
	}
	return nil
}

// setCurrentApp makes the app the profile's current one and records its name.
func setCurrentApp(ctx context.Context, s *session.Session, appID, name string) error {
	return config.Update(ctx, s.ConfigPath, func(f *config.File) error {
		a, ok := f.Account(s.Alias)
		if !ok {
			return exitcode.New(exitcode.NotFound, "profile %q is gone from %s (logged out meanwhile?): log in again", s.Alias, s.ConfigPath)
		}
		a.CurrentAppID = appID
		rememberAppName(&a, appID, name)
		return f.PutAccount(s.Alias, a)
	})
}

// saveAppName records an app's name in the profile, so later commands need no lookup.
func saveAppName(ctx context.Context, s *session.Session, appID, name string) error {
	return config.Update(ctx, s.ConfigPath, func(f *config.File) error {
		a, ok := f.Account(s.Alias)
		if !ok {
			return nil
		}
		rememberAppName(&a, appID, name)
		return f.PutAccount(s.Alias, a)
	})
}

func rememberAppName(a *config.Account, appID, name string) {
	if a.Apps == nil {
		a.Apps = map[string]config.App{}
	}
	app := a.Apps[appID]
	app.AppName = name
	a.Apps[appID] = app
}

// forgetApp drops a deleted app from the profile (its stored key is useless now) and clears
// it as the current app. wasCurrent reports whether it was.
func forgetApp(ctx context.Context, s *session.Session, appID string) (wasCurrent bool, err error) {
	if s.Alias == "" {
		return false, nil
	}
	_, known := s.Account.Apps[appID]
	if !known && s.Account.CurrentAppID != appID {
		return false, nil
	}
	err = config.Update(ctx, s.ConfigPath, func(f *config.File) error {
		a, ok := f.Account(s.Alias)
		if !ok {
			return nil
		}
		if a.CurrentAppID == appID {
			a.CurrentAppID, wasCurrent = "", true
		}
		delete(a.Apps, appID)
		return f.PutAccount(s.Alias, a)
	})
	return wasCurrent, err
}

// lookupAppName finds an app's name with one listing of the account's apps.
func lookupAppName(ctx context.Context, s *session.Session, appID string) (string, error) {
	accountID, err := s.AccountID(ctx)
	if err != nil {
		return "", err
	}
	apps, err := s.Client.ListApps(ctx, accountID)
	if err != nil {
		return "", err
	}
	for _, a := range apps {
		if a.ID == appID {
			return a.Name, nil
		}
	}
	return "", exitcode.New(exitcode.NotFound, "no app with ID %q in account %s (deleted?): choose another with 'ably apps switch NAME|ID' (see 'ably apps list')", appID, accountID)
}
