package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"

	"github.com/ably/ably-suite/pkg/realtime"
	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// Sizes of the emulator's runs: starts timed, messages published for each number of
// subscribers (fewer with more subscribers, for about the same deliveries), the paced run
// for latency, and the idle connections whose memory is measured.
const (
	emuStartRuns    = 30
	emuPaced        = 500
	emuIdleConns    = 10_000
	emuIdleDialers  = 64 // idle connections being opened at once
	emuReadyTimeout = 15 * time.Second
)

// emuFanouts: the latency runs are paced below the flood's rate, so that they time
// delivery, not a queue (100 subscribers at 1 message a ms would be 100,000 deliveries a
// second).
var emuFanouts = []struct {
	subscribers, messages int
	pace                  time.Duration
}{{1, 10_000, time.Millisecond}, {10, 2_000, time.Millisecond}, {100, 300, 10 * time.Millisecond}}

// emulatorPlane measures the installed `ably-emulator start`: process start to the
// environment on its stdout (ready), then, through one emulator, messages a second and
// publish-to-subscriber latency with 1, 10 and 100 subscribers (in-process Realtime clients
// of the suite's own), and the emulator's memory per idle Realtime connection (bare
// WebSockets: 10,000 full clients would weigh on the bench's process, not the emulator).
func (b *bench) emulatorPlane() error {
	exe := filepath.Join(b.bin, "ably-emulator")
	home := filepath.Join(b.dir, "emu-home")
	env := []string{"PATH=" + b.bin, "HOME=" + home, "ABLY_CLI_CONFIG_DIR=" + filepath.Join(home, ".ably")}

	var ready samples
	for i := range emuStartRuns + 3 {
		emu, err := startEmulator(env, exe)
		if err != nil {
			return err
		}
		emu.stop()
		if i >= 3 { // the first runs warm the page cache
			ready.add(result{wall: emu.ready})
		}
	}

	emu, err := startEmulator(env, exe)
	if err != nil {
		return err
	}
	defer emu.stop()
	rows := [][]string{{"start-up to ready (the environment on stdout)", ms(ready.quantile(0.5)) + " (p90 " + ms(ready.quantile(0.9)) + ")", "", ""}}
	for _, f := range emuFanouts {
		rate, _, err := fanout(emu.doc, fmt.Sprintf("fan-%d", f.subscribers), f.subscribers, f.messages, 0)
		if err != nil {
			return err
		}
		_, lat, err := fanout(emu.doc, fmt.Sprintf("paced-%d", f.subscribers), f.subscribers, emuPaced, f.pace)
		if err != nil {
			return err
		}
		q := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
		rows = append(rows,
			[]string{fmt.Sprintf("%d subscriber(s): messages delivered a second (a flood of %d)", f.subscribers, f.messages), fmt.Sprintf("%.0f /s", rate), "", ""},
			[]string{fmt.Sprintf("%d subscriber(s): latency p50 / p99 (1 message every %s)", f.subscribers, f.pace), ms(q(0.5)) + " / " + ms(q(0.99)), "", ""})
	}
	idle, err := idleMemory(emu)
	if err != nil {
		return err
	}
	rows = append(rows, []string{fmt.Sprintf("memory per idle Realtime connection (%s held %.0f s, all still connected at the end)", thousands(emuIdleConns), idle.held.Seconds()),
		fmt.Sprintf("%.1f kB (%.1f MB in all); opening them took %.1f s", idle.perConnKB, idle.growthMB, idle.opening.Seconds()), "", ""})

	b.r.heading("The emulator: `ably emulator start`")
	b.r.para(fmt.Sprintf("The installed ably-emulator on loopback, port 0. Start-up: process start to the environment (JSON) on stdout, %d runs, each then stopped with SIGTERM. Fan-out: one publisher and N subscribers, all Realtime connections of the suite's own client in the bench's process, with the emulator's seeded root key; messages published as fast as the ACK window allows (deliveries counted over all subscribers), then %d more, paced (one a millisecond, one every 10 ms for 100 subscribers), for latency (each carries its send time). Memory: the emulator's resident set before and after %s more idle connections, bare WebSockets (JSON, the root key) opened from the bench's process %d at a time, each read to its CONNECTED and then only its pings answered; the growth per connection and in all, and the time from the first dial to the last CONNECTED. The connections are held one maxIdleInterval (%.0f s) and 2 s more, so that each has been pinged, and all must still be connected when the resident set is read again.",
		emuStartRuns, emuPaced, thousands(emuIdleConns), emuIdleDialers, idle.maxIdle.Seconds()))
	b.r.table([]string{"figure", "value", "target", ""}, rows)
	return nil
}

// runningEmulator is an emulator process started by the bench.
type runningEmulator struct {
	cmd   *exec.Cmd
	ready time.Duration
	doc   struct{ URL, APIKey string }
}

func startEmulator(env []string, exe string) (*runningEmulator, error) {
	e := &runningEmulator{cmd: exec.Command(exe, "start", "--port", "0", "--json")}
	e.cmd.Env = env
	out, err := e.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := e.cmd.Start(); err != nil {
		return nil, err
	}
	line := make(chan []byte, 1)
	go func() {
		b, _ := bufio.NewReader(out).ReadBytes('\n')
		line <- b
	}()
	select {
	case l := <-line:
		e.ready = time.Since(start)
		var doc struct {
			URL    string `json:"url"`
			APIKey string `json:"apiKey"`
		}
		if err := json.Unmarshal(l, &doc); err != nil || doc.URL == "" {
			e.stop()
			return nil, fmt.Errorf("ably-emulator start printed %q", l)
		}
		e.doc.URL, e.doc.APIKey = doc.URL, doc.APIKey
		return e, nil
	case <-time.After(emuReadyTimeout):
		e.stop()
		return nil, fmt.Errorf("ably-emulator start: not ready within %s", emuReadyTimeout)
	}
}

func (e *runningEmulator) stop() {
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	_ = e.cmd.Wait()
}

// fanout attaches subs subscribers to channel, publishes n timed messages pace apart (0:
// as fast as the window allows), and gives the deliveries a second and their latencies,
// sorted.
func fanout(emu struct{ URL, APIKey string }, channel string, subs, n int, pace time.Duration) (float64, []time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var (
		mu    sync.Mutex
		lat   []time.Duration
		last  time.Time
		start time.Time
		all   = make(chan struct{})
	)
	total := subs * n
	var conns []*realtime.Conn
	defer func() {
		for _, c := range conns {
			_ = c.Close(context.Background())
		}
	}()
	for range subs {
		c, err := benchPublisher(emu.URL, emu.APIKey)
		if err != nil {
			return 0, nil, err
		}
		conns = append(conns, c)
		ch := c.Channel(channel, realtime.ChannelOptions{OnMessage: func(ev realtime.MessageEvent) {
			var sent string
			_ = json.Unmarshal(ev.Message.Data, &sent)
			ns, _ := strconv.ParseInt(sent, 10, 64)
			now := time.Now()
			mu.Lock()
			lat = append(lat, now.Sub(start.Add(time.Duration(ns))))
			last = now
			if len(lat) == total {
				close(all)
			}
			mu.Unlock()
		}})
		if _, err := ch.Attach(ctx); err != nil {
			return 0, nil, err
		}
	}
	pub, err := benchPublisher(emu.URL, emu.APIKey)
	if err != nil {
		return 0, nil, err
	}
	conns = append(conns, pub)
	mu.Lock()
	start = time.Now()
	mu.Unlock()
	if err := publishTimed(pub.Channel(channel, realtime.ChannelOptions{}), n, start, pace); err != nil {
		return 0, nil, err
	}
	select {
	case <-all:
	case <-ctx.Done():
		mu.Lock()
		got := len(lat)
		mu.Unlock()
		return 0, nil, fmt.Errorf("fan-out to %d: %d of %d deliveries", subs, got, total)
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(lat)
	return float64(total) / last.Sub(start).Seconds(), lat, nil
}

// idleFigures is what idleMemory measures.
type idleFigures struct {
	perConnKB, growthMB float64
	opening             time.Duration // first dial to last CONNECTED
	maxIdle, held       time.Duration
}

// idleMemory opens emuIdleConns idle connections to the emulator, holds them past its
// maxIdleInterval, and gives its resident set's growth; it fails unless all are still
// connected at the end.
func idleMemory(emu *runningEmulator) (idleFigures, error) {
	pid := emu.cmd.Process.Pid
	for _, p := range []struct {
		who string
		pid int
	}{{"the bench", os.Getpid()}, {"the emulator", pid}} {
		if n := openFileLimit(p.pid); n > 0 && n < emuIdleConns+256 {
			return idleFigures{}, fmt.Errorf("%s may open %d files, too few for %s idle connections: raise the limit (ulimit -n)", p.who, n, thousands(emuIdleConns))
		}
	}
	time.Sleep(200 * time.Millisecond) // let the fan-out's connections go
	before := rssKB(pid)
	start := time.Now()
	idle, err := openIdle(emu.doc.URL, emu.doc.APIKey, emuIdleConns)
	if err != nil {
		return idleFigures{}, err
	}
	defer idle.close()
	f := idleFigures{opening: time.Since(start), maxIdle: idle.maxIdle, held: idle.maxIdle + 2*time.Second}
	time.Sleep(f.held)
	after := rssKB(pid)
	if n := idle.open(); n != emuIdleConns {
		return idleFigures{}, fmt.Errorf("idle connections: %d of %d still connected after %s", n, emuIdleConns, f.held)
	}
	if before == 0 || after == 0 {
		return idleFigures{}, fmt.Errorf("the emulator's memory cannot be read (RSS %d kB, then %d kB)", before, after)
	}
	f.perConnKB = float64(after-before) / emuIdleConns
	f.growthMB = float64(after-before) / 1024
	return f, nil
}

// idleSet is a set of idle Realtime connections, each with a reader that discards what
// the server sends: coder/websocket answers a ping only while a read is in flight.
type idleSet struct {
	conns   []*websocket.Conn
	live    atomic.Int64 // readers still running
	maxIdle time.Duration
	cancel  context.CancelFunc
	readers sync.WaitGroup
}

// openIdle opens n connections to the Realtime endpoint with key, emuIdleDialers at a
// time, each read to its CONNECTED.
func openIdle(endpoint, key string, n int) (*idleSet, error) {
	base, err := url.Parse(endpoint)
	if err != nil {
		return nil, err
	}
	// Pings, not HEARTBEAT frames: nothing but control frames on an idle connection.
	u, err := realtime.ConnectParams{Key: key}.URL(base)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &idleSet{conns: make([]*websocket.Conn, n), cancel: cancel}
	var (
		next    atomic.Int64
		failed  atomic.Bool
		errOnce sync.Once
		first   error
		dialers sync.WaitGroup
		maxIdle atomic.Int64
	)
	for range min(emuIdleDialers, n) {
		dialers.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				c, idle, err := dialIdle(ctx, u.String())
				if err != nil {
					failed.Store(true)
					errOnce.Do(func() { first = fmt.Errorf("idle connection %d of %d: %w", i+1, n, err) })
					return
				}
				maxIdle.Store(int64(idle))
				s.conns[i] = c
				s.live.Add(1)
				s.readers.Go(func() { s.hold(ctx, c) })
			}
		})
	}
	dialers.Wait()
	s.maxIdle = time.Duration(maxIdle.Load())
	if first != nil {
		s.close()
		if errors.Is(first, syscall.EMFILE) {
			first = fmt.Errorf("%w (the bench may open %d files)", first, openFileLimit(os.Getpid()))
		}
		return nil, first
	}
	return s, nil
}

// dialIdle opens one connection and reads it to its CONNECTED, giving the maxIdleInterval
// it states.
func dialIdle(ctx context.Context, u string) (*websocket.Conn, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, u, nil)
	if err != nil {
		return nil, 0, err
	}
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			_ = c.CloseNow()
			return nil, 0, err
		}
		var pm proto.ProtocolMessage
		if err := json.Unmarshal(data, &pm); err != nil {
			_ = c.CloseNow()
			return nil, 0, fmt.Errorf("the server sent %q: %w", data, err)
		}
		switch pm.Action {
		case proto.ActionConnected:
			var idle time.Duration
			if pm.ConnectionDetails != nil {
				idle = pm.ConnectionDetails.MaxIdle()
			}
			return c, idle, nil
		case proto.ActionError, proto.ActionDisconnected, proto.ActionClosed:
			_ = c.CloseNow()
			if pm.Error != nil {
				return nil, 0, fmt.Errorf("%s: %w", pm.Action, pm.Error)
			}
			return nil, 0, fmt.Errorf("%s before CONNECTED", pm.Action)
		}
	}
}

// hold reads c until it ends: closed, or ended by the server with DISCONNECTED, ERROR or
// CLOSED.
func (s *idleSet) hold(ctx context.Context, c *websocket.Conn) {
	defer s.live.Add(-1)
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			return
		}
		var pm struct{ Action proto.Action }
		if json.Unmarshal(data, &pm) == nil {
			switch pm.Action {
			case proto.ActionDisconnected, proto.ActionError, proto.ActionClosed:
				return
			}
		}
	}
}

// open is how many of the connections are still connected.
func (s *idleSet) open() int { return int(s.live.Load()) }

func (s *idleSet) close() {
	s.cancel()
	for _, c := range s.conns {
		if c != nil {
			_ = c.CloseNow()
		}
	}
	s.readers.Wait()
}

// openFileLimit is a process's soft limit on open files (/proc/PID/limits); 0 if unknown.
func openFileLimit(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Max open files"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				n, _ := strconv.Atoi(f[0])
				return n
			}
		}
	}
	return 0
}

// thousands writes n with commas: 10,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
