package statscli

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
)

// clearScreen moves the cursor home and clears the terminal, for redrawing the live table.
const clearScreen = "\x1b[H\x1b[2J"

// A ticker paces a live view's polls: wait blocks until the next tick (true) or until ctx
// ends (false); stop releases it.
type ticker interface {
	wait(ctx context.Context) bool
	stop()
}

// timeTicker is the real ticker: a tick every interval from its start. A poll that takes
// longer than the interval is followed by the next at once, as time.Ticker keeps one tick.
type timeTicker struct{ t *time.Ticker }

func newTimeTicker(every time.Duration) ticker { return timeTicker{time.NewTicker(every)} }

func (t timeTicker) wait(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return false
	case <-t.t.C:
		return true
	}
}

func (t timeTicker) stop() { t.t.Stop() }

// live asks for the records every o.Interval until ctx is cancelled (Ctrl-C), which ends the
// view successfully. A failed first request is an error; later network failures are
// reported and the view keeps going, since the next poll may work.
func (k commands) live(ctx context.Context, d plugin.Deps, o viewOptions, src source) error {
	view := newLiveView(d.Out, d.Now, src, o)
	tick := k.newTicker(o.Interval)
	defer tick.stop()
	for polls := 0; ; polls++ {
		recs, err := src.fetch(ctx, o.Query)
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
			view.out.Warnf("%v; trying again in %s", err, o.Interval)
		}
		if !tick.wait(ctx) {
			return nil
		}
	}
}

// liveView prints what each poll brings: on a terminal the whole table, redrawn; otherwise
// only the intervals that are new or changed since the last poll, as a table or as NDJSON.
type liveView struct {
	out      *output.Printer
	now      func() time.Time
	src      source
	opts     viewOptions
	redraw   bool
	previous map[string]string // interval ID to the record as last shown
}

func newLiveView(out *output.Printer, now func() time.Time, src source, opts viewOptions) *liveView {
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
			strings.TrimSuffix(heading(v.src, v.opts.Query), ":")+".", output.Time(v.now()), v.opts.Interval))
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
			output.Time(v.now()), len(changed), plural(len(changed)), v.src.what, v.opts.Query.Unit))
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
