package cjkpunct

import (
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// FixTOML fixes the question, answer and extra of every card of a topic
// file, editing the file's text in place so comments, layout and the other
// keys stay as written. A value written with escapes (a basic string with
// \" or \n) cannot be edited byte for byte; it is left alone and named in
// skipped. The result decodes to the same cards with fixed Markdown.
func FixTOML(data string) (out string, changed int, skipped []string, err error) {
	var doc struct {
		Cards []struct {
			ID       string `toml:"id"`
			Question string `toml:"question"`
			Answer   string `toml:"answer"`
			Extra    string `toml:"extra"`
		} `toml:"cards"`
	}
	if _, err := toml.Decode(data, &doc); err != nil {
		return "", 0, nil, err
	}
	type edit struct {
		at      int
		old     string
		new     string
		changes int
	}
	var edits []edit
	cursor := 0
	for _, c := range doc.Cards {
		end := cursor
		for _, f := range []struct{ key, value string }{{"question", c.Question}, {"answer", c.Answer}, {"extra", c.Extra}} {
			fixed, n := Fix(f.value)
			i := strings.Index(data[cursor:], f.value)
			if f.value == "" || i < 0 {
				if n > 0 {
					skipped = append(skipped, fmt.Sprintf("card '%s': %s is written with escapes; fix it by hand", c.ID, f.key))
				}
				continue
			}
			at := cursor + i
			end = max(end, at+len(f.value))
			if n > 0 {
				edits = append(edits, edit{at, f.value, fixed, n})
			}
		}
		cursor = end
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].at > edits[j].at })
	out = data
	for _, e := range edits {
		out = out[:e.at] + e.new + out[e.at+len(e.old):]
		changed += e.changes
	}
	return out, changed, skipped, nil
}
