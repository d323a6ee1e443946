package ankisync

import (
	"archive/zip"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/cardgen/cardgen/exporters/ankinote"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// pkgNote is one note of the package being synced, as Anki will import it.
type pkgNote struct {
	ID      string // the card id, the note's ID field
	GUID    string
	MID     int64
	Mod     int64
	Fields  []string
	Tags    []string
	Retired bool
	// Deck is the deck of the note's cards in the package.
	Deck string
}

// pkgModel is a note type of the package.
type pkgModel struct {
	Name   string
	Fields []string
	CSS    string
	// Templates are the card templates' front and back by template name.
	Templates map[string]template
}

// template is a card template's front and back, as modelTemplates gives them.
type template struct {
	Front string `json:"Front"`
	Back  string `json:"Back"`
}

// deckPackage is what the sync needs to know of an .apkg cardgen wrote.
type deckPackage struct {
	Notes  []pkgNote
	Models map[int64]pkgModel
}

// readPackage reads the notes and note types of the .apkg at path; the
// collection inside is copied to a temporary file, since SQLite reads files only.
func readPackage(path string) (*deckPackage, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	i := slices.IndexFunc(zr.File, func(f *zip.File) bool { return f.Name == "collection.anki2" })
	if i < 0 {
		return nil, fmt.Errorf("%s: no collection.anki2 inside", path)
	}
	dir, err := os.MkdirTemp("", "cardgen-sync-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	dbPath := filepath.Join(dir, "collection.anki2")
	if err := copyOut(zr.File[i], dbPath); err != nil {
		return nil, err
	}
	return readCollection(dbPath)
}

func copyOut(f *zip.File, path string) error {
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func readCollection(path string) (p *deckPackage, err error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	}()
	var modelsJSON string
	if err := db.QueryRow(`SELECT models FROM col`).Scan(&modelsJSON); err != nil {
		return nil, fmt.Errorf("package collection: %w", err)
	}
	var models map[string]struct {
		Name string `json:"name"`
		Flds []struct {
			Name string `json:"name"`
			Ord  int    `json:"ord"`
		} `json:"flds"`
		CSS   string `json:"css"`
		Tmpls []struct {
			Name string `json:"name"`
			Qfmt string `json:"qfmt"`
			Afmt string `json:"afmt"`
		} `json:"tmpls"`
	}
	if err := json.Unmarshal([]byte(modelsJSON), &models); err != nil {
		return nil, fmt.Errorf("package note types: %w", err)
	}
	p = &deckPackage{Models: map[int64]pkgModel{}}
	for k, m := range models {
		mid, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("package note type id %q", k)
		}
		fields := make([]string, len(m.Flds))
		for _, f := range m.Flds {
			if f.Ord >= 0 && f.Ord < len(fields) {
				fields[f.Ord] = f.Name
			}
		}
		if len(fields) == 0 || fields[0] != "ID" {
			return nil, fmt.Errorf("package note type %q has no ID first field; not a package cardgen wrote", m.Name)
		}
		tmpls := map[string]template{}
		for _, t := range m.Tmpls {
			tmpls[t.Name] = template{Front: t.Qfmt, Back: t.Afmt}
		}
		p.Models[mid] = pkgModel{Name: m.Name, Fields: fields, CSS: m.CSS, Templates: tmpls}
	}
	var decksJSON string
	if err := db.QueryRow(`SELECT decks FROM col`).Scan(&decksJSON); err != nil {
		return nil, fmt.Errorf("package collection: %w", err)
	}
	var decks map[string]struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(decksJSON), &decks); err != nil {
		return nil, fmt.Errorf("package decks: %w", err)
	}
	rows, err := db.Query(`SELECT n.guid, n.mid, n.mod, n.flds, n.tags, (SELECT c.did FROM cards c WHERE c.nid = n.id ORDER BY c.ord LIMIT 1)
		FROM notes n ORDER BY n.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n pkgNote
		var flds, tags string
		var did sql.NullInt64
		if err := rows.Scan(&n.GUID, &n.MID, &n.Mod, &flds, &tags, &did); err != nil {
			return nil, err
		}
		n.Deck = decks[strconv.FormatInt(did.Int64, 10)].Name
		n.Fields = strings.Split(flds, "\x1f")
		n.Tags = strings.Fields(tags)
		n.ID = n.Fields[0]
		n.Retired = slices.Contains(n.Tags, ankinote.RetiredTag)
		p.Notes = append(p.Notes, n)
	}
	return p, rows.Err()
}
