//go:build !unix

package scripttest

import "errors"

func mkfifo(string) error { return errors.New("mkfifo: named pipes need a Unix system") }
