package scripttest

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ably/ably-suite/pkg/fakeserver"
)

// subcommand splits a fake server command's arguments into its subcommand and the rest,
// refusing ! on the subcommands that do not take it; own lists the server's own
// subcommands for the usage line.
func subcommand(ts *testscript.TestScript, cmd string, neg bool, args []string, own string) (string, []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: %s %s|fault|nofaults|requests|forget|header|violations ...", cmd, own)
	}
	sub := args[0]
	if neg && sub != "header" && sub != "violations" {
		ts.Fatalf("%s %s does not take !", cmd, sub)
	}
	return sub, args[1:]
}

// serverCommand runs the subcommands every fake server has, on its pkg/fakeserver
// plumbing, the same under fake and rest: fault, nofaults, requests, forget, header
// (printing credentials through redact) and violations. It reports whether sub was one.
func serverCommand(ts *testscript.TestScript, cmd, server string, srv *fakeserver.Server, neg bool, sub string, args []string, redact func(string) string) bool {
	switch sub {
	case "fault":
		srv.AddFault(faultArgs(ts, cmd, args))
	case "nofaults":
		srv.ClearFaults()
	case "requests":
		requestsCommand(ts, cmd, args, srv)
	case "forget":
		if len(args) != 0 {
			ts.Fatalf("usage: %s forget", cmd)
		}
		srv.ResetRequests()
	case "header":
		headerCommand(ts, cmd, neg, args, srv, redact)
	case "violations":
		violationsCommand(ts, cmd, server, neg, srv)
	default:
		return false
	}
	return true
}

// requestsCommand implements `<cmd> requests [-count N] [METHOD] [PATTERN]` over a fake
// server's log: it prints the matching requests, or with -count asserts how many there were.
func requestsCommand(ts *testscript.TestScript, cmd string, args []string, srv *fakeserver.Server) {
	want := -1
	if len(args) >= 2 && args[0] == "-count" {
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 0 {
			ts.Fatalf("%s requests: -count %q is not a count", cmd, args[1])
		}
		want, args = n, args[2:]
	}
	method, pattern := methodAndPattern(ts, cmd+" requests [-count N] [METHOD] [PATTERN]", args)
	reqs := srv.RequestsMatching(method, pattern)
	var b strings.Builder
	fmt.Fprintf(&b, "%d request%s\n", len(reqs), plural(len(reqs)))
	for _, r := range reqs {
		line := r.Method + " " + r.Path
		if r.RawQuery != "" {
			line += "?" + r.RawQuery
		}
		fmt.Fprintf(&b, "%s %d\n", line, r.Status)
	}
	if want < 0 {
		io.WriteString(ts.Stdout(), b.String())
		return
	}
	if len(reqs) != want {
		ts.Fatalf("%s requests: %d matched %s %s, want %d:\n%s", cmd, len(reqs), orAny(method), orAny(pattern), want, b.String())
	}
}

// headerCommand implements `[!] <cmd> header NAME [METHOD] [PATTERN]`: it prints header NAME
// of the last matching request (credentials redacted), or with ! asserts it is absent.
func headerCommand(ts *testscript.TestScript, cmd string, neg bool, args []string, srv *fakeserver.Server, redact func(string) string) {
	if len(args) < 1 {
		ts.Fatalf("usage: %s header NAME [METHOD] [PATTERN]", cmd)
	}
	name := args[0]
	method, pattern := methodAndPattern(ts, cmd+" header NAME [METHOD] [PATTERN]", args[1:])
	reqs := srv.RequestsMatching(method, pattern)
	if len(reqs) == 0 {
		ts.Fatalf("%s header: no request matched %s %s", cmd, orAny(method), orAny(pattern))
	}
	last := reqs[len(reqs)-1]
	values, ok := last.Header[http.CanonicalHeaderKey(name)]
	switch {
	case neg && ok:
		ts.Fatalf("%s header: %s %s carried %s, want it absent", cmd, last.Method, last.Path, name)
	case neg:
		return
	case !ok:
		ts.Fatalf("%s header: %s %s did not carry %s", cmd, last.Method, last.Path, name)
	}
	for _, v := range values {
		fmt.Fprintln(ts.Stdout(), redact(v))
	}
}

// faultArgs reads `<cmd> fault [METHOD] PATH STATUS|drop [retry-after=V] [delay=DUR] [times=N]
// [body=TEXT]`, the same for both fake servers; drop closes the connection unanswered.
func faultArgs(ts *testscript.TestScript, cmd string, args []string) fakeserver.Fault {
	usage := "usage: " + cmd + " fault [METHOD] PATH STATUS|drop [retry-after=V] [delay=DUR] [times=N] [body=TEXT]"
	var f fakeserver.Fault
	if len(args) > 0 && isMethod(args[0]) {
		f.Method, args = args[0], args[1:]
	}
	if len(args) < 2 {
		ts.Fatalf("%s", usage)
	}
	f.Path = args[0]
	if args[1] == "drop" { // read the request, then close the connection unanswered
		args[1], f.Drop = "0", true
	}
	status, err := strconv.Atoi(args[1])
	if err != nil || (status != 0 && (status < 100 || status > 599)) {
		ts.Fatalf(cmd+" fault: status %q is not an HTTP status\n%s", args[1], usage)
	}
	f.Status = status
	for k, v := range pairs(ts, cmd+" fault", args[2:], "retry-after", "delay", "times", "body") {
		switch k {
		case "retry-after":
			f.RetryAfter = v
		case "delay":
			if f.Delay, err = time.ParseDuration(v); err != nil {
				ts.Fatalf(cmd+" fault: delay=%q: %v", v, err)
			}
		case "times":
			if f.Times, err = strconv.Atoi(v); err != nil || f.Times < 0 {
				ts.Fatalf(cmd+" fault: times=%q is not a count", v)
			}
		case "body":
			f.Body = v
		}
	}
	return f
}

// violationsCommand implements `[!] <cmd> violations` over a fake server's spec check:
// without !, fail if a request or response broke the spec (passing, saying so, when the
// spec is missing); with !, require at least one, print them and forget them.
func violationsCommand(ts *testscript.TestScript, cmd, server string, neg bool, srv *fakeserver.Server) {
	if srv.Checker() == nil {
		if neg {
			ts.Fatalf("! %s violations: %s does not validate (its spec is missing); guard the line with [spec]", cmd, server)
		}
		ts.Logf("%s violations: not checked: the spec is missing, so %s does not validate", cmd, server)
		return
	}
	v := srv.SpecViolations()
	if !neg {
		if len(v) > 0 {
			ts.Fatalf("%s saw %d spec violation%s:\n%s", server, len(v), plural(len(v)), strings.Join(v, "\n"))
		}
		return
	}
	if len(v) == 0 {
		ts.Fatalf("! %s violations: there were none", cmd)
	}
	out := ts.Stdout()
	for _, line := range v {
		fmt.Fprintln(out, line)
	}
	srv.ResetSpecViolations()
}
