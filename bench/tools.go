package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
)

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

// The print floor is a Go program that only prints: the start-up no Go program can beat on
// this machine. A plugin's start-up is measured as a multiple of it.
const printFloorSource = `package main

import "fmt"

func main() { fmt.Println("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.floor") }
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

// buildTool compiles a one-file Go program into dir/name, static and stripped like the
// suite, so that the floors compare like with like.
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
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
	build.Dir = src
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
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

// The bench plugin is a minimal Go plugin: it answers the metadata call for whatever name it
// is installed under (ably-<name>), so one binary linked under 20 names is 20 plugins.
const benchPluginSource = `package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	name := strings.TrimPrefix(filepath.Base(os.Args[0]), "ably-")
	if len(os.Args) > 1 && os.Args[1] == "ably-plugin-metadata" {
		fmt.Printf("{\"schemaVersion\":\"1\",\"name\":%q,\"vendor\":\"Bench\",\"version\":\"1.0.0\",\"shortDescription\":\"Bench plugin %s\"}\n", name, name)
		return
	}
	fmt.Println("hello from", name)
}
`
