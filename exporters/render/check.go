package render

import "strings"

// Stripped returns what Render reports as removed from src's HTML, but
// renders only when src could give markup the policy removes. Markdown
// without raw HTML, links, images, bare URLs or e-mail addresses, ordered
// lists starting at another number than 1, or code fences with more than a
// plain language name renders to elements and attributes the policy always
// keeps (FuzzStripped checks this against Render). Validation needs only
// this, and most cards then cost no rendering at all.
func (r *Renderer) Stripped(src string) ([]string, error) {
	if !mayStrip(src) {
		return nil, nil
	}
	_, stripped, err := r.Render(src)
	return stripped, err
}

// mayStrip reports whether src holds anything that can render to markup the policy removes.
func mayStrip(src string) bool {
	// A link or image is written [text](url), or [text] or [text][label]
	// with a definition [label]: url; a '[' in TeX or a task list is harmless.
	if strings.ContainsAny(src, "<@") || strings.Contains(src, "](") || strings.Contains(src, "]:") ||
		strings.Contains(src, "://") || strings.Contains(src, "www.") {
		return true
	}
	for line := range strings.Lines(src) {
		line = strings.TrimRight(line, "\r\n")
		// GFM's autolink parser splits text at spaces, and then goldmark
		// keeps part of a long run of trailing spaces or tabs before a line
		// break ("0    \n0" renders "0 <br>"): such text takes the full path.
		if ws := len(line) - len(strings.TrimRight(line, " \t")); ws > 2 || ws == 2 && !strings.HasSuffix(line, "  ") {
			return true
		}
		if mayStripLine(line) {
			return true
		}
	}
	return false
}

// mayStripLine finds an ordered-list marker other than "1." (it renders
// <ol start>) or a fence info string other than a plain language name
// (it may render attributes), after any container markers.
func mayStripLine(line string) bool {
	i := 0
	for {
		for i < len(line) && strings.IndexByte(" \t>*+-", line[i]) >= 0 {
			i++
		}
		j := i
		for j < len(line) && line[j] >= '0' && line[j] <= '9' {
			j++
		}
		if j == i || j >= len(line) || (line[j] != '.' && line[j] != ')') {
			break
		}
		if line[i:j] != "1" {
			return true
		}
		i = j + 1
	}
	rest := line[i:]
	for _, fence := range []string{"```", "~~~"} {
		if k := strings.Index(rest, fence); k >= 0 {
			// Only spaces and tabs surround an info string; goldmark keeps \v or \f in it.
			info := strings.Trim(strings.TrimLeft(rest[k:], fence[:1]), " \t")
			for _, c := range []byte(info) {
				if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
					return true
				}
			}
		}
	}
	return false
}
