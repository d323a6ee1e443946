package ankisync

import "testing"

func TestJoinRemote(t *testing.T) {
	for _, c := range []struct{ dir, want string }{
		{"/home/u/.local/share/Anki2/User 1/collection.media", "/home/u/.local/share/Anki2/User 1/collection.media/p.apkg"},
		{`C:\Users\u\AppData\Roaming\Anki2\User 1\collection.media`, `C:\Users\u\AppData\Roaming\Anki2\User 1\collection.media\p.apkg`},
		{"/media/", "/media/p.apkg"},
	} {
		if got := joinRemote(c.dir, "p.apkg"); got != c.want {
			t.Errorf("joinRemote(%q) = %q, want %q", c.dir, got, c.want)
		}
	}
}

func TestEscapeSearch(t *testing.T) {
	if got, want := escapeSearch(`CV 面试题::已删除 (retired) "a_b*c\`), `CV 面试题::已删除 (retired) \"a\_b\*c\\`; got != want {
		t.Errorf("escapeSearch = %q, want %q", got, want)
	}
}

func TestSameTags(t *testing.T) {
	if !sameTags([]string{"topic::Detection", "b"}, []string{"B", "topic::detection"}) {
		t.Error("tags differing in case and order should match, as Anki matches them")
	}
	if sameTags([]string{"a"}, []string{"a", "cardgen::retired"}) {
		t.Error("a missing tag should differ")
	}
}
