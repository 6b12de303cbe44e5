package config

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// holdLock takes the config file's lock as another writer would, until the test ends.
func holdLock(t *testing.T, path string) {
	t.Helper()
	unlock, err := lock(t.Context(), path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unlock)
}

// The wait for a held lock is bounded, and the error names the process holding it.
func TestLockWaitIsBoundedAndNamesTheHolder(t *testing.T) {
	p := writeFile(t, officialCLIFile)
	holdLock(t, p)
	start := time.Now()
	err := update(t.Context(), p, 300*time.Millisecond, func(f *File) error { return f.PutAccount("x", Account{}) })
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("waited %s", took)
	}
	want := fmt.Sprintf("config file %s is locked by process %d, which has held it for more than 300ms", p, os.Getpid())
	if err == nil || !strings.Contains(err.Error(), want) || exitcode.Of(err) != exitcode.Failure {
		t.Fatalf("err = %v, want one containing %q", err, want)
	}
	if data, _ := os.ReadFile(p); string(data) != officialCLIFile {
		t.Fatal("the file was written although the lock was never taken")
	}
}

// Ctrl-C (a cancelled context) ends the wait at once, and nothing is written afterwards.
func TestLockWaitEndsOnInterrupt(t *testing.T) {
	p := writeFile(t, officialCLIFile)
	holdLock(t, p)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	ran := false
	start := time.Now()
	err := Update(ctx, p, func(f *File) error { ran = true; return nil })
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("the interrupted wait took %s", took)
	}
	if exitcode.Of(err) != exitcode.Interrupted || !strings.Contains(err.Error(), "left as it was") || ran {
		t.Fatalf("err = %v (code %d), update ran: %v", err, exitcode.Of(err), ran)
	}
}

// An interrupt that comes while the update is being made stops the write.
func TestNoWriteAfterInterrupt(t *testing.T) {
	p := writeFile(t, officialCLIFile)
	ctx, cancel := context.WithCancel(t.Context())
	err := Update(ctx, p, func(f *File) error {
		cancel()
		return f.PutAccount("x", Account{AccessToken: "t"})
	})
	if exitcode.Of(err) != exitcode.Interrupted {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(p); string(data) != officialCLIFile {
		t.Fatal("written after the interrupt")
	}
}

// SIGTERM ends a real process waiting for the lock with exit 130, and it writes nothing.
func TestSIGTERMEndsTheLockWait(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM")
	}
	p := writeFile(t, officialCLIFile)
	holdLock(t, p)
	c := child(p, "late", false)
	c.Env = append(c.Env, childWait+"=1")
	c.Stderr = nil
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "waiting\n" {
		t.Fatalf("child said %q", line)
	}
	time.Sleep(200 * time.Millisecond) // into the wait
	start := time.Now()
	_ = c.Process.Signal(syscall.SIGTERM)
	err = c.Wait()
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("the process took %s to end after SIGTERM", took)
	}
	if code := c.ProcessState.ExitCode(); code != exitcode.Interrupted {
		t.Fatalf("exit %d (%v), want %d", code, err, exitcode.Interrupted)
	}
	if data, _ := os.ReadFile(p); string(data) != officialCLIFile {
		t.Fatal("written after SIGTERM")
	}
}

// A config file that is a symbolic link is written through to its target, atomically in the
// target's directory, and the target keeps its mode; the link stays a link.
func TestSymlinkIsWrittenThrough(t *testing.T) {
	dotfiles := t.TempDir()
	target := filepath.Join(dotfiles, "ably.toml")
	if err := os.WriteFile(target, []byte(officialCLIFile), 0o640); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), ".ably")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	link := PathIn(dir)
	rel, err := filepath.Rel(dir, target) // a relative link, as dotfile managers make
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(rel, link); err != nil {
		t.Fatal(err)
	}
	if err := Update(t.Context(), link, func(f *File) error { return f.PutAccount("new", Account{AccessToken: "t2"}) }); err != nil {
		t.Fatal(err)
	}
	st, err := os.Lstat(link)
	if err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", st.Mode(), err)
	}
	st, err = os.Stat(target)
	if err != nil || st.Mode().Perm() != 0o640 {
		t.Fatalf("target mode %v (%v), want 0640", st.Mode(), err)
	}
	f, err := Load(target)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := f.Account("new"); !ok || a.AccessToken != "t2" {
		t.Fatal("the update did not reach the target")
	}
	if _, ok := f.Account("main"); !ok {
		t.Fatal("the target's profiles were lost")
	}
	if stale, _ := filepath.Glob(filepath.Join(dotfiles, tempPattern)); len(stale) > 0 {
		t.Fatalf("temporary files left: %v", stale)
	}
}

// A dangling link (its target not written yet) is written through too.
func TestDanglingSymlinkIsWrittenThrough(t *testing.T) {
	target := filepath.Join(t.TempDir(), "ably.toml")
	dir := filepath.Join(t.TempDir(), ".ably")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	link := PathIn(dir)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := Update(t.Context(), link, func(f *File) error { return f.PutAccount("a", Account{AccessToken: "t"}) }); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the link was replaced")
	}
	if st, err := os.Stat(target); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("new target: %v %v", st, err)
	}
}
