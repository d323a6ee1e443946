package ankiimport

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	bareKeyRE   = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	hexEscapeRE = regexp.MustCompile(`\\x([0-9a-f]{2})`)
)

// tomlKey quotes a key when it is not bare (field names may be Chinese or hold spaces).
func tomlKey(k string) string {
	if bareKeyRE.MatchString(k) {
		return k
	}
	return tomlBasic(k)
}

// tomlString writes s as the most readable TOML string that holds it
// exactly: a literal string when it can (Markdown keeps its backslashes),
// multi-line when it has several lines.
func tomlString(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if !strings.Contains(s, "\n") {
		if !strings.Contains(s, "'") && !hasControl(s, false) {
			return "'" + s + "'"
		}
		return tomlBasic(s)
	}
	if !strings.Contains(s, "'''") && !strings.HasSuffix(s, "'") && !hasControl(s, true) {
		return "'''\n" + s + "'''"
	}
	var b strings.Builder
	b.WriteString(`"""` + "\n")
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString(`"""`)
	return b.String()
}

// tomlBasic is a one-line basic string with every escape TOML needs.
func tomlBasic(s string) string {
	q := strconv.QuoteToGraphic(s)
	// strconv escapes as Go does; TOML knows \uXXXX and \UXXXXXXXX but not \x.
	return hexEscapeRE.ReplaceAllString(q, `\u00$1`)
}

func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if r == '\t' || multiline && r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

func tomlArray(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = tomlString(x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// topicFile is the TOML of one topic's cards.
func topicFile(t Topic, header string) string {
	var b strings.Builder
	b.WriteString(header)
	for i, c := range t.Cards {
		if i > 0 || header != "" {
			b.WriteString("\n")
		}
		b.WriteString("[[cards]]\n")
		kv := func(k, v string) { fmt.Fprintf(&b, "%s = %s\n", k, v) }
		kv("id", tomlString(c.ID))
		if c.Type != "basic" {
			kv("type", tomlString(c.Type))
		}
		if c.GUID != "" {
			kv("guid", tomlString(c.GUID))
		}
		if c.Source != "" {
			kv("source", tomlString(c.Source))
		}
		if len(c.Topics) > 1 {
			kv("topics", tomlArray(c.Topics[1:]))
		}
		if len(c.Tags) > 0 {
			kv("tags", tomlArray(c.Tags))
		}
		if c.Fields != nil {
			b.WriteString("\n[cards.fields]\n")
			for _, f := range c.Fields {
				kv(tomlKey(f.Name), tomlString(f.Markdown))
			}
			continue
		}
		kv("question", tomlString(c.Question))
		if c.Answer != "" {
			kv("answer", tomlString(c.Answer))
		}
		if c.Extra != "" {
			kv("extra", tomlString(c.Extra))
		}
	}
	return b.String()
}

// noteTypeFile is the TOML of one declared note type (notetypes/<slug>.toml).
func noteTypeFile(dt *DeclaredType) string {
	var b strings.Builder
	kv := func(k, v string) { fmt.Fprintf(&b, "%s = %s\n", k, v) }
	kv("id", strconv.FormatInt(dt.ID, 10))
	kv("name", tomlString(dt.Name))
	kind := "standard"
	if dt.Cloze {
		kind = "cloze"
	}
	kv("kind", tomlString(kind))
	if dt.SortField >= 0 && dt.SortField < len(dt.Fields) {
		kv("sort_field", tomlString(dt.Fields[dt.SortField]))
	}
	kv("css", tomlString(dt.CSS))
	if dt.LatexPre != "" {
		kv("latex_pre", tomlString(dt.LatexPre))
	}
	if dt.LatexPost != "" {
		kv("latex_post", tomlString(dt.LatexPost))
	}
	for _, f := range dt.Fields {
		b.WriteString("\n[[fields]]\n")
		kv("name", tomlString(f))
	}
	for _, t := range dt.Templates {
		b.WriteString("\n[[templates]]\n")
		kv("name", tomlString(t.Name))
		kv("front", tomlString(t.Front))
		kv("back", tomlString(t.Back))
	}
	return b.String()
}

// configFile is config.toml of a new project.
func configFile(p *Plan) string {
	var b strings.Builder
	kv := func(k, v string) { fmt.Fprintf(&b, "%s = %s\n", k, v) }
	b.WriteString("[deck]\n")
	kv("id", tomlString(p.DeckID))
	kv("namespace", tomlString(p.Namespace))
	kv("name", tomlString(p.DeckName))
	kv("cards", tomlString("cards"))
	if len(p.NoteTypes) > 0 {
		kv("notetypes", tomlString("notetypes"))
	}
	b.WriteString("\n[output]\n")
	kv("dir", tomlString("dist"))
	kv("formats", tomlArray([]string{"apkg"}))
	for _, t := range p.Topics {
		b.WriteString("\n[[topics]]\n")
		kv("id", tomlString(t.ID))
		kv("name", tomlString(t.Name))
	}
	b.WriteString("\n[[targets]]\n")
	kv("name", tomlString("all"))
	return b.String()
}
