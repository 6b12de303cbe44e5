package plugin

import (
	"crypto/rand"
	"io"
	"os"
	"time"
)

// Env is everything a command touches outside itself. Commands take it from EnvOf instead of
// reaching for os.Stdout, os.Getenv or time.Now, so tests can run them in-process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Now    func() time.Time
	Rand   io.Reader
}

// SystemEnv is the real process environment.
func SystemEnv() Env {
	return Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv, Now: time.Now, Rand: rand.Reader,
	}
}
