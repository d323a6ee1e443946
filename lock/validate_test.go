package lock

import (
	"strings"
	"testing"
)

// TestParseRefusesHostileValues: the lock arrives in pull requests, and its
// ids and questions reach every learner's notes.
func TestParseRefusesHostileValues(t *testing.T) {
	const ok = `"hash":"h","mod":1700000000,"type":"basic","topic":"detection","question":"q"`
	cases := []struct{ name, doc, want string }{
		{"script as retired id", `{"version":1,"retired":{"<img src=x onerror=alert(1)>":{"type":"basic","topic":"detection","question":"q","mod":1700000000}}}`, `retired card "<img src=x onerror=alert(1)>": the id is not a slug`},
		{"script as card id", `{"version":1,"cards":{"a\"><script>":{` + ok + `}}}`, `the id is not a slug`},
		{"field separator in question", `{"version":1,"retired":{"a":{"type":"basic","topic":"detection","question":"x\u001fy","mod":1700000000}}}`, `question holds the control character U+001F`},
		{"NUL in question", `{"version":1,"cards":{"a":{"hash":"h","mod":1700000000,"type":"basic","topic":"detection","question":"x\u0000"}}}`, `U+0000`},
		{"topic with markup", `{"version":1,"cards":{"a":{"hash":"h","mod":1700000000,"type":"basic","topic":"x y<b>","question":"q"}}}`, `topic "x y<b>" is not a topic id`},
		{"unknown type", `{"version":1,"retired":{"a":{"type":"Evil<b>","topic":"detection","question":"q","mod":1700000000}}}`, `unknown card type "Evil<b>"`},
		{"guid with a space", `{"version":1,"cards":{"a":{` + ok + `,"guid":"x y"}}}`, `guid "x y" is not an Anki GUID`},
		{"retired guid with markup", `{"version":1,"retired":{"a":{"type":"vocab","topic":"detection","question":"q","mod":1700000000,"guid":"\u003cb\u003e x"}}}`, `is not an Anki GUID`},
		{"mod near int64 max", `{"version":1,"cards":{"a":{"hash":"h","mod":9223372036854775807,"type":"basic","topic":"detection","question":"q"}}}`, `is not a time between 1970 and 2100`},
		{"negative mod", `{"version":1,"note_types":{"basic":{"hash":"h","mod":-5}}}`, `mod -5 is not a time`},
		{"card both live and retired", `{"version":1,"cards":{"a":{` + ok + `}},"retired":{"a":{"type":"basic","topic":"detection","question":"q","mod":1700000000}}}`, `also listed as a card`},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Parse = %v, want an error with %q", c.name, err, c.want)
		}
	}
	if _, err := Parse([]byte(`{"version":1,"cards":{"a":{` + ok + `,"topics":"pose,training","guid":"f~3Kx#9!Ab"}}}`)); err != nil {
		t.Errorf("a valid lock: %v", err)
	}
}
