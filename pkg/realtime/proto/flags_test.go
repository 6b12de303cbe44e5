package proto

import (
	"reflect"
	"strings"
	"testing"
)

func TestFlagBits(t *testing.T) {
	// TR3: flag n is the bit 2ⁿ.
	bits := []struct {
		f   Flags
		bit uint
	}{
		{FlagHasPresence, 0}, {FlagHasBacklog, 1}, {FlagResumed, 2}, {FlagHasLocalPresence, 3},
		{FlagTransient, 4}, {FlagAttachResume, 5}, {FlagHasObjects, 7},
		{FlagPresence, 16}, {FlagPublish, 17}, {FlagSubscribe, 18}, {FlagMessageSubscribe, 18},
		{FlagPresenceSubscribe, 19}, {FlagAnnotationPublish, 21}, {FlagAnnotationSubscribe, 22},
		{FlagObjectSubscribe, 24}, {FlagObjectPublish, 25},
	}
	for _, b := range bits {
		if b.f != 1<<b.bit {
			t.Errorf("%s = %d, want 2^%d", b.f, int64(b.f), b.bit)
		}
	}
}

func TestFlagsHasAndString(t *testing.T) {
	// The ATTACHED of the wire sketch: HAS_PRESENCE + PUBLISH + SUBSCRIBE.
	f := Flags(393217)
	for _, tc := range []struct {
		flag Flags
		want bool
	}{
		{FlagHasPresence, true}, {FlagPublish, true}, {FlagSubscribe, true},
		{FlagPublish | FlagSubscribe, true}, {FlagResumed, false},
		{FlagPublish | FlagResumed, false}, {0, false},
	} {
		if got := f.Has(tc.flag); got != tc.want {
			t.Errorf("Flags(393217).Has(%s) = %v, want %v", tc.flag, got, tc.want)
		}
	}
	for _, tc := range []struct {
		f    Flags
		want string
	}{
		{0, "0"},
		{f, "HAS_PRESENCE|PUBLISH|SUBSCRIBE"},
		{FlagResumed | 1<<20, "RESUMED|BIT(20)"},
		{FlagHasLocalPresence, "HAS_LOCAL_PRESENCE"},
		{-1 << 63, "BIT(63)"},
	} {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("Flags(%d).String() = %q, want %q", int64(tc.f), got, tc.want)
		}
	}
}

func TestParseModes(t *testing.T) {
	for _, tc := range []struct {
		names []string
		want  Flags
	}{
		{nil, 0},
		{[]string{"subscribe"}, FlagSubscribe},
		{[]string{"PUBLISH", "presence-subscribe"}, FlagPublish | FlagPresenceSubscribe},
		{[]string{"message_subscribe", "SUBSCRIBE"}, FlagSubscribe},
		{[]string{" presence ", "annotation_publish", "annotation_subscribe", "object_subscribe", "object_publish"},
			FlagPresence | FlagAnnotationPublish | FlagAnnotationSubscribe | FlagObjectSubscribe | FlagObjectPublish},
	} {
		got, err := ParseModes(tc.names)
		if err != nil || got != tc.want {
			t.Errorf("ParseModes(%q) = %s, %v; want %s", tc.names, got, err, tc.want)
		}
	}
	for _, bad := range [][]string{{"subscrib"}, {""}, {"publish", "HAS_PRESENCE"}, {"RESUMED"}} {
		_, err := ParseModes(bad)
		if err == nil {
			t.Errorf("ParseModes(%q) accepted a non-mode", bad)
			continue
		}
		if !strings.Contains(err.Error(), "unknown channel mode") || !strings.Contains(err.Error(), "presence_subscribe") {
			t.Errorf("ParseModes(%q) error %q should name the mode and list the valid ones", bad, err)
		}
	}
}

func TestModesRoundTrip(t *testing.T) {
	all := []string{"PRESENCE", "PUBLISH", "SUBSCRIBE", "PRESENCE_SUBSCRIBE", "ANNOTATION_PUBLISH",
		"ANNOTATION_SUBSCRIBE", "OBJECT_SUBSCRIBE", "OBJECT_PUBLISH"}
	f, err := ParseModes(all)
	if err != nil {
		t.Fatal(err)
	}
	if f != ModeFlags {
		t.Errorf("all modes = %d, want ModeFlags %d", int64(f), int64(ModeFlags))
	}
	if got := (f | FlagHasPresence | FlagResumed).Modes(); !reflect.DeepEqual(got, all) {
		t.Errorf("Modes() = %q, want %q (non-mode flags left out)", got, all)
	}
	if got := Flags(0).Modes(); got != nil {
		t.Errorf("Flags(0).Modes() = %q, want none", got)
	}
}
