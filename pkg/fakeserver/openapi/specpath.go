package openapi

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/ably/ably-suite/pkg/fakeserver"
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

// Description is one API's published description as the suite's tests use it: its file
// beside the checkout, how it is loaded, and where the API's fake departs from it.
type Description struct {
	Name    string // for errors: "the Control API spec"
	File    string // in ../shared/spec: "control-v1.yaml"
	Options []Option
	Rules   Rules
}

// Load reads and checks the description at path and returns the check of a fake's traffic
// against it, with the rules.
func (d Description) Load(path string) (fakeserver.Checker, error) {
	sp, err := Load(path, d.Options...)
	if err != nil {
		return nil, err
	}
	return sp.Checker(d.Rules), nil
}

// Path finds the description beside the checkout (SpecPath).
func (d Description) Path() (string, error) { return SpecPath(d.Name, d.File) }

// Require is Path for a test that needs the description (RequireSpec).
func (d Description) Require(t testing.TB) string {
	t.Helper()
	return RequireSpec(t, d.Name, d.File)
}

// MustLoad is Load of Require's path: the test fails if the description does not load.
func (d Description) MustLoad(t testing.TB) fakeserver.Checker {
	t.Helper()
	c, err := d.Load(d.Require(t))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
