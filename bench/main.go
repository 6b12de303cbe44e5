// Command bench measures the suite's speed, side by side in one run:
//
//	go run ./bench [-n 50]
//
// It builds ably and ably-auth as `go install` would, then runs `ably auth issue-jwt-token
// --token-only` and `ably-auth issue-jwt-token --token-only` alternately n times each and
// prints the medians, their ratio and difference (the dispatcher's overhead), peak memory,
// binary sizes, and in-process JWT issuing per token. Targets (from the foundation issue):
// dispatch adds at most 1 ms at the median (ratio at most 1.5), end to end at most 10 ms,
// in-process issuing at most 20 µs a token.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
)

func main() {
	n := flag.Int("n", 50, "runs of each command (at least 30)")
	flag.Parse()
	if *n < 30 {
		fmt.Fprintln(os.Stderr, "bench: -n must be at least 30")
		os.Exit(2)
	}
	if err := run(*n); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(n int) error {
	dir, err := os.MkdirTemp("", "ably-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bin")
	// Built as README.md installs the suite: without urfave/cli's doc generator (and the
	// markdown library it links, whose init costs every start).
	build := exec.Command("go", "build", "-tags", "urfave_cli_no_docs", "-o", bin+string(filepath.Separator), "./cmd/...")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building: %w", err)
	}
	floorPath, err := buildTool(dir, "exec-floor", execFloorSource)
	if err != nil {
		return err
	}
	probe, err := buildTool(dir, "rss-probe", rssProbeSource)
	if err != nil {
		return err
	}
	env := []string{
		"PATH=" + bin, "HOME=" + filepath.Join(dir, "home"),
		"ABLY_API_KEY=benchApp.benchKey:0123456789abcdef0123456789abcdef",
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"FLOOR_TARGET=" + filepath.Join(bin, "ably-auth"),
	}
	args := []string{"issue-jwt-token", "--token-only"}
	viaDispatcher := command{name: "ably auth issue-jwt-token --token-only", path: filepath.Join(bin, "ably"), args: append([]string{"auth"}, args...)}
	direct := command{name: "ably-auth issue-jwt-token --token-only", path: filepath.Join(bin, "ably-auth"), args: args}
	floor := command{name: "exec floor (Go program that only execs)", path: floorPath, args: args}

	fmt.Printf("ably bench: %d runs each, alternating; %s %s/%s, %d CPUs\n\n", n, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	for range 3 { // warm the page cache
		_, _ = viaDispatcher.run(env)
		_, _ = direct.run(env)
		_, _ = floor.run(env)
	}
	var a, b, f samples
	for range n {
		for _, c := range []struct {
			cmd *command
			s   *samples
		}{{&viaDispatcher, &a}, {&direct, &b}, {&floor, &f}} {
			r, err := c.cmd.run(env)
			if err != nil {
				return err
			}
			c.s.add(r)
		}
	}
	fmt.Printf("%-42s %9s %9s %9s\n", "command", "median", "p10", "p90")
	for _, row := range []struct {
		name string
		s    samples
	}{{viaDispatcher.name, a}, {direct.name, b}, {floor.name, f}} {
		fmt.Printf("%-42s %9s %9s %9s\n", row.name, ms(row.s.quantile(0.5)), ms(row.s.quantile(0.1)), ms(row.s.quantile(0.9)))
	}
	ma, mb := a.quantile(0.5), b.quantile(0.5)
	fmt.Printf("\ndispatcher overhead at the median: %s (target <= 1 ms); ratio %.2f (target <= 1.5)\n", ms(ma-mb), float64(ma)/float64(mb))
	fmt.Printf("the same overhead for a Go program that does nothing but exec the plugin: %s\n", ms(f.quantile(0.5)-mb))
	fmt.Printf("end to end through ably: median %s (target <= 10 ms)\n", ms(ma))
	for _, c := range []command{viaDispatcher, direct} {
		rss, err := peakRSS(probe, c, env, 9)
		if err != nil {
			return err
		}
		fmt.Printf("peak RSS of %s: %.1f MB (median of 9)\n", c.name, rss)
	}

	res := testing.Benchmark(benchmarkIssue)
	fmt.Printf("in-process JWT issuing: %.1f µs a token, %d allocs (target <= 20 µs)\n", float64(res.NsPerOp())/1e3, res.AllocsPerOp())

	if err := requestsPerCommand(bin, filepath.Join(dir, "req-home")); err != nil {
		return err
	}
	if err := clientOverhead(); err != nil {
		return err
	}

	fmt.Println("\nbinary sizes:")
	for _, name := range []string{"ably", "ably-auth", "ably-accounts"} {
		if st, err := os.Stat(filepath.Join(bin, name)); err == nil {
			fmt.Printf("  %-14s %6.1f MB\n", name, float64(st.Size())/(1<<20))
		}
	}
	return nil
}

// The exec floor is the smallest Go dispatcher possible: one that execs the plugin at once.
// Its overhead is the floor any Go dispatcher that execs in place can reach on this machine.
const execFloorSource = `package main

import (
	"os"
	"syscall"
)

func main() {
	err := syscall.Exec(os.Getenv("FLOOR_TARGET"), append([]string{"ably-auth"}, os.Args[1:]...), os.Environ())
	panic(err)
}
`

// The RSS probe runs a command and prints its peak RSS in KiB. Linux charges a child with
// the peak RSS of the process it was started from (the vfork shares its memory until exec),
// so peak memory is measured from this small program rather than from the bench itself.
const rssProbeSource = `package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
}
`

// buildTool compiles a one-file Go program into dir/name.
func buildTool(dir, name, source string) (string, error) {
	src := filepath.Join(dir, name+"-src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(source), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module "+name+"\n"), 0o644); err != nil {
		return "", err
	}
	out := filepath.Join(dir, name)
	build := exec.Command("go", "build", "-o", out, ".")
	build.Dir = src
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("building %s: %w", name, err)
	}
	return out, nil
}

// peakRSS is the median peak RSS of n runs of c, in MiB, measured through the probe.
func peakRSS(probe string, c command, env []string, n int) (float64, error) {
	var kib []int64
	for range n {
		cmd := exec.Command(probe, append([]string{c.path}, c.args...)...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			return 0, fmt.Errorf("%s: %v", c.name, err)
		}
		var v int64
		if _, err := fmt.Sscan(string(out), &v); err != nil {
			return 0, fmt.Errorf("%s: probe said %q", c.name, out)
		}
		kib = append(kib, v)
	}
	slices.Sort(kib)
	return float64(kib[len(kib)/2]) / 1024, nil
}

type command struct {
	name string
	path string
	args []string
}

type result struct {
	wall time.Duration
}

func (c *command) run(env []string) (result, error) {
	cmd := exec.Command(c.path, c.args...)
	cmd.Env = env
	start := time.Now()
	out, err := cmd.Output()
	wall := time.Since(start)
	if err != nil {
		return result{}, fmt.Errorf("%s: %v", c.name, err)
	}
	if len(out) < 20 {
		return result{}, fmt.Errorf("%s printed no token", c.name)
	}
	return result{wall: wall}, nil
}

type samples struct {
	walls []time.Duration
}

func (s *samples) add(r result) { s.walls = append(s.walls, r.wall) }

func (s samples) quantile(q float64) time.Duration {
	w := slices.Clone(s.walls)
	slices.Sort(w)
	return w[int(q*float64(len(w)-1)+0.5)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }

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
