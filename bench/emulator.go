package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/ably/ably-suite/pkg/realtime"
)

// Sizes of the emulator's runs: starts timed, messages published for each number of
// subscribers (fewer with more subscribers, for about the same deliveries), the paced run
// for latency, and the idle connections whose memory is measured.
const (
	emuStartRuns    = 30
	emuPaced        = 500
	emuIdleConns    = 1_000
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
// of the suite's own), and the emulator's memory per idle Realtime connection.
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
	perConn, err := idleMemory(emu)
	if err != nil {
		return err
	}
	rows = append(rows, []string{fmt.Sprintf("memory per idle Realtime connection (%d connections)", emuIdleConns), fmt.Sprintf("%.1f kB", perConn), "", ""})

	b.r.heading("The emulator: `ably emulator start`")
	b.r.para(fmt.Sprintf("The installed ably-emulator on loopback, port 0. Start-up: process start to the environment (JSON) on stdout, %d runs, each then stopped with SIGTERM. Fan-out: one publisher and N subscribers, all Realtime connections of the suite's own client in the bench's process, with the emulator's seeded root key; messages published as fast as the ACK window allows (deliveries counted over all subscribers), then %d more, paced (one a millisecond, one every 10 ms for 100 subscribers), for latency (each carries its send time). Memory: the emulator's resident set before and after %d more idle connections, per connection.",
		emuStartRuns, emuPaced, emuIdleConns))
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

// idleMemory opens emuIdleConns connections to the emulator and gives its resident set's
// growth per connection, in kB.
func idleMemory(emu *runningEmulator) (float64, error) {
	pid := emu.cmd.Process.Pid
	time.Sleep(200 * time.Millisecond) // let the fan-out's connections go
	before := rssKB(pid)
	var conns []*realtime.Conn
	defer func() {
		for _, c := range conns {
			_ = c.Close(context.Background())
		}
	}()
	for range emuIdleConns {
		c, err := benchPublisher(emu.doc.URL, emu.doc.APIKey)
		if err != nil {
			return 0, err
		}
		conns = append(conns, c)
	}
	time.Sleep(200 * time.Millisecond)
	after := rssKB(pid)
	if before == 0 || after == 0 {
		return 0, fmt.Errorf("the emulator's memory cannot be read (RSS %d kB, then %d kB)", before, after)
	}
	return float64(after-before) / emuIdleConns, nil
}
