// Command bench measures the suite's speed and writes the report, BENCHMARKS.md:
//
//	go run ./bench -o BENCHMARKS.md [-n 50]
//
// It builds the suite as README.md installs it and measures, side by side in one run: the
// dispatcher's overhead (`ably auth ...` against `ably-auth ...`, and against the floor, a
// Go program that does nothing but exec the plugin), `ably auth issue-jwt-token` end to end,
// `ably help` with 20 plugins (cold and cached), JWT issuing in-process, peak memory, binary
// sizes, the HTTP requests each Control API command makes, and the client's overhead per
// call. Every time is the median of n runs (at least 30), commands alternating.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
)

func main() {
	n := flag.Int("n", 50, "runs of each command (at least 30)")
	outPath := flag.String("o", "", "also write the report to this file (e.g. BENCHMARKS.md)")
	flag.Parse()
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
	// Built as README.md installs the suite: without urfave/cli's doc generator (and the
	// markdown library it links, whose init costs every start).
	build := exec.Command("go", "build", "-tags", "urfave_cli_no_docs", "-o", b.bin+string(filepath.Separator), "./cmd/...")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("building: %w", err)
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
	for _, step := range []func() error{b.dispatch, b.helpWith20Plugins, b.inProcess, b.memory, b.requestsPerCommand, b.clientOverhead, b.binarySizes} {
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
	s, err := alternate(b.n, b.env, nil, via, direct, floor)
	if err != nil {
		return err
	}
	ma, mb, mf := s[0].quantile(0.5), s[1].quantile(0.5), s[2].quantile(0.5)
	b.r.heading("Dispatch and `issue-jwt-token` end to end")
	rows := [][]string{}
	for i, c := range []command{via, direct, floor} {
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
	entries, err := os.ReadDir(b.bin)
	if err != nil {
		return err
	}
	rows := [][]string{}
	for _, e := range entries {
		if st, err := e.Info(); err == nil {
			rows = append(rows, []string{"`" + e.Name() + "`", fmt.Sprintf("%.1f MB", float64(st.Size())/(1<<20))})
		}
	}
	b.r.heading("Binary sizes")
	b.r.table([]string{"binary", "size"}, rows)
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
