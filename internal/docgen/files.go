package docgen

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
)

// generatedPatterns are the files the generator owns: any other file under docs/ is left alone.
func generatedPatterns() []string {
	return []string{ReferenceDir + "/ably-*.md", ManDir + "/ably-*.1", indexFile}
}

// Write writes files under root, rewriting only those that changed, and removes generated
// files no longer generated (a group that was dropped).
func Write(root string, files map[string]string) error {
	for _, name := range sortedKeys(files) {
		full := filepath.Join(root, filepath.FromSlash(name))
		if old, err := os.ReadFile(full); err == nil && string(old) == files[name] {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, []byte(files[name]), 0o644); err != nil {
			return err
		}
	}
	leftover, err := leftovers(root, files)
	if err != nil {
		return err
	}
	for _, name := range leftover {
		if err := os.Remove(filepath.Join(root, filepath.FromSlash(name))); err != nil {
			return err
		}
	}
	return nil
}

// Stale lists the files under root that differ from files: changed, missing, or left over.
func Stale(root string, files map[string]string) ([]string, error) {
	var stale []string
	for _, name := range sortedKeys(files) {
		old, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			stale = append(stale, name+" (missing)")
		case err != nil:
			return nil, err
		case string(old) != files[name]:
			stale = append(stale, name+" (changed)")
		}
	}
	leftover, err := leftovers(root, files)
	if err != nil {
		return nil, err
	}
	for _, name := range leftover {
		stale = append(stale, name+" (no longer generated)")
	}
	return stale, nil
}

// leftovers are the generated-looking files under root that files does not hold.
func leftovers(root string, files map[string]string) ([]string, error) {
	var out []string
	for _, pattern := range generatedPatterns() {
		matches, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(pattern)))
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			rel, err := filepath.Rel(root, m)
			if err != nil {
				return nil, err
			}
			name := path.Clean(filepath.ToSlash(rel))
			if _, ok := files[name]; !ok {
				out = append(out, name)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
