// Command cmd regenerates the suite's command reference (docs/reference, docs/man) from the
// commands themselves. Run it from the module root:
//
//	go run ./internal/docgen/cmd
package main

import (
	"fmt"
	"os"

	"github.com/ably/ably-suite/internal/docgen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

func run() error {
	if _, err := os.Stat("go.mod"); err != nil {
		return fmt.Errorf("run me from the module root (no go.mod here): %s", docgen.UpdateCommand)
	}
	files, err := docgen.Files(docgen.Plugins())
	if err != nil {
		return err
	}
	stale, err := docgen.Stale(".", files)
	if err != nil {
		return err
	}
	if err := docgen.Write(".", files); err != nil {
		return err
	}
	for _, s := range stale {
		fmt.Println("updated", s)
	}
	fmt.Printf("%d files under docs/ are up to date\n", len(files))
	return nil
}
