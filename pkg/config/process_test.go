package config

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// The tests below run this test binary as separate processes (as parallel commands would
// be), selected by environment variables, to exercise the inter-process lock and the atomic
// write for real.
const (
	childPath  = "CONFIG_TEST_CHILD_PATH"
	childAlias = "CONFIG_TEST_CHILD_ALIAS"
	childLoop  = "CONFIG_TEST_CHILD_LOOP"
	childWait  = "CONFIG_TEST_CHILD_WAIT" // wait for the lock as a command does, ended by SIGTERM
)

func TestMain(m *testing.M) {
	if path := os.Getenv(childPath); path != "" {
		os.Exit(runChild(path))
	}
	os.Exit(m.Run())
}

// runChild adds (or, looping, keeps rewriting) a profile, and makes it current.
func runChild(path string) int {
	alias := os.Getenv(childAlias)
	if os.Getenv(childWait) != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		fmt.Println("waiting")
		err := Update(ctx, path, func(f *File) error { return f.PutAccount(alias, Account{AccessToken: "late"}) })
		fmt.Fprintln(os.Stderr, err)
		return exitcode.Of(err)
	}
	update := func(i int) error {
		return Update(context.Background(), path, func(f *File) error {
			a, _ := f.Account(alias)
			a.AccessToken = fmt.Sprintf("token-%s-%d", alias, i)
			a.AccountName = strings.Repeat("padding so the write takes a while ", 50)
			f.SetCurrent(alias)
			return f.PutAccount(alias, a)
		})
	}
	if os.Getenv(childLoop) != "" {
		for i := 0; ; i++ {
			if err := update(i); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
	}
	if err := update(0); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func child(path, alias string, loop bool) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childPath+"="+path, childAlias+"="+alias)
	if loop {
		cmd.Env = append(cmd.Env, childLoop+"=1")
	}
	cmd.Stderr = os.Stderr
	return cmd
}

// 50 processes at once, each adding a profile and switching to it: the file still parses and
// no update is lost.
func TestFiftyProcessesLoseNothing(t *testing.T) {
	path := PathIn(filepath.Join(t.TempDir(), ".ably"))
	const n = 50
	cmds := make([]*exec.Cmd, n)
	for i := range cmds {
		cmds[i] = child(path, fmt.Sprintf("p%02d", i), false)
	}
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("a writer failed: %v", err)
		}
	}
	f, err := Load(path)
	if err != nil {
		t.Fatalf("the file does not parse after %d concurrent writers: %v", n, err)
	}
	if got := len(f.Aliases()); got != n {
		t.Fatalf("%d profiles after %d concurrent writers: updates were lost", got, n)
	}
	if cur := f.CurrentAlias(); !strings.HasPrefix(cur, "p") {
		t.Fatalf("current profile %q", cur)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", st.Mode(), err)
	}
}

// A writer killed at any point (kill -9) never leaves a truncated or empty file, and the
// temporary files of dead writers are cleaned up by the next writer.
func TestKilledWriterLeavesAWholeFile(t *testing.T) {
	path := PathIn(filepath.Join(t.TempDir(), ".ably"))
	if err := Update(context.Background(), path, func(f *File) error { return f.PutAccount("base", Account{AccessToken: "t"}) }); err != nil {
		t.Fatal(err)
	}
	for i := range 25 {
		c := child(path, "looper", true)
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(5+i*3) * time.Millisecond) // kill at a different point each time
		_ = c.Process.Signal(syscall.SIGKILL)
		_ = c.Wait()

		data, err := os.ReadFile(path)
		if err != nil || len(data) == 0 {
			t.Fatalf("round %d: file empty or unreadable after kill -9: %v", i, err)
		}
		f, err := Load(path)
		if err != nil {
			t.Fatalf("round %d: truncated file after kill -9: %v", i, err)
		}
		if _, ok := f.Account("base"); !ok {
			t.Fatalf("round %d: an earlier profile was lost", i)
		}
	}
	if err := Update(context.Background(), path, func(*File) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if stale, _ := filepath.Glob(filepath.Join(filepath.Dir(path), tempPattern)); len(stale) > 0 {
		t.Fatalf("temporary files of killed writers left behind: %v", stale)
	}
}

func TestWarnsWhenOthersCanRead(t *testing.T) {
	path := writeFile(t, officialCLIFile)
	f, err := Load(path)
	if err != nil || len(f.Warnings) != 0 {
		t.Fatalf("0600 in 0700: warnings %v, %v", f.Warnings, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	f, _ = Load(path)
	if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "readable by other users (mode 0644)") || !strings.Contains(f.Warnings[0], "chmod 600") {
		t.Fatalf("warnings %v", f.Warnings)
	}
	// Any write makes the file private again.
	if err := Update(context.Background(), path, func(*File) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode after a write: %v", st.Mode())
	}
}
