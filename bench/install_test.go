package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// installLine is the one line of text that runs go install.
func installLine(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, " go install ") && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			found = append(found, line)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: want one go install line, found %q", path, found)
	}
	return found[0]
}

// README.md's install command is what users run, what CI checks and what the bench measures:
// .ci/run and the Makefile must run the same command, static, trimmed and stripped.
func TestInstallCommandIsTheSameEverywhere(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := readmeInstallCommand(string(readme))
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"CGO_ENABLED=0 ", " -trimpath ", ` -ldflags='-s -w' `, " -tags urfave_cli_no_docs,nethttpomithttp2 ", " ./cmd/..."} {
		if !strings.Contains(want, part) {
			t.Errorf("README.md's install command %q lacks %q", want, part)
		}
	}
	for _, path := range []string{"../.ci/run", "../Makefile"} {
		got := installLine(t, path)
		if normalInstall(got) != normalInstall(want) {
			t.Errorf("%s installs with\n\t%s\nbut README.md with\n\t%s", path, normalInstall(got), normalInstall(want))
		}
	}
}

func TestReadmeInstallCommand(t *testing.T) {
	got, err := readmeInstallCommand("# x\n\n```sh\nCGO_ENABLED=0 GOBIN=\"$PWD/bin\" go install ./cmd/... && ./bin/ably\n```\n")
	if err != nil || got != `CGO_ENABLED=0 GOBIN="$PWD/bin" go install ./cmd/...` {
		t.Errorf("got %q, %v", got, err)
	}
	for _, readme := range []string{"no block", "```sh\ngo build ./cmd/...\n```\n", "```sh\nGOBIN=/tmp go install ./cmd/...\n```\n"} {
		if got, err := readmeInstallCommand(readme); err == nil {
			t.Errorf("%q: got %q, want an error", readme, got)
		}
	}
}

func TestInspectBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	dir := t.TempDir()
	path, err := buildTool(dir, "print-floor", printFloorSource)
	if err != nil {
		t.Fatal(err)
	}
	f, err := inspectBinary(path)
	if err != nil {
		t.Fatal(err)
	}
	if !f.static || !f.stripped || f.name != "print-floor" || f.goal != groupSizeGoal || !f.ok() {
		t.Errorf("a program built with CGO_ENABLED=0 -ldflags='-s -w': got %+v, want static, stripped and within the goal", f)
	}

	// A dynamically linked program of the system, where there is one.
	var dynamic string
	for _, p := range []string{"/bin/sh", "/usr/bin/env", "/bin/ls"} {
		if out, err := exec.Command("readlink", "-f", p).Output(); err == nil {
			p = strings.TrimSpace(string(out))
		}
		if f, err := inspectBinary(p); err == nil && !f.static {
			dynamic = p
			break
		}
	}
	if dynamic == "" {
		t.Skip("no dynamically linked program on this system")
	}
	f, err = inspectBinary(dynamic)
	if err != nil {
		t.Fatal(err)
	}
	if f.static || len(f.dynamic) == 0 || f.ok() {
		t.Errorf("%s: got %+v, want dynamic with a reason", dynamic, f)
	}
}

func TestTestOnlyDeps(t *testing.T) {
	bi := &debug.BuildInfo{Deps: []*debug.Module{
		{Path: "github.com/urfave/cli/v2"}, {Path: "github.com/getkin/kin-openapi"}, {Path: "go.yaml.in/yaml/v4"},
	}}
	if got := testOnlyDeps(bi); !slices.Equal(got, []string{"github.com/getkin/kin-openapi", "go.yaml.in/yaml/v4"}) {
		t.Errorf("got %q, want kin-openapi and yaml", got)
	}
	if got := testOnlyDeps(&debug.BuildInfo{Deps: []*debug.Module{{Path: "github.com/urfave/cli/v2"}}}); len(got) != 0 {
		t.Errorf("urfave/cli alone: got %q, want none", got)
	}
}

func TestCheckInstalled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	dir := t.TempDir()
	path, err := buildTool(t.TempDir(), "print-floor", printFloorSource)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ably"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := checkInstalled(dir); err != nil {
		t.Errorf("a small static ably: %v", err)
	}
	// Over the dispatcher's goal: padded past 3 MB.
	if err := os.WriteFile(filepath.Join(dir, "ably"), append(data, make([]byte, dispatcherSizeGoal)...), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := checkInstalled(dir); err == nil || !strings.HasSuffix(err.Error(), ": 1") {
		t.Errorf("an ably over its goal: got %v, want one problem", err)
	}
	if err := checkInstalled(t.TempDir()); err == nil {
		t.Error("an empty directory: want an error")
	}
}
