package scripttest

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ably/ably-suite/pkg/realtimetest"
)

// realtimeServerKey is where Seal leaves the script's fake Realtime API in Env.Values.
type realtimeServerKey struct{}

// waitTimeout bounds the realtime waits: long enough for a race-built binary on a loaded
// machine to connect and attach.
const waitTimeout = 15 * time.Second

// realtimeCmd drives and inspects the script's fake Realtime API, which serves the
// WebSocket at / of ABLY_ENDPOINT (the REST fake's port and store):
//
//	realtime url
//	    print the Realtime URL, ws://127.0.0.1:PORT/ (no credentials)
//	realtime connections
//	    print "N connections", then "ID CLIENTID live|dropped CHANNEL=MODES..." for each
//	    ("-": no client ID; MODES as PUBLISH|SUBSCRIBE)
//	realtime drop [CONNID|client=NAME]
//	    end every (or one) connection's transport without a message; the client may resume
//	realtime disconnect [CONNID|client=NAME] [code=N]
//	    send DISCONNECTED (code 80003 unless given) and close the transport
//	realtime refuse N [code=N] [disconnected]
//	    answer the next N connection attempts with ERROR CODE (80000 unless given), or with
//	    DISCONNECTED, and close them
//	realtime delay DURATION
//	    hold every frame to a client for DURATION (0s: no more delay)
//	realtime heartbeats on|off
//	    restart or stop the HEARTBEATs and pings of idle connections
//	realtime idle DURATION
//	    the maxIdleInterval of connections made from now on (15s unless set)
//	realtime statettl DURATION
//	    the connectionStateTtl: how long a dropped connection can resume (2m unless set)
//	realtime leavedelay DURATION
//	    how long a dropped connection's members stay present (15s unless set)
//	realtime auth
//	    send AUTH to every live connection (the client must re-authenticate)
//	realtime nack N [code=N]
//	    NACK the next N publishes (MESSAGE, PRESENCE, ANNOTATION) with CODE (50000 unless given)
//	realtime wait attached CHANNEL [N]
//	realtime wait present CHANNEL CLIENTID
//	realtime wait absent CHANNEL CLIENTID
//	realtime wait connections N
//	realtime wait states N
//	    wait (15 s at most) until N (default 1) live connections are attached to CHANNEL,
//	    CLIENTID is (or is not) present on CHANNEL, exactly N connections are live, or
//	    exactly N connection states are kept (live or awaiting a resume)
//	realtime client NAME ...
//	    the script's own Realtime client (see realtimeClientCmd)
//
// Only url, connections and client ... expect print, replacing stdout. Secrets are never
// printed.
func realtimeCmd(ts *testscript.TestScript, neg bool, args []string) {
	srv, ok := ts.Value(realtimeServerKey{}).(*realtimetest.Server)
	if !ok {
		ts.Fatalf("realtime: no fake Realtime API in this script (Seal starts one)")
	}
	const subs = "url|connections|drop|disconnect|refuse|delay|heartbeats|idle|statettl|leavedelay|auth|nack|wait|client"
	if len(args) == 0 {
		ts.Fatalf("usage: realtime %s ...", subs)
	}
	sub, args := args[0], args[1:]
	if neg && sub != "client" {
		ts.Fatalf("realtime %s does not take !", sub)
	}
	switch sub {
	case "url":
		if len(args) != 0 {
			ts.Fatalf("usage: realtime url")
		}
		io.WriteString(ts.Stdout(), wsURL(srv)+"\n")
	case "connections":
		if len(args) != 0 {
			ts.Fatalf("usage: realtime connections")
		}
		realtimeConnections(ts, srv)
	case "drop":
		connID, _ := connTarget(ts, "drop", args, false)
		if err := srv.Drop(connID); err != nil {
			ts.Fatalf("realtime drop: %v", err)
		}
	case "disconnect":
		connID, opts := connTarget(ts, "disconnect", args, true)
		if err := srv.Disconnect(connID, intOpt(ts, "realtime disconnect", opts, "code", 0)); err != nil {
			ts.Fatalf("realtime disconnect: %v", err)
		}
	case "refuse":
		const usage = "usage: realtime refuse N [code=N] [disconnected]"
		if len(args) < 1 {
			ts.Fatalf(usage)
		}
		n := atoi(ts, "realtime refuse", args[0])
		code, disc := 0, false
		for _, a := range args[1:] {
			switch {
			case a == "disconnected":
				disc = true
			case strings.HasPrefix(a, "code="):
				code = atoi(ts, "realtime refuse", strings.TrimPrefix(a, "code="))
			default:
				ts.Fatalf("realtime refuse: unknown option %q\n%s", a, usage)
			}
		}
		srv.RefuseConnections(n, code, disc)
	case "delay":
		if len(args) != 1 {
			ts.Fatalf("usage: realtime delay DURATION")
		}
		d, err := time.ParseDuration(args[0])
		if err != nil || d < 0 {
			ts.Fatalf("realtime delay: %q is not a duration such as 200ms", args[0])
		}
		srv.DelayFrames(d)
	case "idle", "statettl", "leavedelay":
		if len(args) != 1 {
			ts.Fatalf("usage: realtime %s DURATION", sub)
		}
		d, err := time.ParseDuration(args[0])
		if err != nil || d <= 0 {
			ts.Fatalf("realtime %s: %q is not a duration such as 500ms", sub, args[0])
		}
		map[string]func(time.Duration){"idle": srv.SetMaxIdleInterval, "statettl": srv.SetConnectionStateTTL,
			"leavedelay": srv.SetPresenceLeaveDelay}[sub](d)
	case "heartbeats":
		if len(args) != 1 || args[0] != "on" && args[0] != "off" {
			ts.Fatalf("usage: realtime heartbeats on|off")
		}
		srv.SetHeartbeats(args[0] == "on")
	case "auth":
		if len(args) != 0 {
			ts.Fatalf("usage: realtime auth")
		}
		srv.RequestAuth()
	case "nack":
		if len(args) < 1 {
			ts.Fatalf("usage: realtime nack N [code=N]")
		}
		opts := pairs(ts, "realtime nack", args[1:], "code")
		srv.NackPublishes(atoi(ts, "realtime nack", args[0]), intOpt(ts, "realtime nack", opts, "code", 0))
	case "wait":
		realtimeWait(ts, srv, args)
	case "client":
		realtimeClientCmd(ts, srv, neg, args)
	default:
		ts.Fatalf("realtime: unknown subcommand %q: use one of %s", sub, subs)
	}
}

// wsURL is the Realtime URL of the fake, without credentials.
func wsURL(srv *realtimetest.Server) string {
	return strings.Replace(srv.URL, "http://", "ws://", 1) + "/"
}

func realtimeConnections(ts *testscript.TestScript, srv *realtimetest.Server) {
	conns := srv.Connections()
	var b strings.Builder
	fmt.Fprintf(&b, "%d connection%s\n", len(conns), plural(len(conns)))
	for _, c := range conns {
		state := "live"
		if !c.Live {
			state = "dropped"
		}
		fmt.Fprintf(&b, "%s %s %s", c.ID, orDash(c.ClientID), state)
		for _, a := range c.Channels {
			fmt.Fprintf(&b, " %s=%s", a.Channel, strings.Join(a.Modes.Modes(), "|"))
		}
		b.WriteString("\n")
	}
	io.WriteString(ts.Stdout(), b.String())
}

// connTarget reads the optional connection of drop and disconnect: a connection ID, or
// client=NAME for the script's own client; "" means every connection. With options, the
// rest are KEY=VALUE options (code=).
func connTarget(ts *testscript.TestScript, cmd string, args []string, options bool) (string, map[string]string) {
	connID := ""
	var rest []string
	for _, a := range args {
		switch {
		case strings.HasPrefix(a, "client="):
			c := scriptClient(ts, strings.TrimPrefix(a, "client="))
			connID = c.connectionID()
		case !strings.Contains(a, "=") && connID == "":
			connID = a
		default:
			rest = append(rest, a)
		}
	}
	if !options && len(rest) > 0 {
		ts.Fatalf("usage: realtime %s [CONNID|client=NAME]", cmd)
	}
	return connID, pairs(ts, "realtime "+cmd, rest, "code")
}

func realtimeWait(ts *testscript.TestScript, srv *realtimetest.Server, args []string) {
	const usage = "usage: realtime wait attached CHANNEL [N] | present|absent CHANNEL CLIENTID | connections|states N"
	if len(args) < 2 {
		ts.Fatalf(usage)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	var err error
	var what string
	switch args[0] {
	case "attached":
		n := 1
		switch len(args) {
		case 2:
		case 3:
			n = atoi(ts, "realtime wait attached", args[2])
		default:
			ts.Fatalf(usage)
		}
		what = fmt.Sprintf("%d connection%s attached to %s", n, plural(n), args[1])
		err = srv.WaitAttached(ctx, args[1], n)
	case "present", "absent":
		if len(args) != 3 {
			ts.Fatalf(usage)
		}
		what = fmt.Sprintf("%s %s on %s", args[2], args[0], args[1])
		wait := srv.WaitPresent
		if args[0] == "absent" {
			wait = srv.WaitAbsent
		}
		err = wait(ctx, args[1], args[2])
	case "states":
		if len(args) != 2 {
			ts.Fatalf(usage)
		}
		n := atoi(ts, "realtime wait states", args[1])
		what = fmt.Sprintf("%d connection state%s kept", n, plural(n))
		err = srv.WaitStates(ctx, n)
	case "connections":
		if len(args) != 2 {
			ts.Fatalf(usage)
		}
		n := atoi(ts, "realtime wait connections", args[1])
		what = fmt.Sprintf("%d live connection%s", n, plural(n))
		err = srv.WaitConnections(ctx, n)
	default:
		ts.Fatalf(usage)
	}
	if err != nil {
		ts.Fatalf("realtime wait: no %s within %s (%v); connections now:\n%s", what, waitTimeout, err, connectionsText(srv))
	}
}

// connectionsText is what `realtime connections` prints, for a failed wait's message.
func connectionsText(srv *realtimetest.Server) string {
	var b strings.Builder
	for _, c := range srv.Connections() {
		fmt.Fprintf(&b, "  %s %s live=%t", c.ID, orDash(c.ClientID), c.Live)
		for _, a := range c.Channels {
			fmt.Fprintf(&b, " %s=%s", a.Channel, strings.Join(a.Modes.Modes(), "|"))
		}
		b.WriteString("\n")
	}
	if b.Len() == 0 {
		return "  (none)\n"
	}
	return b.String()
}

func atoi(ts *testscript.TestScript, cmd, v string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		ts.Fatalf("%s: %q is not a whole number", cmd, v)
	}
	return n
}

func intOpt(ts *testscript.TestScript, cmd string, opts map[string]string, name string, def int) int {
	v, ok := opts[name]
	if !ok {
		return def
	}
	return atoi(ts, cmd+" "+name+"=", v)
}
