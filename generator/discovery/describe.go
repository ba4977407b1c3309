package discovery

import (
	"regexp"
	"strings"
)

// maxDescription bounds a description taken from a README.
const maxDescription = 200

var (
	mdImage    = regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`)
	mdLink     = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdRefLink  = regexp.MustCompile(`\[([^\]]*)\]\[[^\]]*\]`)
	mdHTMLTag  = regexp.MustCompile(`<[^>]*>`)
	mdEmphasis = regexp.MustCompile("(\\*\\*|__|\\*|`)")
	spaces     = regexp.MustCompile(`\s+`)
)

// DescribeReadme returns a one-paragraph plain-text description taken from
// a module's README: the first paragraph that is prose (not a heading,
// badge line, HTML block, table, list, quote or code block), with Markdown
// links, images, emphasis and tags removed, cut to 200 bytes on a word
// boundary. It returns "" when the README has no such paragraph.
func DescribeReadme(readme string) string {
	var para []string
	inFence := false
	flush := func() string {
		text := strings.Join(para, " ")
		para = para[:0]
		text = mdImage.ReplaceAllString(text, "")
		text = mdLink.ReplaceAllString(text, "$1")
		text = mdRefLink.ReplaceAllString(text, "$1")
		text = mdHTMLTag.ReplaceAllString(text, "")
		text = mdEmphasis.ReplaceAllString(text, "")
		return strings.TrimSpace(spaces.ReplaceAllString(text, " "))
	}
	lines := strings.Split(strings.ReplaceAll(readme, "\r\n", "\n"), "\n")
	for i, raw := range lines {
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "```") || strings.HasPrefix(line, "~~~") {
			inFence = !inFence
			para = para[:0]
			continue
		}
		if inFence {
			continue
		}
		next := ""
		if i+1 < len(lines) {
			next = strings.TrimSpace(lines[i+1])
		}
		if line == "" || skipLine(line, next) {
			if len(para) > 0 {
				if d := flush(); d != "" {
					return clip(d)
				}
			}
			continue
		}
		para = append(para, line)
	}
	if len(para) > 0 {
		return clip(flush())
	}
	return ""
}

// skipLine reports whether a README line is not prose: headings (also
// setext ones, whose next line is === or ---), badges and images, HTML,
// tables, lists, quotes and rules.
func skipLine(line, next string) bool {
	switch {
	case strings.HasPrefix(line, "#"), strings.HasPrefix(line, "!["), strings.HasPrefix(line, "[!["),
		strings.HasPrefix(line, "<"), strings.HasPrefix(line, "|"), strings.HasPrefix(line, ">"),
		strings.HasPrefix(line, "- "), strings.HasPrefix(line, "* "), strings.HasPrefix(line, "+ "),
		strings.Trim(line, "=-*_ ") == "":
		return true
	case next != "" && strings.Trim(next, "=") == "", next != "" && strings.Trim(next, "-") == "" && len(next) >= 2:
		return true // setext heading
	}
	return mdImage.ReplaceAllString(mdLink.ReplaceAllString(line, ""), "") == "" // only links/badges
}

// clip cuts s to maxDescription bytes at the last space before the limit.
func clip(s string) string {
	if len(s) <= maxDescription {
		return s
	}
	cut := strings.LastIndexByte(s[:maxDescription], ' ')
	if cut <= 0 {
		cut = maxDescription
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
	}
	return strings.TrimSpace(s[:cut])
}
