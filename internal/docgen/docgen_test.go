package docgen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/groups"
	"github.com/ably/ably-suite/pkg/protocol"
)

// moduleRoot is where docs/ lives, seen from this package's directory.
const moduleRoot = "../.."

// TestDocsUpToDate regenerates the reference in memory and fails when docs/ differs: a
// command changed without the reference being regenerated.
func TestDocsUpToDate(t *testing.T) {
	files, err := Files(Plugins())
	if err != nil {
		t.Fatal(err)
	}
	stale, err := Stale(moduleRoot, files)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("docs/ is out of date; run `%s` from the module root. Differs:\n  %s", UpdateCommand, strings.Join(stale, "\n  "))
	}
}

func TestFilesAreDeterministicAndComplete(t *testing.T) {
	// The same plugins twice: documenting them must not change their commands.
	plugins := Plugins()
	first, err := Files(plugins)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Files(plugins)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(second) {
		t.Fatalf("%d files, then %d", len(first), len(second))
	}
	for name, content := range first {
		if second[name] != content {
			t.Errorf("%s differs between two runs", name)
		}
	}
	for _, g := range groups.All() {
		group := g.Name
		for _, name := range []string{ReferenceDir + "/ably-" + group + ".md", ManDir + "/ably-" + group + ".1"} {
			if _, ok := first[name]; !ok {
				t.Errorf("no %s", name)
			}
		}
		if !strings.Contains(first[indexFile], "[ably-"+group+".md](ably-"+group+".md)") {
			t.Errorf("the index does not link ably-%s.md", group)
		}
	}
	stats := first[ReferenceDir+"/ably-stats.md"]
	for _, want := range []string{
		"## app\n\nShow an app's statistics\n\n`ably stats app [options] [NAME|ID]`\n\nShows the statistics of one app",
		"\n\nExamples:\n\n    ably stats app\n",
		"**--live**",
	} {
		if !strings.Contains(stats, want) {
			t.Errorf("ably-stats.md lacks %q", want)
		}
	}
	// The group's global options are the dispatcher's, as in `ably stats --help`.
	_, globals, ok := strings.Cut(stats, "\n# GLOBAL OPTIONS\n")
	globals, _, _ = strings.Cut(globals, "\n# COMMANDS")
	for _, f := range protocol.GlobalFlags() {
		if !ok || !strings.Contains(globals, "**--"+f.Name) || !strings.Contains(globals, "env "+f.Env) {
			t.Errorf("ably-stats.md: GLOBAL OPTIONS lack --%s (%s):\n%s", f.Name, f.Env, globals)
		}
	}
	if !strings.Contains(stats, "\nably [global options] stats command [command options]\n") {
		t.Error("ably-stats.md: the group's usage differs from its --help")
	}
	if strings.Contains(stats, "ably-plugin-metadata") {
		t.Error("the hidden metadata command is documented")
	}
	if man := first[ManDir+"/ably-stats.1"]; !strings.Contains(man, ".TH ably-stats 1") {
		t.Errorf("man page lacks its title line:\n%s", man[:min(len(man), 300)])
	}
}

// TestSynopsisShowsArguments fails when a command's synopsis in the reference or its man page
// omits the positional arguments its --help shows (its ArgsUsage).
func TestSynopsisShowsArguments(t *testing.T) {
	files, err := Files(Plugins())
	if err != nil {
		t.Fatal(err)
	}
	withArgs := 0
	for _, p := range Plugins() {
		app := p.CLIApp()
		md, man := files[ReferenceDir+"/"+app.Name+".md"], files[ManDir+"/"+app.Name+".1"]
		var walk func(cmds []*cli.Command, parent string)
		walk = func(cmds []*cli.Command, parent string) {
			for _, c := range cmds {
				full := parent + " " + c.Name
				walk(c.Subcommands, full)
				if c.Hidden || c.ArgsUsage == "" {
					continue
				}
				withArgs++
				want := full + " [options] " + c.ArgsUsage
				if !strings.Contains(md, "`"+want+"`") {
					t.Errorf("%s.md: the synopsis of %q lacks its arguments; want `%s`", app.Name, full, want)
				}
				if !strings.Contains(man, `\fB`+want+`\fR`) {
					t.Errorf("%s.1: the synopsis of %q lacks its arguments; want %s", app.Name, full, want)
				}
			}
		}
		walk(app.Commands, "ably "+p.Metadata.Name)
	}
	if withArgs < 13 {
		t.Errorf("only %d commands take arguments; the suite has at least 13", withArgs)
	}
}

func TestDescriptionMarkdown(t *testing.T) {
	in := `Shows things.
More about them.

Examples:
   ably x
   ably x --json \
     --more

   ably x --last
After the examples.`
	want := "Shows things.\nMore about them.\n\nExamples:\n\n    ably x\n    ably x --json \\\n      --more\n\n    ably x --last\n\nAfter the examples."
	if got := descriptionMarkdown(in); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if got := descriptionMarkdown(""); got != "" {
		t.Errorf("empty description gave %q", got)
	}
}

func TestWriteRemovesLeftoversAndStaleSeesThem(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{ReferenceDir + "/ably-a.md": "a\n", ManDir + "/ably-a.1": "a\n", indexFile: "index\n"}
	old := filepath.Join(root, "docs", "reference", "ably-gone.md")
	keep := filepath.Join(root, "docs", "reference", "notes.md")
	for _, p := range []string{old, keep} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stale, err := Stale(root, files)
	if err != nil {
		t.Fatal(err)
	}
	want := "docs/man/ably-a.1 (missing)|docs/reference/README.md (missing)|docs/reference/ably-a.md (missing)|docs/reference/ably-gone.md (no longer generated)"
	if strings.Join(stale, "|") != want {
		t.Errorf("stale %q, want %q", strings.Join(stale, "|"), want)
	}
	if err := Write(root, files); err != nil {
		t.Fatal(err)
	}
	if stale, err := Stale(root, files); err != nil || len(stale) != 0 {
		t.Errorf("after Write: stale %v, %v", stale, err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("ably-gone.md not removed: %v", err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("notes.md, not generated, was touched: %v", err)
	}
}
