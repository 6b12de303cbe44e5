// Command bench measures the suite's speed and writes the report, BENCHMARKS.md:
//
//	go run ./bench -o BENCHMARKS.md [-n 50]
//	go run ./bench -check DIR    # CI: every binary in DIR is static and within its size goal
//
// It builds the suite with README.md's install command and measures, side by side in one run:
// the dispatcher's overhead (`ably auth ...` against `ably-auth ...`, and against the exec
// floor, a Go program that does nothing but exec the plugin), a plugin's start-up against the
// print floor (a Go program that only prints), `ably auth issue-jwt-token` end to end,
// `ably help` with 20 plugins (cold and cached), JWT issuing in-process, peak memory, binary
// sizes, the HTTP requests each Control API command makes, and the client's overhead per
// call, `ably channels publish` and history against the fake REST API, and each binary's
// size against its goal. Every time is the median of n runs (at least
// 30), commands alternating.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
)

func main() {
	n := flag.Int("n", 50, "runs of each command (at least 30)")
	outPath := flag.String("o", "", "also write the report to this file (e.g. BENCHMARKS.md)")
	checkDir := flag.String("check", "", "only check that every binary in this `directory` is static and within its size goal")
	flag.Parse()
	if *checkDir != "" {
		if err := checkInstalled(*checkDir); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *n < 30 {
		fmt.Fprintln(os.Stderr, "bench: -n must be at least 30")
		os.Exit(2)
	}
	r, err := run(*n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	fmt.Print(r)
	if *outPath != "" {
		if err := os.WriteFile(*outPath, []byte(r.String()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
	}
}

// bench is one run of the benchmarks: where the suite was built, and the report.
type bench struct {
	n       int
	dir     string // scratch directory
	bin     string // the suite's binaries
	probe   string // the RSS probe
	env     []string
	helpEnv []string
	r       *report
}

func run(n int) (*report, error) {
	dir, err := os.MkdirTemp("", "ably-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	b := &bench{n: n, dir: dir, bin: filepath.Join(dir, "bin"), r: &report{}}
	if err := installAsReadme(b.bin); err != nil {
		return nil, fmt.Errorf("installing: %w", err)
	}
	if b.probe, err = buildTool(dir, "rss-probe", rssProbeSource); err != nil {
		return nil, err
	}
	b.env = []string{
		"PATH=" + b.bin, "HOME=" + filepath.Join(dir, "home"),
		"ABLY_API_KEY=benchApp.benchKey:0123456789abcdef0123456789abcdef",
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"FLOOR_TARGET=" + filepath.Join(b.bin, "ably-auth"),
	}

	fmt.Fprintf(&b.r.b, "# Benchmarks\n\nMade by `go run ./bench -o BENCHMARKS.md` (%d runs of each command, alternating; times are medians) on %s, %s/%s, %d CPUs, %s.\n",
		n, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"))
	for _, step := range []func() error{b.dispatch, b.startup, b.helpWith20Plugins, b.inProcess, b.memory, b.requestsPerCommand, b.clientOverhead, b.dataPlane, b.realtimePlane, b.emulatorPlane, b.binarySizes} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return b.r, nil
}

// dispatch times issue-jwt-token through ably, directly, and through the exec floor.
func (b *bench) dispatch() error {
	floorPath, err := buildTool(b.dir, "exec-floor", execFloorSource)
	if err != nil {
		return err
	}
	args := []string{"issue-jwt-token", "--token-only"}
	via := command{name: "ably auth issue-jwt-token --token-only", path: filepath.Join(b.bin, "ably"), args: append([]string{"auth"}, args...)}
	direct := command{name: "ably-auth issue-jwt-token --token-only", path: filepath.Join(b.bin, "ably-auth"), args: args}
	floor := command{name: "exec floor: a Go program that only execs ably-auth", path: floorPath, args: args}
	cmds := []command{via, direct, floor}
	s, err := alternate(b.n, b.env, nil, cmds...)
	if err != nil {
		return err
	}
	ma, mb, mf := s[0].quantile(0.5), s[1].quantile(0.5), s[2].quantile(0.5)
	b.r.heading("Dispatch and `issue-jwt-token` end to end")
	rows := [][]string{}
	for i, c := range cmds {
		rows = append(rows, []string{"`" + c.name + "`", ms(s[i].quantile(0.5)), ms(s[i].quantile(0.1)), ms(s[i].quantile(0.9))})
	}
	b.r.table([]string{"command", "median", "p10", "p90"}, rows)
	b.r.table([]string{"figure", "value", "target", ""}, [][]string{
		{"dispatcher overhead (median difference)", ms(ma - mb), "≤ 1 ms", verdict(ma-mb <= time.Millisecond)},
		{"ratio through ably / direct", fmt.Sprintf("%.2f", float64(ma)/float64(mb)), "≤ 1.5", verdict(float64(ma)/float64(mb) <= 1.5)},
		{"overhead of the exec floor (no dispatcher work at all)", ms(mf - mb), "", ""},
		{"dispatcher's own work (overhead beyond the floor)", ms(ma - mf), "", ""},
		{"`ably auth issue-jwt-token` end to end", ms(ma), "≤ 10 ms", verdict(ma <= 10*time.Millisecond)},
	})
	b.r.para("The dispatcher execs the plugin in place, so its overhead is one more start of a Go program; the exec floor shows what that costs on this machine with no dispatcher work at all.")
	return nil
}

// startup times a plugin's start against the print floor, the two alternating on their own
// (after another run of the same binary a plugin starts faster, so it is not timed in the
// dispatch round).
func (b *bench) startup() error {
	floorPath, err := buildTool(b.dir, "print-floor", printFloorSource)
	if err != nil {
		return err
	}
	floor := command{name: "print floor: a Go program that only prints", path: floorPath}
	plugin := command{name: "ably-auth issue-jwt-token --token-only", path: filepath.Join(b.bin, "ably-auth"), args: []string{"issue-jwt-token", "--token-only"}}
	s, err := alternate(b.n, b.env, nil, floor, plugin)
	if err != nil {
		return err
	}
	mf, mp := s[0].quantile(0.5), s[1].quantile(0.5)
	ratio := float64(mp) / float64(mf)
	b.r.heading("Start-up against the print floor")
	b.r.para("The print floor is a Go program that only prints a line, built like the suite (static, stripped). A plugin within a small multiple of it does no work at start-up that its command does not need; the ratio tolerates a loaded machine better than the times.")
	rows := [][]string{}
	for i, c := range []command{floor, plugin} {
		rows = append(rows, []string{"`" + c.name + "`", ms(s[i].quantile(0.5)), ms(s[i].quantile(0.1)), ms(s[i].quantile(0.9))})
	}
	b.r.table([]string{"command", "median", "p10", "p90"}, rows)
	b.r.table([]string{"figure", "value", "target", ""}, [][]string{
		{"`ably-auth issue-jwt-token --token-only` / print floor", fmt.Sprintf("%.2f", ratio), "≤ 2.0", verdict(ratio <= 2.0)},
	})
	return nil
}

func (b *bench) inProcess() error {
	res := testing.Benchmark(benchmarkIssue)
	perToken := float64(res.NsPerOp()) / 1e3
	b.r.heading("JWT issuing in-process")
	b.r.table([]string{"figure", "value", "target", ""}, [][]string{
		{"time a token", fmt.Sprintf("%.1f µs", perToken), "≤ 20 µs", verdict(perToken <= 20)},
		{"tokens a second (one core)", fmt.Sprintf("%.0f", 1e9/float64(res.NsPerOp())), "", ""},
		{"allocations a token", fmt.Sprintf("%d (%d B)", res.AllocsPerOp(), res.AllocedBytesPerOp()), "", ""},
	})
	return nil
}

// memory measures peak RSS of typical commands through the probe (median of 9 runs).
func (b *bench) memory() error {
	cmds := []struct {
		c   command
		env []string
	}{
		{command{name: "ably auth issue-jwt-token --token-only", path: filepath.Join(b.bin, "ably"), args: []string{"auth", "issue-jwt-token", "--token-only"}}, b.env},
		{command{name: "ably-auth issue-jwt-token --token-only", path: filepath.Join(b.bin, "ably-auth"), args: []string{"issue-jwt-token", "--token-only"}}, b.env},
		{command{name: "ably help (20 plugins, cached)", path: filepath.Join(b.bin, "ably"), args: []string{"help"}}, b.helpEnv},
		{command{name: "ably version", path: filepath.Join(b.bin, "ably"), args: []string{"version"}}, b.env},
	}
	b.r.heading("Peak memory")
	rows := [][]string{}
	for _, x := range cmds {
		rss, err := peakRSS(b.probe, x.c, x.env, 9)
		if err != nil {
			return err
		}
		rows = append(rows, []string{"`" + x.c.name + "`", fmt.Sprintf("%.1f MB", rss), "≤ 20 MB", verdict(rss <= 20)})
	}
	b.r.table([]string{"command", "peak RSS", "target", ""}, rows)
	return nil
}

func (b *bench) binarySizes() error {
	all, err := inspectDir(b.bin)
	if err != nil {
		return err
	}
	rows := [][]string{}
	for _, f := range all {
		rows = append(rows, []string{"`" + f.name + "`", mb(f.size), "≤ " + mb(f.goal), fmt.Sprintf("%.2f", float64(f.size)/float64(f.goal)), staticWord(f), verdict(f.ok())})
	}
	b.r.heading("Binary sizes")
	b.r.para("As installed by README.md's first command; MB is 10^6 bytes. Static: no program interpreter and no shared library needed. Goals: 3 MB for the dispatcher, 9 MB for a group, 10 MB for a group that speaks Realtime (it links the WebSocket client).")
	b.r.table([]string{"binary", "size", "goal", "size / goal", "linking", ""}, rows)
	return nil
}

func benchmarkIssue(b *testing.B) {
	is := ablyauth.NewIssuer()
	key := ablyauth.Key{AppID: "app", KeyID: "key", Secret: "0123456789abcdef0123456789abcdef"}
	req := ablyauth.JWTRequest{Capability: ablyauth.Capability{"chat:*": {"publish", "subscribe"}}, TTL: time.Hour}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := is.Issue(key, req); err != nil {
			b.Fatal(err)
		}
	}
}
