package timeparse

import (
	"strings"
	"testing"
	"time"
)

var now = time.Date(2024, 5, 1, 12, 30, 45, 500_000_000, time.UTC)

func TestTime(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time
	}{
		{"now", now},
		{" now ", now},
		{"2024-05-01T10:00:00Z", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		{"2024-05-01T10:00:00.250Z", time.Date(2024, 5, 1, 10, 0, 0, 250_000_000, time.UTC)},
		{"2024-05-01T12:00:00+02:00", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		{"2024-05-01T12:00+02:00", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		{"2024-05-01T10:00:00", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		{"2024-05-01T10:00", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		{"2024-05-01 10:00", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		{"2024-05-01", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)},
		{"1714557600000", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		{"1714557600123", time.Date(2024, 5, 1, 10, 0, 0, 123_000_000, time.UTC)},
		{"30s", now.Add(-30 * time.Second)},
		{"15m", now.Add(-15 * time.Minute)},
		{"1h", now.Add(-time.Hour)},
		{"7d", now.Add(-7 * 24 * time.Hour)},
		{"2w", now.Add(-14 * 24 * time.Hour)},
		{"1h30m", now.Add(-90 * time.Minute)},
		{"0s", now},
	}
	for _, c := range cases {
		got, err := Time(c.in, now)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("Time(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestTimeErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "empty time"},
		{"yesterday", `"yesterday" is not a time`},
		{"1y", `"1y" is not a time`},
		{"-1h", `"-1h" is not a time`},
		{"1.5h", `"1.5h" is not a time`},
		{"2024-13-01", `"2024-13-01" is not an ISO 8601 time`},
		{"2024-05-01T25:00Z", "not an ISO 8601 time"},
		{"1714557600", "too small for Unix milliseconds (it would be 1970-01-20T20:15:57Z): for Unix seconds, append 000"},
		{"0", "too small for Unix milliseconds"},
		{"99999999999999999999", "too large for Unix milliseconds"},
		{"253402300800000", "too large for Unix milliseconds"},
		{"1969-12-31T23:59:59Z", "before 1970-01-01T00:00:00Z"},
		{"3000w", "before 1970-01-01T00:00:00Z"},
		{"99999999999999999999h", "is not a time"},
	}
	for _, c := range cases {
		_, err := Time(c.in, now)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Time(%q) error %v, want one containing %q", c.in, err, c.want)
		}
	}
}

func TestDuration(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"500ms", 500 * time.Millisecond},
		{"1s", time.Second},
		{"90s", 90 * time.Second},
		{"2m", 2 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"1d", 24 * time.Hour},
		{"1w2d", 9 * 24 * time.Hour},
		{"1m500ms", time.Minute + 500*time.Millisecond},
		{"0s", 0},
	}
	for _, c := range cases {
		got, err := Duration(c.in)
		if err != nil || got != c.want {
			t.Errorf("Duration(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "s", "10", "1.5s", "1H", "1 h", "-1s", "1mo", "1x", "9223372036854775807s", "106752d1d", "9223372036854775808ms"} {
		if d, err := Duration(bad); err == nil {
			t.Errorf("Duration(%q) = %v, want an error", bad, d)
		}
	}
}

// FuzzTime checks that Time never panics, stays in the range the API accepts, and that what
// it returns reads back the same as an ISO 8601 time and as a span where one was given.
func FuzzTime(f *testing.F) {
	for _, s := range []string{"now", "2024-05-01T10:00:00Z", "2024-05-01T12:00+02:00", "2024-05-01", "1714557600000", "1h30m", "7d", "500ms", "2024-05-01 10:00", "9999999999999999999w", "1970-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Time(s, now)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("Time(%q): empty error", s)
			}
			return
		}
		if got.Before(earliest) || got.After(latest) {
			t.Fatalf("Time(%q) = %v: out of range", s, got)
		}
		back, err := Time(got.Format(time.RFC3339Nano), now)
		if err != nil || !back.Equal(got) {
			t.Fatalf("Time(%q) = %v, which reads back as %v, %v", s, got, back, err)
		}
		if d, err := Duration(s); err == nil && !got.Equal(now.Add(-d)) {
			t.Fatalf("Time(%q) = %v, want %v (now less the span)", s, got, now.Add(-d))
		}
	})
}

// FuzzDuration checks that Duration never panics or overflows into a negative span, and that
// adding a zero part changes nothing.
func FuzzDuration(f *testing.F) {
	for _, s := range []string{"1h30m", "500ms", "7d", "2w", "0s", "9223372036854775807ms", "1m1m1m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Duration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("Duration(%q) = %v: negative", s, d)
		}
		longer := strings.TrimSpace(s) + "0s"
		if d2, err := Duration(longer); err != nil || d2 != d {
			t.Fatalf("Duration(%q) = %v, %v; want %v", longer, d2, err, d)
		}
	})
}
