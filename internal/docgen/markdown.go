package docgen

import (
	"strings"
)

// descriptionMarkdown turns a command's help description into markdown: its text stays as it
// is, and its indented lines (the examples, by the suite's convention) become code blocks,
// keeping their indentation relative to the block's first line.
func descriptionMarkdown(desc string) string {
	lines := strings.Split(strings.Trim(desc, "\n"), "\n")
	var b strings.Builder
	var blockIndent string // leading whitespace of the code block's first line; "" outside one
	inCode := false
	for _, line := range lines {
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		blank := strings.TrimSpace(line) == ""
		switch {
		case !blank && indent != "" && !inCode:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n\n") {
				b.WriteString("\n") // markdown needs a blank line before a code block
			}
			inCode, blockIndent = true, indent
		case !blank && indent == "" && inCode:
			b.WriteString("\n")
			inCode = false
		}
		switch {
		case blank:
			b.WriteString("\n")
		case inCode:
			b.WriteString("    " + strings.TrimPrefix(line, blockIndent) + "\n")
		default:
			b.WriteString(line + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
