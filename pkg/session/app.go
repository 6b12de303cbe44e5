package session

import (
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
)

// FlagApp is the flag naming the app a command acts on.
const FlagApp = "app"

// AppFlag is the --app flag of every command that acts on one app.
func AppFlag() cli.Flag {
	return &cli.StringFlag{Name: FlagApp, Usage: "the app, by `NAME or ID` (default: ABLY_APP_ID, else the profile's current app)"}
}

// AppRef is the app a command acts on.
type AppRef struct {
	ID     string
	Name   string // "" when not known without a listing
	Source string // "--app", "ABLY_APP_ID" or "profile <alias>"
}

// App resolves the app a command acts on: --app (a name or an ID), ABLY_APP_ID, else the
// profile's current app. An ID or a name the profile already knows costs no request; any
// other value is looked up with one listing of the account's apps (so it needs read:app).
func (s *Session) App(ctx context.Context, c *cli.Context) (AppRef, error) {
	value, source := c.String(FlagApp), "--"+FlagApp
	if value == "" {
		value, source = plugin.EnvOf(c).Getenv("ABLY_APP_ID"), "ABLY_APP_ID"
	}
	if value == "" {
		if s.Account.CurrentAppID == "" {
			return AppRef{}, exitcode.Usagef("no app selected: pass --app NAME|ID, set ABLY_APP_ID, or choose one with 'ably apps switch'")
		}
		id := s.Account.CurrentAppID
		return AppRef{ID: id, Name: s.Account.Apps[id].AppName, Source: "profile " + s.Alias}, nil
	}
	// Known to the profile: no request needed.
	if a, ok := s.Account.Apps[value]; ok {
		return AppRef{ID: value, Name: a.AppName, Source: source}, nil
	}
	for id, a := range s.Account.Apps {
		if a.AppName != "" && a.AppName == value {
			return AppRef{ID: id, Name: a.AppName, Source: source}, nil
		}
	}
	accountID, err := s.AccountID(ctx)
	if err != nil {
		return AppRef{}, err
	}
	apps, err := s.Client.ListApps(ctx, accountID)
	if err != nil {
		return AppRef{}, err
	}
	return matchApp(apps, value, source)
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

// OpenApp opens a session for a command that acts on one app with the given operation: it
// refuses first, with no request, a token that lacks capability (looking the app up by name
// would need read:app and a listing, only to be refused after), then resolves the app.
// doing names the operation in the refusal, e.g. "list API keys".
func OpenApp(c *cli.Context, capability control.Capability, doing string) (*Session, AppRef, error) {
	s, err := Open(c)
	if err != nil {
		return nil, AppRef{}, err
	}
	if err := s.Client.Check(c.Context, capability, doing); err != nil {
		return nil, AppRef{}, err
	}
	ref, err := s.App(c.Context, c)
	if err != nil {
		return nil, AppRef{}, err
	}
	return s, ref, nil
}

// Label names the app in messages: "prod" (abc123), or its ID alone when the name is not
// known.
func (r AppRef) Label() string { return AppLabel(r.ID, r.Name) }

// AppLabel names an app in messages from its ID and name (which may be "").
func AppLabel(id, name string) string {
	if name == "" {
		return id
	}
	return fmt.Sprintf("%q (%s)", name, id)
}
