package proto

import (
	"fmt"
	"strconv"
	"strings"
)

// Flags is the flags field of a ProtocolMessage (TR4i): flag n is set when the bit 2ⁿ is
// (TR3). The same field carries facts about an attachment and the channel modes.
type Flags int64

// The flags of TR3 with their bit values.
const (
	FlagHasPresence Flags = 1 << 0 // TR3a: ATTACHED, a presence SYNC follows (RTP1)
	FlagHasBacklog  Flags = 1 << 1 // TR3b
	FlagResumed     Flags = 1 << 2 // TR3c: ATTACHED, continuity kept (RTL2f, RTL12)
	// FlagHasLocalPresence was TR3d; the spec has since deleted it as obsolete. It is kept
	// so an old server's frame still logs by name.
	FlagHasLocalPresence Flags = 1 << 3
	FlagTransient        Flags = 1 << 4 // TR3e
	FlagAttachResume     Flags = 1 << 5 // TR3f: deprecated; need not be set since spec 6.1.0
	FlagHasObjects       Flags = 1 << 7 // TR3h

	// Channel modes (TR3q-TR3z): asked for in ATTACH (RTL4l), granted in ATTACHED (RTL4m).
	FlagPresence            Flags = 1 << 16       // TR3q
	FlagPublish             Flags = 1 << 17       // TR3r
	FlagSubscribe           Flags = 1 << 18       // TR3s
	FlagMessageSubscribe          = FlagSubscribe // TR3u: the preferred name of bit 18
	FlagPresenceSubscribe   Flags = 1 << 19       // TR3t
	FlagAnnotationPublish   Flags = 1 << 21       // TR3w
	FlagAnnotationSubscribe Flags = 1 << 22       // TR3x
	FlagObjectSubscribe     Flags = 1 << 24       // TR3y
	FlagObjectPublish       Flags = 1 << 25       // TR3z

	// ModeFlags is every channel mode bit.
	ModeFlags = FlagPresence | FlagPublish | FlagSubscribe | FlagPresenceSubscribe |
		FlagAnnotationPublish | FlagAnnotationSubscribe | FlagObjectSubscribe | FlagObjectPublish
)

// flagName is the TR3 name of a single bit, "" when the bit has none.
func flagName(bit Flags) string {
	switch bit {
	case FlagHasPresence:
		return "HAS_PRESENCE"
	case FlagHasBacklog:
		return "HAS_BACKLOG"
	case FlagResumed:
		return "RESUMED"
	case FlagHasLocalPresence:
		return "HAS_LOCAL_PRESENCE"
	case FlagTransient:
		return "TRANSIENT"
	case FlagAttachResume:
		return "ATTACH_RESUME"
	case FlagHasObjects:
		return "HAS_OBJECTS"
	case FlagPresence:
		return "PRESENCE"
	case FlagPublish:
		return "PUBLISH"
	case FlagSubscribe:
		return "SUBSCRIBE"
	case FlagPresenceSubscribe:
		return "PRESENCE_SUBSCRIBE"
	case FlagAnnotationPublish:
		return "ANNOTATION_PUBLISH"
	case FlagAnnotationSubscribe:
		return "ANNOTATION_SUBSCRIBE"
	case FlagObjectSubscribe:
		return "OBJECT_SUBSCRIBE"
	case FlagObjectPublish:
		return "OBJECT_PUBLISH"
	}
	return ""
}

// Has reports whether every bit of flag is set in f. Has of no bits is false, so a zero
// constant never reads as present.
func (f Flags) Has(flag Flags) bool {
	return flag != 0 && f&flag == flag
}

// String names the set bits for logs, lowest first, joined by "|": "HAS_PRESENCE|PUBLISH".
// Bits without a name are shown by number (BIT(20)) so nothing the server sent is hidden.
func (f Flags) String() string {
	if f == 0 {
		return "0"
	}
	var parts []string
	for n := 0; n < 63; n++ {
		bit := Flags(1) << n
		if f&bit == 0 {
			continue
		}
		if name := flagName(bit); name != "" {
			parts = append(parts, name)
		} else {
			parts = append(parts, "BIT("+strconv.Itoa(n)+")")
		}
	}
	if f < 0 {
		parts = append(parts, "BIT(63)")
	}
	return strings.Join(parts, "|")
}

// Modes are the names of the channel modes set in f, lowest bit first, in the upper-case
// form the SDKs use in ChannelOptions.modes ("PUBLISH", "SUBSCRIBE", ...). Non-mode flags
// are left out.
func (f Flags) Modes() []string {
	var names []string
	for n := 16; n <= 25; n++ {
		bit := Flags(1) << n
		if ModeFlags&bit != 0 && f&bit != 0 {
			names = append(names, flagName(bit))
		}
	}
	return names
}

// modeNames are the names ParseModes accepts, for its error message.
const modeNames = "presence, publish, subscribe, presence_subscribe, annotation_publish, annotation_subscribe, object_subscribe, object_publish"

// ParseModes turns channel mode names into the flags an ATTACH carries (RTL4l). Names are
// case-insensitive and '-' stands for '_', so "publish", "PRESENCE_SUBSCRIBE" and
// "presence-subscribe" all work; MESSAGE_SUBSCRIBE is SUBSCRIBE (TR3u).
func ParseModes(names []string) (Flags, error) {
	var f Flags
	for _, raw := range names {
		name := strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(raw)), "-", "_")
		if name == "MESSAGE_SUBSCRIBE" {
			name = "SUBSCRIBE"
		}
		bit := Flags(0)
		for n := 16; n <= 25; n++ {
			if b := Flags(1) << n; ModeFlags&b != 0 && flagName(b) == name {
				bit = b
				break
			}
		}
		if bit == 0 {
			return 0, fmt.Errorf("unknown channel mode %q: use one or more of %s", raw, modeNames)
		}
		f |= bit
	}
	return f, nil
}
