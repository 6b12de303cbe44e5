package openapi

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// SpecPath finds an API description the suite's tests check against: file (such as
// "control-v1.yaml") in ../shared/spec beside the module root, the nearest directory at or
// above the working directory that holds go.mod. (CI checks the suite out with /work/shared,
// or its equivalent, beside it.) what names the description in errors ("the Control API
// spec"); the error says where it looked.
func SpecPath(what, file string) (string, error) {
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
			return "", fmt.Errorf("%s cannot be found: no go.mod at or above the working directory", what)
		}
		dir = parent
	}
	path := filepath.Join(filepath.Dir(dir), "shared", "spec", file)
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%s is missing at %s: CI must have ../shared beside the checkout", what, path)
		}
		return "", fmt.Errorf("%s at %s: %w", what, path, err)
	}
	return path, nil
}

// RequireSpec returns SpecPath's answer for a test that needs the description. When it is
// missing it fails the test if the CI environment variable is set (CI must have it), and
// skips it otherwise, saying why either way.
func RequireSpec(t testing.TB, what, file string) string {
	t.Helper()
	path, err := SpecPath(what, file)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return path
}
