// Package userfile reads files whose names come from users (flags, the config file's path),
// with a size cap and only from regular files: a device such as /dev/zero would otherwise be
// read until memory runs out, and a named pipe would block the command forever.
package userfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is returned for a directory, device, named pipe or socket.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned for a file larger than the limit asked for.
var ErrTooLarge = errors.New("file too large")

// Read returns the contents of the regular file at path, at most limit bytes. Symbolic links
// are followed. Errors do not repeat the path (callers name it with the flag it came from);
// a missing file is an error for which errors.Is(err, fs.ErrNotExist) holds.
func Read(path string, limit int64) ([]byte, error) {
	// Refuse what is not a regular file before opening it: opening a named pipe blocks
	// until a writer comes.
	st, err := os.Stat(path)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if err := checkInfo(st, limit); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlocking, 0)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	// The file may have been swapped between the stat and the open: check what was opened.
	if st, err = f.Stat(); err != nil {
		return nil, unwrapPath(err)
	}
	if err := checkInfo(st, limit); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, unwrapPath(err)
	}
	if int64(len(data)) > limit { // grew while being read
		return nil, tooLarge(limit)
	}
	return data, nil
}

func checkInfo(st fs.FileInfo, limit int64) error {
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%w (it is %s)", ErrNotRegular, kind(st.Mode()))
	}
	if st.Size() > limit {
		return tooLarge(limit)
	}
	return nil
}

func tooLarge(limit int64) error {
	return fmt.Errorf("%w: larger than the limit of %s", ErrTooLarge, Size(limit))
}

// Size writes a byte count for people: "1 MiB", "64 KiB", "100 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "of another kind"
}

// unwrapPath drops the *fs.PathError around err, keeping its meaning for errors.Is.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
