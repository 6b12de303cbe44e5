package session

import (
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/resolve"
)

// FlagApp is the flag naming the app a command acts on.
const FlagApp = resolve.FlagApp

// AppFlag is the --app flag of every command that acts on one app.
func AppFlag() cli.Flag {
	return &cli.StringFlag{Name: FlagApp, Usage: "the app, by `NAME or ID` (default: ABLY_APP_ID, else the profile's current app)"}
}

// AppRef is the app a command acts on.
type AppRef = resolve.App

// App resolves the app a command acts on (resolve.Resolver.App): --app (a name or an ID),
// ABLY_APP_ID, else the profile's current app. An ID or a name the profile already knows
// costs no request; any other value is looked up with one listing of the account's apps (so
// it needs read:app).
func (s *Session) App(ctx context.Context) (AppRef, error) {
	return s.resolver.App(func(value, source string) (AppRef, error) {
		accountID, err := s.AccountID(ctx)
		if err != nil {
			return AppRef{}, err
		}
		apps, err := s.Client.ListApps(ctx, accountID)
		if err != nil {
			return AppRef{}, err
		}
		return matchApp(apps, value, source)
	})
}

// matchApp finds value among apps: an ID first, then a name (which must be unambiguous).
func matchApp(apps []control.App, value, source string) (AppRef, error) {
	for _, a := range apps {
		if a.ID == value {
			return AppRef{ID: a.ID, Name: a.Name, Source: source}, nil
		}
	}
	var named []control.App
	for _, a := range apps {
		if a.Name == value {
			named = append(named, a)
		}
	}
	switch len(named) {
	case 1:
		return AppRef{ID: named[0].ID, Name: named[0].Name, Source: source}, nil
	case 0:
		names := make([]string, 0, len(apps))
		for _, a := range apps {
			names = append(names, fmt.Sprintf("%s (%s)", a.Name, a.ID))
		}
		known := "the account has no apps"
		if len(names) > 0 {
			known = "apps: " + strings.Join(names, ", ")
		}
		return AppRef{}, exitcode.New(exitcode.NotFound, "no app named or with ID %q in this account (%s)", value, known)
	}
	ids := make([]string, len(named))
	for i, a := range named {
		ids[i] = a.ID
	}
	return AppRef{}, exitcode.Usagef("%d apps are named %q (%s): give the ID instead", len(named), value, strings.Join(ids, ", "))
}

// OpenApp is NewForApp for the running command.
func OpenApp(c *cli.Context, capability control.Capability, doing string) (*Session, AppRef, error) {
	return NewForApp(c.Context, plugin.DepsOf(c), SettingsOf(c), capability, doing)
}

// NewForApp opens a session for a command that acts on one app with the given operation: it
// refuses first, with no request, a token that lacks capability (looking the app up by name
// would need read:app and a listing, only to be refused after), then resolves the app.
// doing names the operation in the refusal, e.g. "list API keys".
func NewForApp(ctx context.Context, d plugin.Deps, st Settings, capability control.Capability, doing string) (*Session, AppRef, error) {
	s, err := New(ctx, d, st)
	if err != nil {
		return nil, AppRef{}, err
	}
	if err := s.Client.Check(ctx, capability, doing); err != nil {
		return nil, AppRef{}, err
	}
	ref, err := s.App(ctx)
	if err != nil {
		return nil, AppRef{}, err
	}
	return s, ref, nil
}

// AppLabel names an app in messages from its ID and name (which may be "").
func AppLabel(id, name string) string { return AppRef{ID: id, Name: name}.Label() }
