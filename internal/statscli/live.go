package statscli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
)

// clearScreen moves the cursor home and clears the terminal, for redrawing the live table.
const clearScreen = "\x1b[H\x1b[2J"

// runLive asks for the records every opts.interval until the command's context is cancelled
// (Ctrl-C), which ends the view successfully. A failed first request is an error; later
// network failures are reported and the view keeps going, since the next poll may work.
func runLive(c *cli.Context, opts options, src source) error {
	ctx := c.Context
	view := newLiveView(plugin.Printer(c), plugin.EnvOf(c).Now, src, opts)
	ticker := time.NewTicker(opts.interval)
	defer ticker.Stop()
	for polls := 0; ; polls++ {
		recs, err := src.fetch(ctx, opts.query)
		if ctx.Err() != nil {
			return nil
		}
		switch {
		case err == nil:
			if err := view.show(recs); err != nil {
				return err
			}
		case polls == 0 || exitcode.Of(err) != exitcode.Network:
			return err
		default:
			view.out.Warnf("%v; trying again in %s", err, opts.interval)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// liveView prints what each poll brings: on a terminal the whole table, redrawn; otherwise
// only the intervals that are new or changed since the last poll, as a table or as NDJSON.
type liveView struct {
	out      *output.Printer
	now      func() time.Time
	src      source
	opts     options
	redraw   bool
	previous map[string]string // interval ID to the record as last shown
}

func newLiveView(out *output.Printer, now func() time.Time, src source, opts options) *liveView {
	return &liveView{out: out, now: now, src: src, opts: opts, redraw: !out.IsJSON() && out.Terminal}
}

func (v *liveView) show(recs []control.StatsRecord) error {
	changed, err := v.changes(recs)
	if err != nil {
		return err
	}
	switch {
	case v.redraw:
		fmt.Fprint(v.out.Out, clearScreen)
		v.out.Heading(fmt.Sprintf("%s Updated %s, every %s; Ctrl-C to stop.",
			strings.TrimSuffix(heading(v.src, v.opts.query), ":")+".", output.Time(v.now()), v.opts.interval))
		if len(recs) == 0 {
			_, err := fmt.Fprintln(v.out.Out, "No statistics yet.")
			return err
		}
		return printTable(v.out, recs)
	case v.out.IsJSON():
		for _, r := range changed {
			if err := v.out.JSON(r); err != nil {
				return err
			}
		}
		return nil
	case len(changed) > 0:
		v.out.Heading(fmt.Sprintf("%s: %d new or updated interval%s of %s by %s:",
			output.Time(v.now()), len(changed), plural(len(changed)), v.src.what, v.opts.query.Unit))
		return printTable(v.out, changed)
	}
	return nil
}

// changes returns the records that are new or differ from when they were last shown, oldest
// first as a stream reads best, and remembers this poll's records for the next.
func (v *liveView) changes(recs []control.StatsRecord) ([]control.StatsRecord, error) {
	current := make(map[string]string, len(recs))
	var changed []control.StatsRecord
	for _, r := range recs {
		body, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		current[r.IntervalID] = string(body)
		if prev, ok := v.previous[r.IntervalID]; !ok || prev != string(body) {
			changed = append(changed, r)
		}
	}
	// Only this poll's intervals are kept, so a long view does not grow without bound.
	v.previous = current
	slices.SortStableFunc(changed, func(a, b control.StatsRecord) int { return strings.Compare(a.IntervalID, b.IntervalID) })
	return changed, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
