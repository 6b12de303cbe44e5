package statscli

import (
	"context"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

// What both commands' help says about times, output and --live.
const commonHelp = `Each row is one interval of --unit: messages, data sent, peak connections and channels, and
successful API and token requests. --start and --end take an ISO 8601 time (2024-05-01T10:00:00Z,
2024-05-01; UTC unless an offset is given), Unix milliseconds (1714557600000), or a span before
now (30m, 1h, 7d, 1h30m).
With --json or --pretty-json the API's records are printed as the API sent them, every metric
under "entries" (names as in https://schemas.ably.com/json/app-stats-0.0.5.json).

--live asks again every --interval: on a terminal it redraws the table; otherwise it prints
each new or updated interval as it comes (with --json one JSON object per line, NDJSON).
Ctrl-C stops a live view, and that is success: the exit status is 0.`

func (k commands) account() *cli.Command {
	return &cli.Command{
		Name:  "account",
		Usage: "Show the account's statistics",
		Description: `Shows the statistics of the whole account: all its apps together.
` + commonHelp + `

Examples:
   ably stats account
   ably stats account --unit hour --start 24h
   ably stats account --unit day --start 2024-05-01 --end 2024-05-31T23:59:59Z --direction forwards
   ably stats account --unit month --limit 12 --json
   ably stats account --live --limit 10`,
		Flags:  append(session.Flags(), statsFlags()...),
		Action: plugin.Action(statsOptionsOf, k.runAccount),
	}
}

func (k commands) app() *cli.Command {
	return &cli.Command{
		Name:  "app",
		Usage: "Show an app's statistics",
		Description: `Shows the statistics of one app: the argument or --app (a name or an ID), else
ABLY_APP_ID, else the profile's current app.
` + commonHelp + `

Examples:
   ably stats app
   ably stats app my-app --unit hour --start 6h
   ably stats app --start 1714557600000 --end 1714561200000 --pretty-json
   ably stats app --live --interval 5s --limit 5
   ably stats app --live --json | jq -c '{intervalId, messages: .entries["messages.all.all.count"]}'`,
		Flags:     append(append(session.Flags(), session.AppFlag()), statsFlags()...),
		ArgsUsage: "[NAME|ID]",
		Action:    plugin.Action(appStatsOptionsOf, k.runApp),
	}
}

// commands are the stats commands' run functions, with the one dependency of a live view
// that plugin.Deps lacks: the ticker it polls on. Plugin gives them time's; a test gives them
// one it drives, so a live view runs without waiting.
type commands struct {
	newTicker func(every time.Duration) ticker
}

// statsOptions are what `stats account` and `stats app` were asked; for `stats app` the app
// is Session.App, else the environment's or the profile's.
type statsOptions struct {
	Session session.Settings
	View    viewOptions
}

func statsOptionsOf(c *cli.Context) (statsOptions, error) {
	if err := noArguments(c); err != nil {
		return statsOptions{}, err
	}
	v, err := viewOptionsOf(c)
	return statsOptions{Session: session.SettingsOf(c), View: v}, err
}

// appStatsOptionsOf is statsOptionsOf for `stats app`, whose app may be its argument, as
// the official CLI takes it (`stats app NAME|ID`), or --app.
func appStatsOptionsOf(c *cli.Context) (statsOptions, error) {
	app, set, err := plugin.ArgOrFlag(c, session.FlagApp, "app")
	if err != nil {
		return statsOptions{}, err
	}
	v, err := viewOptionsOf(c)
	o := statsOptions{Session: session.SettingsOf(c), View: v}
	if set {
		o.Session.App = app
	}
	return o, err
}

// source is what a stats command reads: the account's records or one app's.
type source struct {
	what  string // "account Name (ID)" or "app name (ID)", for headings
	fetch func(context.Context, control.StatsQuery) ([]control.StatsRecord, error)
}

func (k commands) runAccount(ctx context.Context, d plugin.Deps, o statsOptions) error {
	s, err := session.New(ctx, d, o.Session)
	if err != nil {
		return err
	}
	id, err := s.AccountID(ctx)
	if err != nil {
		return err
	}
	what := "account " + id
	if s.Account.AccountID == id && s.Account.AccountName != "" {
		what = fmt.Sprintf("account %s (%s)", s.Account.AccountName, id)
	}
	return k.show(ctx, d, o.View, source{what: what, fetch: func(ctx context.Context, q control.StatsQuery) ([]control.StatsRecord, error) {
		return s.Client.AccountStats(ctx, id, q)
	}})
}

func (k commands) runApp(ctx context.Context, d plugin.Deps, o statsOptions) error {
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.ReadStats, "read app statistics")
	if err != nil {
		return err
	}
	what := "app " + ref.ID
	if ref.Name != "" {
		what = fmt.Sprintf("app %s (%s)", ref.Name, ref.ID)
	}
	return k.show(ctx, d, o.View, source{what: what, fetch: func(ctx context.Context, q control.StatsQuery) ([]control.StatsRecord, error) {
		return s.Client.AppStats(ctx, ref.ID, q)
	}})
}

// show reads the records once, or live, and prints them.
func (k commands) show(ctx context.Context, d plugin.Deps, o viewOptions, src source) error {
	if o.Live {
		return k.live(ctx, d, o, src)
	}
	recs, err := src.fetch(ctx, o.Query)
	if err != nil {
		return err
	}
	return printOnce(d.Out, o, src, recs)
}

// noArguments refuses positional arguments: everything is chosen with flags.
func noArguments(c *cli.Context) error {
	if c.Args().Present() {
		return exitcode.Usagef("unexpected argument %q: '%s' takes no arguments (choose with flags, e.g. --start 1h)", c.Args().First(), c.Command.HelpName)
	}
	return nil
}
