package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/userfile"
)

// LockTimeout bounds the wait for another process's update of the config file. An update
// takes milliseconds; a lock held this long belongs to a process that hangs.
const LockTimeout = 10 * time.Second

// Update runs fn on the current contents of the config file at path and writes the result,
// all under an inter-process lock, so concurrent updates are applied one after the other and
// none is lost. If fn returns an error, or the file does not parse, nothing is written. The
// wait for the lock ends after LockTimeout, or when ctx is done (Ctrl-C): then too nothing
// is written. A config file that is a symbolic link is written through to its target, which
// keeps its mode.
func Update(ctx context.Context, path string, fn func(*File) error) error {
	return update(ctx, path, LockTimeout, fn)
}

func update(ctx context.Context, path string, timeout time.Duration, fn func(*File) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating config directory: %w", err)
	}
	unlock, err := lock(ctx, path, timeout)
	if err != nil {
		return err
	}
	defer unlock()
	target, perm, err := writeTarget(path)
	if err != nil {
		return err
	}
	removeStaleTemps(filepath.Dir(target))

	f, err := Load(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		return err
	}
	data, err := f.encode()
	if err != nil {
		return err
	}
	if ctx.Err() != nil { // interrupted meanwhile: leave the file as it was
		return interrupted(path)
	}
	return writeAtomic(target, data, perm)
}

// lock takes the lock beside path, waiting at most timeout, and records this process's ID
// in the lock file so that a process kept waiting can say who holds it.
func lock(ctx context.Context, path string, timeout time.Duration) (unlock func(), err error) {
	lockPath := path + ".lock"
	l := flock.New(lockPath, flock.SetPermissions(0o600))
	wait, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ok, err := l.TryLockContext(wait, 20*time.Millisecond)
	switch {
	case ok:
		// Advisory locks do not stop this second handle writing; where the platform
		// refuses, the holder is just not named.
		_ = os.WriteFile(lockPath, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
		return func() { _ = l.Unlock() }, nil
	case ctx.Err() != nil:
		return nil, interrupted(path)
	case errors.Is(err, context.DeadlineExceeded) || err == nil:
		return nil, exitcode.New(exitcode.Failure,
			"config file %s is locked by %s, which has held it for more than %s: wait for it to finish, or end it if it hangs (the lock is %s)",
			path, holder(lockPath), timeout, lockPath)
	}
	return nil, fmt.Errorf("locking config file %s: %w", path, err)
}

func interrupted(path string) error {
	return exitcode.Wrap(exitcode.Interrupted,
		fmt.Errorf("interrupted while waiting to update config file %s: it was left as it was", path))
}

// holder names the process recorded in the lock file.
func holder(lockPath string) string {
	data, err := userfile.Read(lockPath, 64)
	if pid, perr := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && perr == nil && pid > 0 {
		return "process " + strconv.Itoa(pid)
	}
	return "another process"
}

// writeTarget is the file a write replaces: path, or the file its chain of symbolic links
// ends at (which need not exist yet), and the mode to write it with: a link's target keeps
// its own; the suite's own file is private (0600).
func writeTarget(path string) (string, fs.FileMode, error) {
	target := path
	for hops := 0; ; hops++ {
		st, err := os.Lstat(target)
		if err != nil || st.Mode()&fs.ModeSymlink == 0 {
			break
		}
		if hops == 40 {
			return "", 0, exitcode.New(exitcode.Failure, "config file %s: too many levels of symbolic links", path)
		}
		dest, err := os.Readlink(target)
		if err != nil {
			return "", 0, fmt.Errorf("reading config file link %s: %w", target, err)
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(target), dest)
		}
		target = dest
	}
	if target != path {
		if st, err := os.Stat(target); err == nil {
			return target, st.Mode().Perm(), nil
		}
	}
	return target, 0o600, nil
}

// tempPattern names the temporary files writeAtomic makes beside the config file.
const tempPattern = ".config-*.tmp"

// removeStaleTemps deletes temporary files left by writers that died before their rename
// (kill -9, power loss). Called under the lock, so no live writer owns one.
func removeStaleTemps(dir string) {
	stale, _ := filepath.Glob(filepath.Join(dir, tempPattern))
	for _, p := range stale {
		_ = os.Remove(p)
	}
}

// WriteFile writes a file of the suite's own beside the config file (such as the emulator's
// pid file): its directory made if need be (0700), the file 0600, written atomically.
func WriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return writeAtomic(path, data, 0o600)
}

// writeAtomic replaces path with data so that a reader (or a crash at any point) sees either
// the old file or the new one, never a partial one.
func writeAtomic(path string, data []byte, perm fs.FileMode) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return fmt.Errorf("writing config: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("writing config: %w", err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing config: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing config: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing config: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing config: %w", err)
	}
	// Make the rename itself durable.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
