package emulatorcli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/emulator"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/resolve"
)

// The files of a background emulator, in the config directory.
const (
	pidFileName = "emulator.json" // which process, on which URL (no secrets)
	logFileName = "emulator.log"  // its stdout and stderr
)

// envReadyFD tells the background process started by `start --detach` the file descriptor
// on which to hand its credentials to the command that started it, once ready.
const envReadyFD = "ABLY_EMULATOR_READY_FD"

// pidFile is what the pid file holds: enough to find and check the emulator, no credential.
type pidFile struct {
	PID         int    `json:"pid"`
	URL         string `json:"url"`
	ControlHost string `json:"controlHost"`
	Endpoint    string `json:"endpoint"`
	StartedAt   string `json:"startedAt"`
	Log         string `json:"log"`
}

// backgroundFiles are the paths of the pid file and the log, in the config directory.
func backgroundFiles(d plugin.Deps) (pidPath, logPath string, err error) {
	path, err := resolve.For(d, resolve.Flags{}).ConfigPath()
	if err != nil {
		return "", "", err
	}
	dir := filepath.Dir(path)
	return filepath.Join(dir, pidFileName), filepath.Join(dir, logFileName), nil
}

// readPidFile reads the pid file; ok is false when there is none.
func readPidFile(path string) (pidFile, bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return pidFile{}, false, nil
	}
	if err != nil {
		return pidFile{}, false, err
	}
	var p pidFile
	if err := json.Unmarshal(data, &p); err != nil || p.PID <= 0 || p.URL == "" {
		return pidFile{}, true, fmt.Errorf("%s is not an emulator pid file", path)
	}
	return p, true, nil
}

// running reports whether the pid file's emulator is alive: its URL answers as an emulator
// with the file's pid. A pid reused by another process, or a port reused by another program,
// is not it.
func running(ctx context.Context, p pidFile) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+emulator.StatusPath, nil)
	if err != nil {
		return false
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var s emulator.Status
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	return resp.StatusCode == http.StatusOK && json.Unmarshal(body, &s) == nil && s.PID == p.PID
}

// removePidFileOf removes the pid file if it still names pid, so that a new emulator's file
// is never removed by an old one.
func removePidFileOf(path string, pid int) {
	if p, ok, err := readPidFile(path); ok && err == nil && p.PID == pid {
		_ = os.Remove(path)
	}
}

// writePidFile records the emulator running in this process.
func writePidFile(path, logPath string, emu *emulator.Emulator, now time.Time) error {
	data, err := json.MarshalIndent(pidFile{PID: os.Getpid(), URL: emu.URL, ControlHost: emu.ControlURL(),
		Endpoint: emu.URL, StartedAt: now.UTC().Format(time.RFC3339), Log: logPath}, "", "  ")
	if err != nil {
		return err
	}
	return config.WriteFile(path, append(data, '\n'))
}

// watchPidFile returns a channel closed when the pid file no longer names this process
// (deleted, or replaced): a background emulator then stops, so that one left behind by a
// removed directory or a test that failed does not run on forever.
func watchPidFile(ctx context.Context, path string, every time.Duration) <-chan struct{} {
	gone := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if p, ok, err := readPidFile(path); !ok || err != nil || p.PID != os.Getpid() {
					close(gone)
					return
				}
			}
		}
	}()
	return gone
}
