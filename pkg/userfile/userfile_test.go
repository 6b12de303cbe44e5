package userfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadsARegularFileWithinTheLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := Read(p, 5)
	if err != nil || string(data) != "hello" {
		t.Fatalf("Read = %q, %v", data, err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	if data, err := Read(link, 5); err != nil || string(data) != "hello" {
		t.Fatalf("through a symlink: %q, %v", data, err)
	}
}

func TestRefusesAFileOverTheLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("hello!"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Read(p, 5)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "limit of 5 bytes") {
		t.Fatalf("err = %v", err)
	}
}

func TestMissingFileIsNotExist(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "none"), 10)
	if !errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), "none") {
		t.Fatalf("err = %v: want not-exist, without the path", err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{1 << 20: "1 MiB", 64 << 10: "64 KiB", 100: "100 bytes", 1500: "1500 bytes"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
