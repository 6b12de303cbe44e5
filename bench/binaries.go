package main

import (
	"debug/buildinfo"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
)

// Size goals of the installed binaries, in bytes (MB here is 10^6 bytes): the dispatcher
// does little and must stay small; a group carries an HTTP client, TLS and urfave/cli; a
// group that speaks Realtime carries a WebSocket client and the protocol's state machines
// as well. The emulator has a goal of its own: it serves the fakes of three APIs (Control,
// REST, Realtime) and speaks MessagePack as a server, which no group needs.
const (
	dispatcherSizeGoal    = 3_000_000
	groupSizeGoal         = 9_000_000
	realtimeGroupSizeGoal = 10_000_000
	emulatorSizeGoal      = 12_000_000
)

// webSocketModule is what a Realtime group links, and a REST-only one must not.
const webSocketModule = "github.com/coder/websocket"

func sizeGoal(name string) int64 {
	switch name {
	case "ably", "ably.exe":
		return dispatcherSizeGoal
	case "ably-emulator", "ably-emulator.exe":
		return emulatorSizeGoal
	}
	return groupSizeGoal
}

// testOnlyModules serve the tests (fake servers, spec checks, testscript, doc generation) and
// must never be linked into an installed binary, where their size and init would cost every
// start.
var testOnlyModules = []string{
	"github.com/getkin/kin-openapi",
	"github.com/rogpeppe/go-internal",
	"github.com/cpuguy83/go-md2man/v2",
	"github.com/russross/blackfriday/v2",
	"github.com/santhosh-tekuri/jsonschema/v6",
	"github.com/gorilla/mux",
	"go.yaml.in/yaml/v4",
}

// testOnlyDeps are the test-only modules a binary links.
func testOnlyDeps(bi *debug.BuildInfo) []string {
	var found []string
	for _, d := range bi.Deps {
		if slices.Contains(testOnlyModules, d.Path) {
			found = append(found, d.Path)
		}
	}
	return found
}

// binaryFacts is what the bench checks of one installed binary.
type binaryFacts struct {
	name     string
	size     int64
	goal     int64
	static   bool
	dynamic  []string // why it is not static
	stripped bool
	testDeps []string // test-only modules it links
	realtime bool     // it links the WebSocket client: the Realtime group goal applies
}

func (f binaryFacts) ok() bool { return f.static && f.size <= f.goal && len(f.testDeps) == 0 }

// inspectBinary reads an ELF executable: a static one asks for no program interpreter
// (PT_INTERP, the dynamic loader) and needs no shared library (DT_NEEDED).
func inspectBinary(path string) (binaryFacts, error) {
	st, err := os.Stat(path)
	if err != nil {
		return binaryFacts{}, err
	}
	facts := binaryFacts{name: filepath.Base(path), size: st.Size(), goal: sizeGoal(filepath.Base(path)), static: true}
	f, err := elf.Open(path)
	if err != nil {
		return binaryFacts{}, fmt.Errorf("%s: not an ELF executable (the static check is for Linux builds): %w", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			facts.static, facts.dynamic = false, append(facts.dynamic, "asks for a program interpreter (the dynamic loader)")
		}
	}
	needed, err := f.DynString(elf.DT_NEEDED)
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) && f.Section(".dynamic") != nil {
		return binaryFacts{}, fmt.Errorf("%s: reading its dynamic section: %w", path, err)
	}
	if len(needed) > 0 {
		facts.static, facts.dynamic = false, append(facts.dynamic, fmt.Sprintf("needs shared libraries %v", needed))
	}
	facts.stripped = f.Section(".symtab") == nil
	if bi, err := buildinfo.ReadFile(path); err == nil { // a Go binary: which modules it links
		facts.testDeps = testOnlyDeps(bi)
		if facts.goal == groupSizeGoal && slices.ContainsFunc(bi.Deps, func(m *debug.Module) bool { return m.Path == webSocketModule }) {
			facts.goal, facts.realtime = realtimeGroupSizeGoal, true
		}
	}
	return facts, nil
}

// inspectDir inspects every binary in dir, by name.
func inspectDir(dir string) ([]binaryFacts, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var all []binaryFacts
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		facts, err := inspectBinary(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		all = append(all, facts)
	}
	if !slices.ContainsFunc(all, func(f binaryFacts) bool { return f.name == "ably" }) {
		return nil, fmt.Errorf("%s holds no ably binary: is it the install directory?", dir)
	}
	return all, nil
}

// checkInstalled is `bench -check DIR`: every binary in DIR is static and within its size
// goal, or the bench says which is not and exits 1. CI runs it on the installed suite.
func checkInstalled(dir string) error {
	all, err := inspectDir(dir)
	if err != nil {
		return err
	}
	var failed []string
	for _, f := range all {
		fmt.Printf("%-20s %s (goal %s)  %s\n", f.name, mb(f.size), mb(f.goal), staticWord(f))
		if !f.static {
			failed = append(failed, fmt.Sprintf("%s is not static: it %s", f.name, strings.Join(f.dynamic, " and ")))
		}
		if len(f.testDeps) > 0 {
			failed = append(failed, fmt.Sprintf("%s links modules only the tests need: %s", f.name, strings.Join(f.testDeps, ", ")))
		}
		if f.size > f.goal {
			failed = append(failed, fmt.Sprintf("%s is %s, over its goal of %s", f.name, mb(f.size), mb(f.goal)))
		}
	}
	if len(failed) > 0 {
		for _, msg := range failed {
			fmt.Fprintln(os.Stderr, "bench -check:", msg)
		}
		return fmt.Errorf("checks failed for the binaries in %s: %d", dir, len(failed))
	}
	return nil
}

func staticWord(f binaryFacts) string {
	if !f.static {
		return "dynamic"
	}
	if !f.stripped {
		return "static, not stripped"
	}
	return "static, stripped"
}

func mb(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }
