package builder

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

const audioConfig = `[deck]
id = "audio"
namespace = "audio"
name = "听力"

[output]
formats = ["apkg", "md", "html"]

[[topics]]
id = "words"
name = "单词"
`

const audioCards = `[[cards]]
id = "cat"
question = "猫怎么读?"
answer = "![读音](media/cat.mp3)"

[[cards]]
id = "dog"
question = "狗怎么读?"
answer = "听:[sound:media/dog.ogg]"
`

func writeAudioDeck(t *testing.T, cardsText string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"config.toml": audioConfig, "cards/words.toml": cardsText,
		"cards/media/cat.mp3": "ID3 not really a song", "cards/media/dog.ogg": "OggS not really a song"}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "config.toml")
}

// TestAudio: a sound file reaches Anki as [sound:…] with the file packaged,
// and the reading outputs show it as a link or a note, never as an image.
func TestAudio(t *testing.T) {
	cfg := writeAudioDeck(t, audioCards)
	if _, err := Run(Options{ConfigPath: cfg}); err != nil {
		t.Fatal(err)
	}
	dist := filepath.Join(filepath.Dir(cfg), "dist")

	zr, err := zip.OpenReader(filepath.Join(dist, "audio.apkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	entries := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		entries[f.Name], _ = io.ReadAll(r)
		r.Close()
	}
	var mediaMap map[string]string
	if err := json.Unmarshal(entries["media"], &mediaMap); err != nil {
		t.Fatalf("the package's media map: %v", err)
	}
	packaged := map[string]string{} // name -> content
	for num, name := range mediaMap {
		packaged[name] = string(entries[num])
	}
	db := filepath.Join(t.TempDir(), "collection.anki2")
	if err := os.WriteFile(db, entries["collection.anki2"], 0o644); err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query("SELECT flds FROM notes")
	if err != nil {
		t.Fatal(err)
	}
	var flds []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			t.Fatal(err)
		}
		flds = append(flds, f)
	}
	rows.Close()
	for _, want := range []struct{ card, content string }{{"cat", "ID3 not really a song"}, {"dog", "OggS not really a song"}} {
		found := false
		for _, f := range flds {
			if !strings.HasPrefix(f, want.card+"\x1f") {
				continue
			}
			found = true
			if strings.Contains(f, "<img") {
				t.Errorf("card %s: the sound is an <img>: %q", want.card, f)
			}
			i := strings.Index(f, "[sound:")
			if i < 0 {
				t.Errorf("card %s: no [sound:…] in %q", want.card, f)
				continue
			}
			name := f[i+len("[sound:") : i+strings.IndexByte(f[i:], ']')]
			if packaged[name] != want.content {
				t.Errorf("card %s plays %s, which the package does not carry (media: %v)", want.card, name, mediaMap)
			}
		}
		if !found {
			t.Errorf("no note for card %s", want.card)
		}
	}

	md, _ := os.ReadFile(filepath.Join(dist, "audio.md"))
	if strings.Contains(string(md), "![") || strings.Contains(string(md), "[sound:") ||
		!strings.Contains(string(md), "[🔊 读音](media/cat.mp3)") || !strings.Contains(string(md), "[🔊 dog.ogg](media/dog.ogg)") {
		t.Errorf("the Markdown does not link the sounds:\n%s", md)
	}
	page, _ := os.ReadFile(filepath.Join(dist, "audio.html"))
	if bytes.Contains(page, []byte("<img")) || bytes.Contains(page, []byte("[sound:")) ||
		!bytes.Contains(page, []byte("🔊 读音 (cat.mp3)")) || !bytes.Contains(page, []byte("🔊 dog.ogg")) {
		t.Errorf("the HTML page does not name the sounds")
	}
}

// TestSoundNamesAFile: a literal [sound:x] must name a file of the deck.
func TestSoundNamesAFile(t *testing.T) {
	cfg := writeAudioDeck(t, "[[cards]]\nid = \"cow\"\nquestion = \"牛?\"\nanswer = \"[sound:media/cow.mp3]\"\n")
	var stderr bytes.Buffer
	_, err := Run(Options{ConfigPath: cfg, Stderr: &stderr})
	if err == nil {
		t.Fatal("a card playing a missing file built")
	}
	if !strings.Contains(stderr.String(), "cards/words.toml:4: error: card 'cow': ") || !strings.Contains(stderr.String(), "media/cow.mp3") {
		t.Errorf("no file:line error naming the missing sound:\n%s", stderr.String())
	}
}
