package config

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// Update runs fn on the current contents of the config file at path and writes the result,
// all under an inter-process lock, so concurrent updates are applied one after the other and
// none is lost. If fn returns an error, or the file does not parse, nothing is written.
func Update(path string, fn func(*File) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating config directory: %w", err)
	}
	lock := flock.New(path+".lock", flock.SetPermissions(0o600))
	if err := lock.Lock(); err != nil {
		return fmt.Errorf("locking config file: %w", err)
	}
	defer lock.Unlock()
	removeStaleTemps(dir)

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
	return writeAtomic(path, data)
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

// writeAtomic replaces path with data so that a reader (or a crash at any point) sees either
// the old file or the new one, never a partial one.
func writeAtomic(path string, data []byte) (err error) {
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
	if err = tmp.Chmod(0o600); err != nil {
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
