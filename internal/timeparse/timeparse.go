// Package timeparse reads the times and spans of time people type on the command line: ISO
// 8601 times, Unix milliseconds, and spans such as 30m or 7d counted back from now.
package timeparse

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Forms lists the accepted ways to write a time, for help texts and error messages.
const Forms = "an ISO 8601 time (2024-05-01T10:00:00Z, 2024-05-01T12:00+02:00, 2024-05-01; UTC when no offset is given), " +
	"Unix milliseconds (1714557600000), or a span before now (30s, 15m, 1h, 7d, 2w, 1h30m, now)"

// DurationForms lists the accepted ways to write a span of time.
const DurationForms = "whole numbers with units ms, s, m (minutes), h, d (24h) or w (7d), e.g. 500ms, 30s, 15m, 1h30m, 7d"

// The range of times accepted: the Control API takes milliseconds since the Unix epoch, and
// ISO 8601 has four-digit years.
var (
	earliest = time.Unix(0, 0).UTC()
	latest   = time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC)
)

// Unix milliseconds below this (1973-03-03) are almost certainly Unix seconds typed by mistake:
// no statistics are that old.
const minPlausibleMillis = 100_000_000_000

// isoLayouts are tried in order; layouts without an offset are read as UTC.
var isoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02",
}

// Time parses s as a point in time: an ISO 8601 time, Unix milliseconds, "now", or a span
// (see Duration) meaning that long before now.
func Time(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return time.Time{}, fmt.Errorf("empty time: write %s", Forms)
	case s == "now":
		return now, nil
	case isDigits(s):
		return fromMillis(s)
	case looksLikeDate(s):
		return fromISO(s)
	}
	d, err := Duration(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a time: write %s", s, Forms)
	}
	return inRange(s, now.Add(-d))
}

// Duration parses a span of time: one or more whole numbers each followed by a unit, ms, s,
// m (minutes), h, d (24 hours) or w (7 days), such as 90s, 15m, 1h30m or 7d.
func Duration(s string) (time.Duration, error) {
	rest := strings.TrimSpace(s)
	if rest == "" {
		return 0, fmt.Errorf("empty duration: write %s", DurationForms)
	}
	var total time.Duration
	for rest != "" {
		digits := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
		if digits == 0 {
			return 0, fmt.Errorf("%q is not a duration: want %s", s, DurationForms)
		}
		n, err := strconv.ParseInt(rest[:digits], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is too long a duration", s)
		}
		rest = rest[digits:]
		unit, size := unitAt(rest)
		if size == 0 {
			return 0, fmt.Errorf("%q is not a duration: want %s", s, DurationForms)
		}
		rest = rest[size:]
		if n > math.MaxInt64/int64(unit) || total > math.MaxInt64-time.Duration(n)*unit {
			return 0, fmt.Errorf("%q is too long a duration", s)
		}
		total += time.Duration(n) * unit
	}
	return total, nil
}

// unitAt reads the unit at the start of s, returning its length (0 for none).
func unitAt(s string) (time.Duration, int) {
	switch {
	case strings.HasPrefix(s, "ms"):
		return time.Millisecond, 2
	case s == "":
		return 0, 0
	}
	switch s[0] {
	case 's':
		return time.Second, 1
	case 'm':
		return time.Minute, 1
	case 'h':
		return time.Hour, 1
	case 'd':
		return 24 * time.Hour, 1
	case 'w':
		return 7 * 24 * time.Hour, 1
	}
	return 0, 0
}

func fromMillis(s string) (time.Time, error) {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil || ms > latest.UnixMilli() {
		return time.Time{}, fmt.Errorf("%q is too large for Unix milliseconds (the latest time is %d)", s, latest.UnixMilli())
	}
	if ms < minPlausibleMillis {
		return time.Time{}, fmt.Errorf("%q is too small for Unix milliseconds (it would be %s): for Unix seconds, append 000",
			s, time.UnixMilli(ms).UTC().Format(time.RFC3339))
	}
	return time.UnixMilli(ms).UTC(), nil
}

func fromISO(s string) (time.Time, error) {
	// "2024-05-01 10:00" is common; ISO 8601 writes a T.
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	for _, layout := range isoLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return inRange(s, t)
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 time: write %s", s, Forms)
}

func inRange(s string, t time.Time) (time.Time, error) {
	if t.Before(earliest) {
		return time.Time{}, fmt.Errorf("%q is before 1970-01-01T00:00:00Z, the start of Unix time", s)
	}
	if t.After(latest) {
		return time.Time{}, fmt.Errorf("%q is after the year 9999", s)
	}
	return t, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// looksLikeDate reports whether s starts like an ISO 8601 date (yyyy-), so that a typo in
// one is reported as a bad time rather than as a bad span.
func looksLikeDate(s string) bool {
	return len(s) >= 5 && isDigits(s[:4]) && s[4] == '-'
}
