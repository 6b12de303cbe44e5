package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/controltest"
)

// ErrBadState is returned by Start for a state file it cannot take: one that does not parse,
// of another version, or given with a seed.
var ErrBadState = errors.New("bad state file")

// stateVersion is the layout of a state file this emulator writes and reads.
const stateVersion = 1

// maxStateFile bounds a state file: accounts, apps and keys, never gigabytes.
const maxStateFile = 64 << 20

// stateFile is what --state keeps: the Control API's state (accounts, tokens, apps, keys,
// namespaces, queues, rules) and the credentials the emulator prints. It holds secrets: it is
// written 0600, atomically.
type stateFile struct {
	Version int               `json:"version"`
	Seeded  Seeded            `json:"seeded"`
	Control controltest.State `json:"control"`
}

// loadState reads a state file; ok is false when there is none yet. A file that does not
// parse, or is of another version, is an error naming its line: it is never overwritten.
func loadState(path string) (stateFile, bool, error) {
	if path == "" {
		return stateFile{}, false, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return stateFile{}, false, nil
	}
	if err != nil {
		return stateFile{}, false, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStateFile+1))
	if err != nil {
		return stateFile{}, false, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxStateFile {
		return stateFile{}, false, fmt.Errorf("%w: %s is larger than %d MiB: not an emulator's state", ErrBadState, path, maxStateFile>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var st stateFile
	if err := dec.Decode(&st); err != nil {
		return stateFile{}, false, fmt.Errorf("%w: %s is not an emulator's state: %s (it is left as it is)", ErrBadState, path, describeJSONError(data, dec.InputOffset(), err))
	}
	if st.Version != stateVersion {
		return stateFile{}, false, fmt.Errorf("%w: %s is an emulator's state of version %d, not %d (it is left as it is)", ErrBadState, path, st.Version, stateVersion)
	}
	return st, true, nil
}

// Save writes the emulator's state to Options.StatePath (atomically, 0600); without one it
// does nothing.
func (e *Emulator) Save() error {
	if e.statePath == "" {
		return nil
	}
	data, err := json.MarshalIndent(stateFile{Version: stateVersion, Seeded: e.Seeded, Control: e.Control.State()}, "", "  ")
	if err != nil {
		return err
	}
	return config.WriteFile(e.statePath, append(data, '\n'))
}

// CheckState says, before anything starts, whether Start would take the state file at path
// (with a seed or not): nil, or the ErrBadState error Start would return.
func CheckState(path string, seeded bool) error {
	_, restored, err := loadState(path)
	if err == nil && restored && seeded {
		err = stateWithSeed(path)
	}
	return err
}

func stateWithSeed(path string) error {
	return fmt.Errorf("%w: %s holds an emulator's state already: start without a seed, or remove the file", ErrBadState, path)
}
