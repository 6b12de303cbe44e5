package resttest

import (
	"testing"
	"time"
)

// With separate apps, each app's keys reach its own channels only: a message, a member and a
// channel's listing stay in their app; without, every app shares one set of channels.
func TestSeparateApps(t *testing.T) {
	const otherKey = "otherApp.otherKey:otherSecret"
	for _, separate := range []bool{true, false} {
		now := time.UnixMilli(1_700_000_000_000)
		var opts []Option
		if separate {
			opts = append(opts, WithSeparateApps())
		}
		srv := channelServer(t, &now, opts...)
		srv.AddKey(Key{Key: otherKey})
		if r := call(t, srv, "POST", "/channels/shared/messages", basic(testKey), map[string]string{"data": "ours"}); r.status != 201 {
			t.Fatalf("publish: %d %s", r.status, r.raw)
		}
		srv.App("otherApp").EnterPresence("lobby", PresenceMember{ClientID: "them"})

		var names []string
		call(t, srv, "GET", "/channels", basic(otherKey), nil).into(t, &names)
		var history, members []map[string]any
		call(t, srv, "GET", "/channels/shared/messages", basic(otherKey), nil).into(t, &history)
		call(t, srv, "GET", "/channels/lobby/presence", basic(testKey), nil).into(t, &members)
		if separate {
			if len(names) != 1 || names[0] != "lobby" || len(history) != 0 || len(members) != 0 {
				t.Errorf("separate apps: the other app sees channels %v, history %v; ours sees members %v", names, history, members)
			}
			if len(srv.App("app1").Messages("shared")) != 1 || len(srv.App("otherApp").Messages("shared")) != 0 || len(srv.Messages("shared")) != 0 {
				t.Errorf("separate apps: the stores of the apps are not apart")
			}
			continue
		}
		if len(names) != 2 || len(history) != 1 || len(members) != 1 || len(srv.Messages("shared")) != 1 {
			t.Errorf("one set of channels: channels %v, history %v, members %v", names, history, members)
		}
	}
}
