package dispatcher

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// cacheVersion changes when the cache file's layout does; another version is ignored.
// Version 2 added timedOutAfter.
const cacheVersion = 2

// cacheFile is the metadata cache on disk:
//
//	{"version":2,"plugins":{
//	  "/usr/local/bin/ably-auth":{"size":123,"mtime":1700000000000000000,"output":"{...}"},
//	  "/usr/local/bin/ably-slow":{"size":45,"mtime":1700000000000000000,"output":"","timedOutAfter":2000000000}}}
//
// It keeps each plugin's raw answer rather than the parsed result, so a newer ably judges an
// old answer by its own rules. A plugin whose call timed out is kept too, with the timeout
// it was given, so that later runs do not wait for it again until its file changes.
type cacheFile struct {
	Version int                   `json:"version"`
	Plugins map[string]cacheEntry `json:"plugins"`
}

// cacheEntry is one plugin's answer, or its timeout, valid while the file keeps its size and
// mtime.
type cacheEntry struct {
	Size   int64  `json:"size"`
	MTime  int64  `json:"mtime"` // nanoseconds since 1970
	Output string `json:"output"`
	// TimedOutAfter is, for a call that did not answer in time, the timeout it was given
	// (nanoseconds); Output is then empty. 0 for an answer.
	TimedOutAfter int64 `json:"timedOutAfter,omitempty"`
}

// timedOut is how long the cached call was given before it was abandoned; 0 for an answer.
func (e cacheEntry) timedOut() time.Duration { return time.Duration(e.TimedOutAfter) }

// metadataCache is the cache loaded for one run. A nil path disables it.
type metadataCache struct {
	path    string
	entries map[string]cacheEntry
	dirty   bool
}

// cachePath is where the metadata cache lives under the user's cache directory.
func cachePath(cacheDir string) string {
	if cacheDir == "" {
		return ""
	}
	return filepath.Join(cacheDir, "ably", "plugin-metadata.json")
}

// loadCache reads the cache at path. A missing file is an empty cache; a corrupt one (or one
// of another version) is ignored and will be rewritten.
func loadCache(path string) *metadataCache {
	c := &metadataCache{path: path, entries: map[string]cacheEntry{}}
	if path == "" {
		return c
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return c
	}
	var f cacheFile
	if json.Unmarshal(data, &f) != nil || f.Version != cacheVersion || f.Plugins == nil {
		c.dirty = true
		return c
	}
	c.entries = f.Plugins
	return c
}

// key is the size and mtime that keep a cached answer valid for the file at c.Path.
func key(c *Candidate) (size, mtime int64) {
	return c.info.Size(), c.info.ModTime().UnixNano()
}

// lookup returns the cached entry of c's file, if the file is unchanged since: its answer,
// or the timeout its call ran out of.
func (mc *metadataCache) lookup(c *Candidate) (cacheEntry, bool) {
	e, ok := mc.entries[c.Path]
	if !ok {
		return cacheEntry{}, false
	}
	size, mtime := key(c)
	if e.Size != size || e.MTime != mtime {
		return cacheEntry{}, false
	}
	return e, true
}

// store records c's answer.
func (mc *metadataCache) store(c *Candidate, out []byte) {
	size, mtime := key(c)
	mc.entries[c.Path] = cacheEntry{Size: size, MTime: mtime, Output: string(out)}
	mc.dirty = true
}

// storeTimeout records that c's call did not answer within timeout.
func (mc *metadataCache) storeTimeout(c *Candidate, timeout time.Duration) {
	size, mtime := key(c)
	mc.entries[c.Path] = cacheEntry{Size: size, MTime: mtime, TimedOutAfter: int64(timeout)}
	mc.dirty = true
}

// save writes the cache if it changed, atomically (temporary file, then rename), so a
// reader never sees half a file and parallel runs cannot interleave. Entries for files that
// are gone or changed are dropped. Failing to write only costs speed, so it is silent.
func (mc *metadataCache) save() {
	if mc.path == "" || !mc.dirty {
		return
	}
	for path, e := range mc.entries {
		fi, err := os.Stat(path)
		if err != nil || fi.Size() != e.Size || fi.ModTime().UnixNano() != e.MTime {
			delete(mc.entries, path)
		}
	}
	data, err := json.Marshal(cacheFile{Version: cacheVersion, Plugins: mc.entries})
	if err != nil {
		return
	}
	dir := filepath.Dir(mc.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, ".plugin-metadata-*.tmp")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), mc.path) != nil {
		os.Remove(tmp.Name())
	}
}
