package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ably/ably-suite/pkg/realtime"
	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/realtimetest"
	"github.com/ably/ably-suite/pkg/resttest"
)

// Sizes of the Realtime runs: messages through one subscriber for throughput and latency,
// and for its memory.
const (
	rtMessages      = 20_000
	rtMemoryRun     = 100_000
	rtMemoryEarly   = 10_000
	rtPaced         = 2_000
	rtConnectRuns   = 30
	rtPublishWindow = 200 // messages published and not yet acknowledged
)

// realtimePlane measures `ably channels subscribe` against the fake Realtime API over
// loopback: the time from process start to attached (its ready line), messages a second
// and publish-to-output latency through it, and its memory while 100,000 messages pass.
func (b *bench) realtimePlane() error {
	const key = "benchApp.benchKey:0123456789abcdef0123456789abcdef"
	srv := realtimetest.New()
	defer srv.Close()
	srv.AddKey(resttest.Key{Key: key})
	home := filepath.Join(b.dir, "rt-home")
	env := []string{"PATH=" + b.bin, "HOME=" + home, "ABLY_CLI_CONFIG_DIR=" + filepath.Join(home, ".ably"),
		"ABLY_API_KEY=" + key, "ABLY_ENDPOINT=" + srv.URL, "XDG_CACHE_HOME=" + filepath.Join(home, "cache")}
	ably := filepath.Join(b.bin, "ably")

	// Connect and attach: process start to the ready line on stderr.
	var attach samples
	for i := range rtConnectRuns + 3 {
		d, err := timeToReady(env, ably, "channels", "subscribe", "ready-"+strconv.Itoa(i))
		if err != nil {
			return err
		}
		if i >= 3 { // the first runs warm the page cache
			attach.add(result{wall: d})
		}
	}

	pub, err := benchPublisher(srv.URL, key)
	if err != nil {
		return err
	}
	defer pub.Close(context.Background())

	// Throughput (a flood) and latency (a paced stream, 1 message a millisecond): each
	// message carries its send time; the subscriber's JSON lines are timed as they arrive.
	rate, _, err := b.flow(env, ably, srv, pub, "flood", rtMessages, 0)
	if err != nil {
		return err
	}
	_, lat, err := b.flow(env, ably, srv, pub, "paced", rtPaced, time.Millisecond)
	if err != nil {
		return err
	}
	q := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }

	// Memory: RSS after 10,000 messages and after 100,000 (--raw to /dev/null's pace).
	mem, err := startSubscriber(env, ably, "memory", rtMemoryRun, "--raw")
	if err != nil {
		return err
	}
	if err := waitAttached(srv, "memory"); err != nil {
		return err
	}
	memCh := pub.Channel("memory", realtime.ChannelOptions{})
	var early, late int64
	seen := 0
	sent := make(chan error, 1)
	go func() { sent <- publishBulk(memCh, rtMemoryRun) }()
	for mem.lines.Scan() {
		seen++
		switch seen {
		case rtMemoryEarly:
			early = rssKB(mem.cmd.Process.Pid)
		case rtMemoryRun - 1:
			late = rssKB(mem.cmd.Process.Pid)
		}
	}
	if err := <-sent; err != nil {
		return err
	}
	if err := mem.wait(); err != nil {
		return err
	}
	if seen != rtMemoryRun || early == 0 || late == 0 {
		return fmt.Errorf("memory run: %d messages, RSS %d kB then %d kB", seen, early, late)
	}
	growth := float64(late) / float64(early)

	b.r.heading("Realtime: `ably channels subscribe` against the fake Realtime API")
	b.r.para(fmt.Sprintf("Through `ably`, with the key in the environment (the command mints its own JWT), the fake on loopback. Attach: process start to the ready line on stderr, %d runs. Throughput: %d messages published over Realtime as fast as an in-process client can (at most %d awaiting their ACK); latency: %d more, one a millisecond; each carries its send time, and the subscriber's JSON lines are timed as they arrive. Memory: resident set of the subscriber (`--raw`) after %d and after %d messages.",
		rtConnectRuns, rtMessages, rtPublishWindow, rtPaced, rtMemoryEarly, rtMemoryRun))
	b.r.table([]string{"figure", "value", "target", ""}, [][]string{
		{"connect and attach, from process start", ms(attach.quantile(0.5)) + " (p90 " + ms(attach.quantile(0.9)) + ")", "", ""},
		{"messages through one subscriber (a flood)", fmt.Sprintf("%.0f messages/s", rate), "", ""},
		{"publish to output latency p50 (1 message a ms)", ms(q(0.5)), "", ""},
		{"publish to output latency p99 (1 message a ms)", ms(q(0.99)), "", ""},
		{fmt.Sprintf("subscriber RSS after %d / %d messages", rtMemoryEarly, rtMemoryRun), fmt.Sprintf("%.1f MB / %.1f MB", float64(early)/1024, float64(late)/1024), "flat", verdict(growth <= 1.25)},
	})
	return nil
}

// flow runs `ably channels subscribe CHANNEL --count n --json` while n messages are
// published to it, pace apart (0: as fast as the window allows), and gives the messages a
// second and the latencies, sorted.
func (b *bench) flow(env []string, ably string, srv *realtimetest.Server, pub *realtime.Conn, channel string, n int, pace time.Duration) (float64, []time.Duration, error) {
	sub, err := startSubscriber(env, ably, channel, n, "--json")
	if err != nil {
		return 0, nil, err
	}
	if err := waitAttached(srv, channel); err != nil {
		return 0, nil, err
	}
	start := time.Now()
	pubErr := make(chan error, 1)
	go func() { pubErr <- publishTimed(pub.Channel(channel, realtime.ChannelOptions{}), n, start, pace) }()
	var lat []time.Duration
	var last time.Time
	for sub.lines.Scan() {
		var rec struct{ Data string }
		if err := json.Unmarshal(sub.lines.Bytes(), &rec); err != nil {
			return 0, nil, fmt.Errorf("subscriber printed %q: %v", sub.lines.Text(), err)
		}
		sent, _ := strconv.ParseInt(rec.Data, 10, 64)
		last = time.Now()
		lat = append(lat, last.Sub(start.Add(time.Duration(sent))))
	}
	if err := <-pubErr; err != nil {
		return 0, nil, err
	}
	if err := sub.wait(); err != nil {
		return 0, nil, err
	}
	if len(lat) != n {
		return 0, nil, fmt.Errorf("the subscriber printed %d messages, want %d", len(lat), n)
	}
	slices.Sort(lat)
	return float64(n) / last.Sub(start).Seconds(), lat, nil
}

// timeToReady starts a long-running command, times it to its ready line on stderr, and
// stops it with SIGINT, as Ctrl-C would.
func timeToReady(env []string, path string, args ...string) (time.Duration, error) {
	cmd := exec.Command(path, args...)
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	r := bufio.NewReader(stderr)
	line, err := r.ReadString('\n')
	d := time.Since(start)
	_ = cmd.Process.Signal(syscall.SIGINT)
	go func() { _, _ = io.Copy(io.Discard, r) }()
	if werr := cmd.Wait(); err == nil && werr != nil {
		err = werr
	}
	if err != nil || !strings.HasPrefix(line, "Subscribed to") {
		return 0, fmt.Errorf("%s %s: %q, %v", filepath.Base(path), strings.Join(args, " "), line, err)
	}
	return d, nil
}

type subscriber struct {
	cmd    *exec.Cmd
	lines  *bufio.Scanner
	stderr strings.Builder
}

func startSubscriber(env []string, path, channel string, count int, format string) (*subscriber, error) {
	s := &subscriber{cmd: exec.Command(path, "channels", "subscribe", channel, "--count", strconv.Itoa(count), format)}
	s.cmd.Env = env
	s.cmd.Stderr = &s.stderr
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s.lines = bufio.NewScanner(out)
	return s, s.cmd.Start()
}

func (s *subscriber) wait() error {
	if err := s.cmd.Wait(); err != nil {
		return fmt.Errorf("subscriber: %v: %s", err, s.stderr.String())
	}
	return nil
}

func waitAttached(srv *realtimetest.Server, channel string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.WaitAttached(ctx, channel, 1); err != nil {
		return err
	}
	time.Sleep(50 * time.Millisecond) // for the ATTACHED to reach the subscriber
	return nil
}

func benchPublisher(endpoint, key string) (*realtime.Conn, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return realtime.Connect(ctx, realtime.Options{Endpoint: u, Key: key, NoEcho: true})
}

// publishTimed publishes n messages, one a MESSAGE, pace apart (0: back to back), each
// with its send time (ns after start) as data, keeping at most rtPublishWindow
// unacknowledged.
func publishTimed(ch *realtime.Channel, n int, start time.Time, pace time.Duration) error {
	window := make(chan struct{}, rtPublishWindow)
	errs := make(chan error, 1)
	for i := range n {
		if pace > 0 {
			time.Sleep(time.Until(start.Add(time.Duration(i) * pace)))
		}
		window <- struct{}{}
		data, _ := json.Marshal(strconv.FormatInt(int64(time.Since(start)), 10))
		ch.PublishAsync([]proto.Message{{Name: "t", Data: data}}, func(_ []string, err error) {
			if err != nil {
				select {
				case errs <- err:
				default:
				}
			}
			<-window
		})
	}
	for range rtPublishWindow {
		window <- struct{}{}
	}
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// publishBulk publishes n small messages, 100 a MESSAGE.
func publishBulk(ch *realtime.Channel, n int) error {
	ctx := context.Background()
	for i := 0; i < n; i += 100 {
		msgs := make([]proto.Message, 100)
		for j := range msgs {
			msgs[j] = proto.Message{Data: json.RawMessage(`"m` + strconv.Itoa(i+j) + `"`)}
		}
		if _, err := ch.Publish(ctx, msgs...); err != nil {
			return err
		}
	}
	return nil
}

// rssKB is a process's resident set size in kB (VmRSS of /proc/PID/status); 0 if unknown.
func rssKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
