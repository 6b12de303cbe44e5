package proto

import (
	"strings"
	"testing"
)

func TestActionNumbersAndNames(t *testing.T) {
	// TR2: the actions in protocol order from zero.
	want := []struct {
		a    Action
		n    int
		name string
	}{
		{ActionHeartbeat, 0, "HEARTBEAT"}, {ActionAck, 1, "ACK"}, {ActionNack, 2, "NACK"},
		{ActionConnect, 3, "CONNECT"}, {ActionConnected, 4, "CONNECTED"},
		{ActionDisconnect, 5, "DISCONNECT"}, {ActionDisconnected, 6, "DISCONNECTED"},
		{ActionClose, 7, "CLOSE"}, {ActionClosed, 8, "CLOSED"}, {ActionError, 9, "ERROR"},
		{ActionAttach, 10, "ATTACH"}, {ActionAttached, 11, "ATTACHED"},
		{ActionDetach, 12, "DETACH"}, {ActionDetached, 13, "DETACHED"},
		{ActionPresence, 14, "PRESENCE"}, {ActionMessage, 15, "MESSAGE"},
		{ActionSync, 16, "SYNC"}, {ActionAuth, 17, "AUTH"}, {ActionActivate, 18, "ACTIVATE"},
		{ActionObject, 19, "OBJECT"}, {ActionObjectSync, 20, "OBJECT_SYNC"},
		{ActionAnnotation, 21, "ANNOTATION"},
	}
	for _, w := range want {
		if int(w.a) != w.n {
			t.Errorf("%s = %d, want %d", w.name, int(w.a), w.n)
		}
		if got := w.a.String(); got != w.name {
			t.Errorf("Action(%d).String() = %q, want %q", w.n, got, w.name)
		}
		if a, ok := ParseAction(w.name); !ok || a != w.a {
			t.Errorf("ParseAction(%q) = %v, %v", w.name, a, ok)
		}
	}
	for _, a := range []Action{22, -1, 99} {
		if s := a.String(); !strings.HasPrefix(s, "ACTION(") {
			t.Errorf("unknown action %d reads %q, want ACTION(n)", int(a), s)
		}
	}
	if _, ok := ParseAction("NOPE"); ok {
		t.Error("ParseAction accepted an unknown name")
	}
}
