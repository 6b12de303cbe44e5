// Package emulatorcli holds the commands of the ably-emulator plugin (`ably emulator ...`):
// a local Ably (package emulator) for this suite, Ably's SDKs and anyone's tests.
package emulatorcli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/emulator"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
)

// Plugin is the ably-emulator plugin.
func Plugin() plugin.Plugin {
	return plugin.Plugin{
		Metadata: plugin.Metadata{
			Name:             "emulator",
			Vendor:           "Ably",
			ShortDescription: "Run a local Ably: Control API, REST and Realtime on one port",
		},
		Description: `A local Ably on loopback, for trying this suite, Ably's SDKs and your own tests without
the internet or an account: the Control API under /v1, the REST API and the Realtime
WebSocket on one port, with an account, an app, a root key and an access token ready.
What the Control API creates works on the data plane: a key created with 'ably auth keys
create' publishes and subscribes with exactly its capability, each app has its own
channels, and an http integration rule posts the messages (or presence changes) of the
channels it matches to its URL as Ably does, each delivery and failure shown by --verbose
and in the app's log ('ably logs history', 'ably logs subscribe').

Examples:
   ably emulator start
   eval "$(ably emulator start --detach)"; ably apps list; ably emulator stop
   ably emulator start --port 9000 --json`,
		Commands: []*cli.Command{startCommand(), statusCommand(), stopCommand()},
	}
}

// Main runs ably-emulator.
func Main() { plugin.Main(Plugin()) }

const (
	flagHost        = "host"
	flagPort        = "port"
	flagAllowRemote = "allow-remote"
	flagDetach      = "detach"
	flagSeed        = "seed"
	flagState       = "state"
	defaultHost     = "127.0.0.1"
	shutdownTimeout = 5 * time.Second
)

func startCommand() *cli.Command {
	return &cli.Command{
		Name:  "start",
		Usage: "Start the emulator and print the environment that points clients at it",
		Description: fmt.Sprintf(`Serves the Control API (under /v1), the REST API and the Realtime WebSocket on one port of
%s (--port, default %d; 0 picks a free port), seeded with an account, an app with a root
key granting every capability on every channel, metachannels too ({"[*]*":["*"]}, so that
'ably logs' reads the app's logs with it), and an access token with every Control API capability, their
secrets drawn at random on each start. Once it is ready it prints on stdout the environment
for clients (ABLY_CONTROL_HOST, ABLY_ENDPOINT, ABLY_API_KEY, ABLY_ACCESS_TOKEN) as shell
exports, or as one JSON document with --json, and runs until Ctrl-C (or SIGTERM), which
tells every Realtime connection it is disconnected and stops with exit 0.

With --detach it runs in the background instead: the command returns once it is ready,
printing the same, so that 'eval "$(ably emulator start --detach)"' points the shell at it.
'ably emulator status' and 'ably emulator stop' find it by its pid file (emulator.json in
the config directory, beside its log, emulator.log); it stops by itself if that file is
deleted. One runs in the background per config directory.

--state FILE keeps what it holds across runs: the accounts, apps, keys, channel rules,
queues, integration rules and access tokens, and the credentials it prints, read when it
starts (if the file exists) and written when it stops (atomically, 0600: it holds secrets). A
file that is not an emulator's state is refused, with its line, and left as it is. Messages
and presence are not kept.

--seed FILE starts it with an account, apps, keys, channel rules and access tokens of your
own instead, in JSON (every field optional; the first app's first key and the first token are
what it prints):

   {"account": {"id": "acc-1", "name": "Acme"}, "user": {"email": "dev@acme.example"},
    "apps": [{"id": "chat01", "name": "Chat",
              "keys": [{"name": "Root", "key": "chat01.root01:SECRET", "capability": {"*": ["*"]}}],
              "namespaces": [{"id": "logs", "persisted": true}]}],
    "accessTokens": [{"token": "AT-LEAST-16-CHARS", "name": "CI", "capabilities": ["read:app"],
                      "expiresAt": "2027-01-01T00:00:00Z"}]}

It listens only on a loopback address unless --allow-remote: anyone who can reach the port
can use its credentials.

Examples:
   ably emulator start
   eval "$(ably emulator start --detach)"
   ably emulator start --port 0 --json
   ably emulator start > emulator.env   # then, in another shell: . ./emulator.env; ably apps list`, defaultHost, emulator.DefaultPort),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: flagHost, Value: defaultHost, Usage: "the `ADDRESS` to listen on: a loopback address unless --allow-remote"},
			&cli.IntFlag{Name: flagPort, Value: emulator.DefaultPort, Usage: "the `PORT` to listen on (0: a free one)"},
			&cli.BoolFlag{Name: flagAllowRemote, Usage: "allow --host to be an address other machines can reach"},
			&cli.BoolFlag{Name: flagDetach, Usage: "run in the background; return once it is ready"},
			&cli.StringFlag{Name: flagSeed, Usage: "start with the account, apps, keys, channel rules and access tokens of `FILE` (JSON, see above)"},
			&cli.StringFlag{Name: flagState, Usage: "keep the state (accounts, apps, keys, rules, tokens, the credentials printed) in `FILE` across runs: read at start, written at stop"},
		},
		Action: plugin.Action(startOptionsOf, runStart),
	}
}

// startOptions are what `emulator start` was asked.
type startOptions struct {
	Seed   *emulator.Seed // nil: the default account
	State  string         // the state file; "" for none
	Addr   string         // host:port
	Remote bool           // the host is not loopback (allowed with --allow-remote)
	Detach bool           // run in the background
	Args   []string       // the flags a background process is started with
}

func startOptionsOf(c *cli.Context) (startOptions, error) {
	if c.Args().Present() {
		return startOptions{}, exitcode.Usagef("unexpected argument %q: '%s' takes only flags", c.Args().First(), c.Command.HelpName)
	}
	port := c.Int(flagPort)
	if port < 0 || port > 65535 {
		return startOptions{}, exitcode.Usagef("--port %d: want a port from 1 to 65535, or 0 for a free one", port)
	}
	host := strings.TrimSuffix(strings.TrimPrefix(c.String(flagHost), "["), "]")
	loopback, err := isLoopback(host)
	if err != nil {
		return startOptions{}, err
	}
	if !loopback && !c.Bool(flagAllowRemote) {
		return startOptions{}, exitcode.Usagef("--host %s is not a loopback address: other machines could use the emulator and its credentials; add --allow-remote if that is what you want", host)
	}
	o := startOptions{Addr: net.JoinHostPort(host, strconv.Itoa(port)), Remote: !loopback, Detach: c.Bool(flagDetach)}
	o.Args = []string{"--" + flagHost, host, "--" + flagPort, strconv.Itoa(port)}
	if path := c.String(flagSeed); c.IsSet(flagSeed) {
		if o.Seed, err = emulator.LoadSeed(path); err != nil {
			return o, exitcode.Usagef("--seed: %v", err)
		}
		abs, err := filepath.Abs(path) // the background process starts elsewhere
		if err != nil {
			return o, err
		}
		o.Args = append(o.Args, "--"+flagSeed, abs)
	}
	if path := c.String(flagState); c.IsSet(flagState) {
		if path == "" {
			return o, exitcode.Usagef("--state is empty: give the file to keep the state in")
		}
		if o.State, err = filepath.Abs(path); err != nil {
			return o, err
		}
		o.Args = append(o.Args, "--"+flagState, o.State)
		if err := emulator.CheckState(o.State, o.Seed != nil); err != nil {
			return o, stateError(err)
		}
	}
	if o.Remote {
		o.Args = append(o.Args, "--"+flagAllowRemote)
	}
	if plugin.DepsOf(c).Out.Verbose {
		o.Args = append(o.Args, "--verbose")
	}
	return o, nil
}

// stateError is a state file the emulator cannot take, as a usage error.
func stateError(err error) error {
	return exitcode.Usagef("--state: %s", strings.TrimPrefix(err.Error(), emulator.ErrBadState.Error()+": "))
}

// isLoopback reports whether host (a name or an address) is only reachable from this machine.
func isLoopback(host string) (bool, error) {
	if host == "" {
		return false, exitcode.Usagef("--host is empty: give an address such as %s", defaultHost)
	}
	if strings.EqualFold(host, "localhost") {
		return true, nil
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false, exitcode.Usagef("--host %q is not an IP address or localhost: give one such as %s", host, defaultHost)
	}
	return ip.IsLoopback(), nil
}

// started is what `emulator start` prints once ready, as --json.
type started struct {
	PID         int    `json:"pid,omitempty"` // a background emulator's
	URL         string `json:"url"`
	ControlHost string `json:"controlHost"`
	Endpoint    string `json:"endpoint"`
	APIKey      string `json:"apiKey"`
	AccessToken string `json:"accessToken"`
	AccountID   string `json:"accountId"`
	AppID       string `json:"appId"`
}

func runStart(ctx context.Context, d plugin.Deps, o startOptions) error {
	if o.Detach {
		return runDetached(ctx, d, o)
	}
	out := d.Out
	done := ctx.Done() // catch Ctrl-C from here on (package interrupt), start-up included
	readyFD := d.Getenv(envReadyFD)
	if o.Remote {
		out.Warnf("listening on %s, which other machines may reach: anyone who can reach it can use the emulator's credentials", o.Addr)
	}
	emu, err := emulator.Start(emulator.Options{Addr: o.Addr, Seed: o.Seed, StatePath: o.State, Now: d.Now, Rand: d.Rand, Logf: out.Verbosef})
	if errors.Is(err, emulator.ErrAddrInUse) {
		return exitcode.New(exitcode.Failure, "cannot listen on %s: the port is in use (another emulator?); choose another with --port, or 0 for a free one", o.Addr)
	}
	if errors.Is(err, emulator.ErrBadState) {
		return stateError(err)
	}
	if err != nil {
		return exitcode.New(exitcode.Failure, "cannot start the emulator: %v", err)
	}
	s := startedOf(emu)
	var stop <-chan struct{}
	if readyFD != "" {
		// In the background: record the pid, hand the credentials over, and stop when the
		// pid file stops naming this process.
		pidPath, logPath, perr := backgroundFiles(d)
		if perr == nil {
			perr = writePidFile(pidPath, logPath, emu, d.Now())
		}
		if perr == nil {
			defer removePidFileOf(pidPath, os.Getpid())
			stop = watchPidFile(ctx, pidPath, time.Second)
			s.PID = os.Getpid()
			perr = handOver(readyFD, s)
		}
		err = perr
	} else {
		err = printStarted(d, s)
	}
	if err == nil {
		out.ErrPrintf("Ably emulator ready on %s: account %q (%s), app %q (%s) with a root key. Ctrl-C stops it.\n",
			emu.URL, emu.Seeded.AccountName, s.AccountID, emu.Seeded.AppName, s.AppID)
		select {
		case <-done:
		case <-stop:
			out.ErrPrintf("The pid file no longer names this emulator: stopping.\n")
		}
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if serr := emu.Shutdown(sctx); serr != nil && err == nil {
		err = serr
	}
	if err == nil {
		out.ErrPrintf("Ably emulator stopped.\n")
	}
	return err
}

func startedOf(emu *emulator.Emulator) started {
	s := emu.Seeded
	return started{URL: emu.URL, ControlHost: emu.ControlURL(), Endpoint: emu.URL,
		APIKey: s.APIKey, AccessToken: s.AccessToken, AccountID: s.AccountID, AppID: s.AppID}
}

// printStarted prints the environment for clients: shell exports, or the document with --json.
func printStarted(d plugin.Deps, s started) error {
	if d.Out.IsJSON() {
		return d.Out.JSON(s)
	}
	for _, v := range emulator.EnvFor(s.ControlHost, s.Endpoint, s.APIKey, s.AccessToken) {
		if err := d.Out.Printf("export %s=%s\n", v.Name, shellQuote(v.Value)); err != nil {
			return err
		}
	}
	return nil
}

// runDetached is `start --detach`: unless one runs already, start a background emulator,
// wait until it is ready, and print what start prints.
func runDetached(ctx context.Context, d plugin.Deps, o startOptions) error {
	pidPath, logPath, err := backgroundFiles(d)
	if err != nil {
		return err
	}
	if p, ok, perr := readPidFile(pidPath); ok && perr == nil && running(ctx, p) {
		return exitcode.New(exitcode.Failure, "an emulator is already running in the background (pid %d, on %s): stop it with 'ably emulator stop'", p.PID, p.URL)
	}
	s, pid, err := spawn(ctx, o.Args, logPath)
	if err != nil {
		return exitcode.New(exitcode.Failure, "%v", err)
	}
	if err := printStarted(d, s); err != nil {
		return err
	}
	return d.Out.ErrPrintf("Ably emulator running in the background (pid %d) on %s; 'ably emulator stop' stops it (log: %s).\n", pid, s.URL, logPath)
}

// shellQuote quotes s for a POSIX shell: single quotes, with any single quote closed,
// escaped and reopened.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
