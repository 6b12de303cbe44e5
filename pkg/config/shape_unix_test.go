//go:build unix

package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A config that is a named pipe (or a device) used to block every command forever.
func TestConfigThatIsNotAFileIsRefusedAtOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".ably")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := PathIn(dir)
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := Load(p); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "config file "+p+": not a regular file (it is a named pipe)") {
			t.Fatalf("Load error %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Load blocked on a named pipe")
	}
}
