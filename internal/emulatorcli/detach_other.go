//go:build !unix

package emulatorcli

import (
	"context"
	"errors"
	"time"
)

var errNoBackground = errors.New("running the emulator in the background needs a Unix system: run 'ably emulator start' in a terminal of its own")

func spawn(context.Context, []string, string) (started, int, error) {
	return started{}, 0, errNoBackground
}

func handOver(string, started) error { return errNoBackground }

func terminate(int, time.Duration) (bool, error) { return false, errNoBackground }
