package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
)

// The bench builds the suite with README.md's own install command, so that the figures are
// those of the binaries a user gets. The command is the first line of README.md's first sh
// block, up to the first "&&"; it installs into GOBIN="$PWD/bin", which the bench points at
// its scratch directory.

const readmeGOBIN = `GOBIN="$PWD/bin"`

// readmeInstallCommand is the install command written in the README text readme.
func readmeInstallCommand(readme string) (string, error) {
	_, block, ok := strings.Cut(readme, "```sh\n")
	if !ok {
		return "", errors.New("README.md has no ```sh block")
	}
	line, _, _ := strings.Cut(block, "\n")
	install, _, _ := strings.Cut(line, " && ")
	install = strings.TrimSpace(install)
	if !strings.Contains(install, " go install ") || !strings.Contains(install, readmeGOBIN) {
		return "", fmt.Errorf("README.md's first command is not a go install into %s: %q", readmeGOBIN, install)
	}
	return install, nil
}

// installAsReadme runs README.md's install command from the current directory (the
// repository's root), installing into gobin.
func installAsReadme(gobin string) error {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		return fmt.Errorf("run the bench from the repository's root: %w", err)
	}
	install, err := readmeInstallCommand(string(readme))
	if err != nil {
		return err
	}
	cmd := exec.Command("sh", "-c", strings.Replace(install, readmeGOBIN, "GOBIN="+shellQuote(gobin), 1))
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", install, err)
	}
	return nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

var gobinValue = regexp.MustCompile(`GOBIN=("[^"]*"|\S+)`)

// normalInstall is an install command with its GOBIN value left out, so that the commands
// of README.md, .ci/run and the Makefile, which install into different places, compare equal.
func normalInstall(cmd string) string {
	return gobinValue.ReplaceAllString(strings.TrimSpace(cmd), "GOBIN=DIR")
}
