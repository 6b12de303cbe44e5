package config

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// A file nested ten thousand deep (60 KB) once crashed every command in the parser; now it is
// refused before parsing, the error names the file and line, and nothing is written.
func TestDeepConfigIsRefusedBeforeParsing(t *testing.T) {
	const n = 10000
	for name, content := range map[string]string{
		"inline tables": "[current]\naccount = \"a\"\nx = " + strings.Repeat("{a = ", n) + "1" + strings.Repeat("}", n) + "\n",
		"arrays":        "\n\nx = " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n",
		"header":        "[" + strings.Repeat("a.", n) + "b]\n",
		"dotted key":    strings.Repeat("a.", n) + "b = 1\n",
	} {
		p := writeFile(t, content)
		_, err := Load(p)
		if err == nil || !strings.Contains(err.Error(), "config file "+p+", line ") || !strings.Contains(err.Error(), fmt.Sprintf("nested more than %d deep", MaxDepth)) {
			t.Errorf("%s: Load error %v", name, err)
		}
		if exitcode.Of(err) != exitcode.Failure {
			t.Errorf("%s: exit code %d", name, exitcode.Of(err))
		}
		if err := Update(t.Context(), p, func(f *File) error { return nil }); err == nil {
			t.Errorf("%s: Update accepted the file", name)
		}
		if data, _ := os.ReadFile(p); string(data) != content {
			t.Errorf("%s: the file was changed", name)
		}
	}
	// The line is where the limit was crossed.
	p := writeFile(t, "[current]\naccount = \"a\"\n\nx = "+strings.Repeat("[", MaxDepth+1)+strings.Repeat("]", MaxDepth+1)+"\n")
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), p+", line 4:") {
		t.Errorf("line of the limit: %v", err)
	}
}

func TestConfigAtTheDepthLimitLoads(t *testing.T) {
	// MaxDepth levels: header segments, the key, and the arrays inside its value.
	content := "[a.b.c.d]\nx = " + strings.Repeat("[", MaxDepth-5) + strings.Repeat("]", MaxDepth-5) + "\n"
	if _, err := Load(writeFile(t, content)); err != nil {
		t.Fatalf("a file %d deep: %v", MaxDepth, err)
	}
}

func TestOversizedConfigIsRefused(t *testing.T) {
	p := writeFile(t, "[current]\naccount = \"a\"\n# "+strings.Repeat("x", MaxFileSize)+"\n")
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), "config file "+p+" is larger than 1 MiB") {
		t.Fatalf("Load error %v", err)
	}
}

// A header-heavy file the suite accepts is written back about the same size: the encoder's
// indentation and its header for every intermediate table used to grow it many times over
// (2 KB to 2 MB for a file 1,000 tables deep).
func TestRewriteDoesNotInflate(t *testing.T) {
	deep := strings.Join(strings.Split("bcdefghijklmn", ""), ".") // 13 more levels
	var b strings.Builder
	for i := 0; b.Len() < 2000; i++ {
		fmt.Fprintf(&b, "[t%d.%s]\nx = 1\n\n", i, deep)
	}
	b.WriteString("[current]\naccount = \"a\"\n")
	p := writeFile(t, b.String())
	if err := Update(t.Context(), p, func(f *File) error { return f.PutAccount("a", Account{AccessToken: "tok"}) }); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if limit := b.Len() + 200; len(data) > limit {
		t.Fatalf("a %d-byte file was rewritten as %d bytes (limit %d):\n%s", b.Len(), len(data), limit, data)
	}
}

// Dropping the headers of tables that hold only tables keeps every table and key.
func TestRewriteKeepsTheTree(t *testing.T) {
	for _, content := range []string{
		officialCLIFile,
		"[a.b.c]\nx = 1\n[a]\ny = 2\n[[a.list]]\nz = 3\n[[a.list]]\n[a.list.sub]\nw = 4\n[empty]\n[e2.sub]\n",
		"x = {a.b = 1, c = [1, {d = 2}]}\n[\"dotted.key\".inner]\nv = \"[not a header]\"\ns = \"line\\n[fake]\"\n",
	} {
		f, err := parse("test", []byte(content), true)
		if err != nil {
			t.Fatal(err)
		}
		out, err := f.encode()
		if err != nil {
			t.Fatal(err)
		}
		var before, after map[string]any
		if _, err := toml.Decode(content, &before); err != nil {
			t.Fatal(err)
		}
		if _, err := toml.Decode(string(out), &after); err != nil {
			t.Fatalf("rewrite does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(before, after) {
			t.Errorf("the tree changed on rewrite:\nbefore %v\nafter  %v\n%s", before, after, out)
		}
	}
}

// treeDepth counts levels as nestingDepth does: a table or array is one level, an array of
// tables and its element together one.
func treeDepth(v any) int {
	switch v := v.(type) {
	case map[string]any:
		d := 0
		for _, c := range v {
			d = max(d, treeDepth(c))
		}
		return 1 + d
	case []map[string]any:
		d := 0
		for _, c := range v {
			d = max(d, treeDepth(c))
		}
		return d
	case []any:
		d := 0
		for _, c := range v {
			d = max(d, treeDepth(c))
		}
		return 1 + d
	}
	return 0
}

// The scan never sees fewer levels than the parser builds, whatever the text.
func FuzzNestingDepth(f *testing.F) {
	f.Add(officialCLIFile)
	f.Add("[[a]]\n[[a.b]]\n[[a.b.c]]\nx = [[{y = [1]}]]\n")
	f.Add("a = \"\"\"\n[x.y.z]\n\"\"\"\nb.c.d = {e = {f = 1}}\n")
	f.Add("a = '''\n''' \n[p.'q.r'.s]\nt = [ # comment [[[\n  1,\n  [2],\n]\n")
	f.Add("a = {}\nb = {c = {}}\n[d]\ne = \"\\\"[\"\n")
	f.Fuzz(func(t *testing.T, content string) {
		if len(content) > 4096 {
			return
		}
		var tree map[string]any
		if _, err := toml.Decode(content, &tree); err != nil {
			return
		}
		have := 0
		for _, c := range tree {
			have = max(have, treeDepth(c))
		}
		if got, _ := nestingDepth([]byte(content), 1<<30); got < have {
			t.Fatalf("nestingDepth = %d, but the parsed tree is %d deep", got, have)
		}
	})
}
