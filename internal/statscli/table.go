package statscli

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/output"
)

// column is one metric of the human table, read from a record's entries.
type column struct {
	header string
	metric string // entry name, as in the app-stats and account-stats JSON schemas
	format func(float64) string
}

// columns are the main metrics. The API leaves out entries that are zero.
func columns() []column {
	return []column{
		{"messages", "messages.all.all.count", number},
		{"data", "messages.all.all.data", byteSize},
		{"peak connections", "connections.all.peak", number},
		{"peak channels", "channels.peak", number},
		{"api requests", "apiRequests.all.succeeded", number},
		{"token requests", "apiRequests.tokenRequests.succeeded", number},
	}
}

// printOnce prints the records of one request: the API's records with --json, else a table.
func printOnce(out *output.Printer, opts viewOptions, src source, recs []control.StatsRecord) error {
	if out.IsJSON() {
		if recs == nil {
			recs = []control.StatsRecord{}
		}
		return out.JSON(recs)
	}
	if len(recs) == 0 {
		return out.Printf("No statistics for %s in that time (by %s).\n", src.what, opts.Query.Unit)
	}
	out.Heading(heading(src, opts.Query))
	return printTable(out, recs)
}

func heading(src source, q control.StatsQuery) string {
	order := "newest first"
	if q.Direction == "forwards" {
		order = "oldest first"
	}
	return fmt.Sprintf("Statistics of %s by %s, %s:", src.what, q.Unit, order)
}

func printTable(out *output.Printer, recs []control.StatsRecord) error {
	cols := columns()
	header := []string{"interval"}
	for _, col := range cols {
		header = append(header, col.header)
	}
	rows := make([][]string, 0, len(recs))
	for _, r := range recs {
		row := []string{intervalStart(r)}
		for _, col := range cols {
			row = append(row, col.format(r.Entries[col.metric]))
		}
		rows = append(rows, row)
	}
	return out.Table(header, rows)
}

// intervalStart shows a record's interval ID (yyyy-mm-dd:hh:mm, or yyyy-mm-dd:hh for hours,
// days and months) as the ISO 8601 time the interval starts, marking one still running.
func intervalStart(r control.StatsRecord) string {
	s := r.IntervalID
	for _, layout := range []string{"2006-01-02:15:04", "2006-01-02:15"} {
		if t, err := time.ParseInLocation(layout, r.IntervalID, time.UTC); err == nil {
			s = output.Time(t)
			break
		}
	}
	if r.InProgress != "" {
		s += " (in progress)"
	}
	return s
}

// number shows a count without a fraction, and a mean with at most two decimals.
func number(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// byteSize shows a size in bytes with decimal units (1 KB is 1000 B).
func byteSize(v float64) string {
	units := []string{"B", "KB", "MB", "GB", "TB", "PB"}
	i := 0
	for v >= 1000 && i < len(units)-1 {
		v /= 1000
		i++
	}
	if i == 0 {
		return number(v) + " B"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + units[i]
}
