package controltest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// SpecPath finds the Control API description this suite's tests validate against:
// ../shared/spec/control-v1.yaml beside the module root, the nearest directory at or above
// the working directory that holds go.mod. (CI checks the suite out with /work/shared, or
// its equivalent, beside it.) The error says where it looked.
func SpecPath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("the Control API spec cannot be found: no go.mod at or above the working directory")
		}
		dir = parent
	}
	path := filepath.Join(filepath.Dir(dir), "shared", "spec", "control-v1.yaml")
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("the Control API spec is missing at %s: CI must have ../shared beside the checkout", path)
		}
		return "", fmt.Errorf("the Control API spec at %s: %w", path, err)
	}
	return path, nil
}

// RequireSpec returns SpecPath's answer for a test that needs the spec. When the spec is
// missing it fails the test if the CI environment variable is set (CI must have it), and
// skips it otherwise, saying why either way.
func RequireSpec(t testing.TB) string {
	t.Helper()
	path, err := SpecPath()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return path
}
