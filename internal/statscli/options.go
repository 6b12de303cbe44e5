package statscli

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/timeparse"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
)

const (
	flagUnit      = "unit"
	flagStart     = "start"
	flagEnd       = "end"
	flagLimit     = "limit"
	flagDirection = "direction"
	flagLive      = "live"
	flagInterval  = "interval"
)

// The API's defaults and bounds (control-v1.yaml, GET /apps/{id}/stats).
const (
	defaultUnit      = "minute"
	defaultDirection = "backwards"
	defaultLimit     = 100
	maxLimit         = 1000
)

// A live view asks every 10s by default: often enough to watch the current minute fill up,
// rare enough to stay far below the Control API's hourly rate limits.
const (
	defaultInterval = "10s"
	minInterval     = time.Second
)

// millisLayout shows a time to the millisecond, the precision of the API's times.
const millisLayout = "2006-01-02T15:04:05.999Z07:00"

func units() []string      { return []string{"minute", "hour", "day", "month"} }
func directions() []string { return []string{"backwards", "forwards"} }

func statsFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagUnit, Value: defaultUnit, Usage: "the `UNIT` of each interval: minute, hour, day or month"},
		&cli.StringFlag{Name: flagStart, Usage: "the earliest `TIME` (ISO 8601, Unix ms, or a span before now such as 1h)"},
		&cli.StringFlag{Name: flagEnd, Usage: "the latest `TIME`, written as for --start (default: now)"},
		&cli.IntFlag{Name: flagLimit, Value: defaultLimit, Usage: fmt.Sprintf("show at most `N` intervals (1 to %d)", maxLimit)},
		&cli.StringFlag{Name: flagDirection, Value: defaultDirection, Usage: "the `ORDER` of the intervals: backwards (newest first) or forwards (oldest first)"},
		&cli.BoolFlag{Name: flagLive, Usage: "keep asking every --interval and show new and updated intervals until Ctrl-C (exit status 0)"},
		&cli.StringFlag{Name: flagInterval, Value: defaultInterval, Usage: "with --live, ask every `DURATION` (at least 1s; e.g. 5s, 1m)"},
	}
}

// viewOptions are what the flags of a stats command ask to be shown, checked: the query, and
// whether to ask again every Interval (a live view).
type viewOptions struct {
	Query    control.StatsQuery
	Live     bool
	Interval time.Duration // with Live only
}

// viewOptionsOf checks every flag before anything is read or sent, so that a mistake costs
// no request. Spans before now (--start 1h) count from the run's clock.
func viewOptionsOf(c *cli.Context) (viewOptions, error) {
	now := plugin.EnvOf(c).Now()
	opts := viewOptions{Query: control.StatsQuery{Unit: c.String(flagUnit), Direction: c.String(flagDirection), Limit: c.Int(flagLimit)}, Live: c.Bool(flagLive)}
	q := &opts.Query
	if !slices.Contains(units(), q.Unit) {
		return opts, exitcode.Usagef("--unit %q is not a unit: use %s", q.Unit, orList(units()))
	}
	if !slices.Contains(directions(), q.Direction) {
		return opts, exitcode.Usagef("--direction %q is not a direction: use backwards (newest first) or forwards (oldest first)", q.Direction)
	}
	if q.Limit < 1 || q.Limit > maxLimit {
		return opts, exitcode.Usagef("--limit %d is out of range: use 1 to %d", q.Limit, maxLimit)
	}
	var err error
	if q.Start, err = timeFlag(c, flagStart, now); err != nil {
		return opts, err
	}
	if q.End, err = timeFlag(c, flagEnd, now); err != nil {
		return opts, err
	}
	if !q.Start.IsZero() && !q.End.IsZero() && q.Start.After(q.End) {
		return opts, exitcode.Usagef("--start (%s) is after --end (%s): swap them, or move --start earlier",
			q.Start.UTC().Format(millisLayout), q.End.UTC().Format(millisLayout))
	}
	return opts, liveOptions(c, &opts)
}

func liveOptions(c *cli.Context, opts *viewOptions) error {
	if !opts.Live {
		if c.IsSet(flagInterval) {
			return exitcode.Usagef("--interval applies only to a live view: add --live, or drop --interval")
		}
		return nil
	}
	if c.IsSet(flagEnd) {
		return exitcode.Usagef("--live cannot be used with --end: a live view follows the present; drop --end (or --live)")
	}
	raw := c.String(flagInterval)
	d, err := timeparse.Duration(raw)
	if err != nil {
		return exitcode.Usagef("--interval %q is not a duration: use %s", raw, timeparse.DurationForms)
	}
	if d < minInterval {
		return exitcode.Usagef("--interval %s is too short: use at least %s", raw, minInterval)
	}
	opts.Interval = d
	return nil
}

// timeFlag reads a time flag; the zero time when it was not given.
func timeFlag(c *cli.Context, name string, now time.Time) (time.Time, error) {
	raw := c.String(name)
	if !c.IsSet(name) {
		return time.Time{}, nil
	}
	t, err := timeparse.Time(raw, now)
	if err != nil {
		return time.Time{}, exitcode.Usagef("--%s: %v", name, err)
	}
	return t, nil
}

func orList(words []string) string {
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
