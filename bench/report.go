package main

import (
	"fmt"
	"strings"
)

// report is the benchmark report, written as markdown (BENCHMARKS.md).
type report struct{ b strings.Builder }

func (r *report) heading(title string) { fmt.Fprintf(&r.b, "\n## %s\n\n", title) }

func (r *report) para(format string, args ...any) { fmt.Fprintf(&r.b, format+"\n\n", args...) }

func (r *report) table(header []string, rows [][]string) {
	r.b.WriteString("| " + strings.Join(header, " | ") + " |\n")
	r.b.WriteString("|" + strings.Repeat(" --- |", len(header)) + "\n")
	for _, row := range rows {
		r.b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	r.b.WriteString("\n")
}

func (r *report) String() string { return r.b.String() }

// verdict says whether a figure meets its target.
func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}
