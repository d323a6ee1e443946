package deckdiff

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
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

// topicTagPrefix starts the tag every card gets for each of its topics (ankinote.Tags).
const topicTagPrefix = "topic::"

// readAPKG reads the notes of a cardgen .apkg: the collection inside the
// zip is copied to a temporary file, since SQLite reads files only.
func readAPKG(data []byte) (*Snapshot, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	var coll *zip.File
	for _, name := range []string{"collection.anki21", "collection.anki2"} {
		if i := slices.IndexFunc(zr.File, func(f *zip.File) bool { return f.Name == name }); i >= 0 {
			coll = zr.File[i]
			break
		}
	}
	if coll == nil {
		return nil, errors.New("no collection.anki2 inside; not a package cardgen wrote")
	}
	dir, err := os.MkdirTemp("", "cardgen-diff-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	dbPath := filepath.Join(dir, "collection.anki2")
	if err := extract(coll, dbPath); err != nil {
		return nil, err
	}
	return readCollection(dbPath)
}

func extract(f *zip.File, path string) error {
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

// model is the part of a note type the diff needs.
type model struct {
	Flds []struct {
		Name string `json:"name"`
		Ord  int    `json:"ord"`
	} `json:"flds"`
}

func readCollection(path string) (s *Snapshot, err error) {
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
		return nil, fmt.Errorf("collection: %w", err)
	}
	var models map[string]model
	if err := json.Unmarshal([]byte(modelsJSON), &models); err != nil {
		return nil, fmt.Errorf("collection: note types: %w", err)
	}
	idField := map[int64]int{}
	for k, m := range models {
		mid, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("collection: note type id %q", k)
		}
		idField[mid] = -1
		for _, f := range m.Flds {
			if f.Name == "ID" {
				idField[mid] = f.Ord
			}
		}
	}

	// A note's position is the due number of its new cards: set order (retired notes last).
	pos := map[int64]int{}
	rows, err := db.Query(`SELECT nid, MIN(due) FROM cards GROUP BY nid`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var nid int64
		var due int
		if err := rows.Scan(&nid, &due); err != nil {
			rows.Close()
			return nil, err
		}
		pos[nid] = due
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}

	s = &Snapshot{Cards: map[string]Card{}, Retired: map[string]Card{}}
	rows, err = db.Query(`SELECT id, mid, guid, tags, flds, CAST(sfld AS TEXT) FROM notes ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var nid, mid int64
		var guid, tags, flds, sfld string
		if err := rows.Scan(&nid, &mid, &guid, &tags, &flds, &sfld); err != nil {
			return nil, err
		}
		ord, ok := idField[mid]
		fields := strings.Split(flds, "\x1f")
		id := guid // a note of a declared note type has no ID field: its GUID names it
		if ord >= 0 && ord < len(fields) {
			id = fields[ord]
		}
		if !ok || id == "" || ord >= len(fields) {
			return nil, fmt.Errorf("note %d has no ID field; not a package cardgen wrote", nid)
		}
		c := Card{ID: id, Question: strings.Join(strings.Fields(sfld), " "), Hash: noteHash(mid, flds, tags), Pos: pos[nid]}
		retired := false
		for _, t := range strings.Fields(tags) {
			switch {
			case t == ankinote.RetiredTag:
				retired = true
			case strings.HasPrefix(t, topicTagPrefix):
				c.Topics = append(c.Topics, strings.TrimPrefix(t, topicTagPrefix))
			}
		}
		if retired {
			s.Retired[c.ID] = c
		} else {
			s.Cards[c.ID] = c
		}
	}
	return s, rows.Err()
}

// noteHash is the hash the lock records for a note: its note type id, its
// fields and its tags exactly as the package stores them, so a package and a
// lock of the same build agree (the tests check this against real builds).
func noteHash(mid int64, flds, tags string) string {
	h := sha256.New()
	h.Write(strconv.AppendInt(nil, mid, 10))
	h.Write([]byte{0x1e})
	h.Write([]byte(flds))
	h.Write([]byte{0x1e})
	h.Write([]byte(tags))
	return hex.EncodeToString(h.Sum(nil)[:16])
}
