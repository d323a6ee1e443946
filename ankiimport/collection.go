package ankiimport

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mattn/go-sqlite3"
)

// driverName is go-sqlite3 with the "unicase" collation Anki's schema 18
// declares on names; without it SQLite cannot plan queries on those tables.
const driverName = "sqlite3_anki"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		return c.RegisterCollation("unicase", func(a, b string) int {
			return strings.Compare(strings.ToLower(a), strings.ToLower(b))
		})
	}})
}

// collection is what the importer needs of an Anki collection.
type collection struct {
	NoteTypes map[int64]*noteType
	Decks     map[int64]string // id -> full name, "::"-separated
	Notes     []*note
}

// noteType is one Anki note type, whatever the schema it came from.
type noteType struct {
	ID        int64
	Name      string
	Mod       int64
	Cloze     bool
	SortField int
	CSS       string
	LatexPre  string
	LatexPost string
	Fields    []string
	Templates []template
	// Lost names what cardgen's note types cannot hold (browser appearance, a deck override, SVG LaTeX).
	Lost []string
}

type template struct {
	Name, Front, Back string
}

func (nt *noteType) lose(format string, a ...any) {
	nt.Lost = append(nt.Lost, fmt.Sprintf(format, a...))
}

// note is one Anki note with the cards that decide its deck and order.
type note struct {
	ID     int64
	GUID   string
	Mid    int64
	Mod    int64
	Tags   []string
	Fields []string
	// Deck is the deck of the note's first card; Due orders new cards.
	Deck  int64
	Due   int64
	IsNew bool
}

// readCollection copies the package's collection to a temp file and reads it.
func (p *pkg) readCollection(tmpDir string) (*collection, error) {
	name := p.format.collectionName()
	dst := filepath.Join(tmpDir, "collection.sqlite")
	if err := p.copyTo(p.entries[name], dst, p.limits.Collection, p.format == latest); err != nil {
		return nil, err
	}
	defer os.Remove(dst)
	where := p.path + ": " + name
	db, err := sql.Open(driverName, "file:"+dst+"?mode=ro&_query_only=1")
	if err != nil {
		return nil, fmt.Errorf("%s: %v", where, err)
	}
	defer db.Close()
	var ver int
	if err := db.QueryRow("SELECT ver FROM col").Scan(&ver); err != nil {
		return nil, fmt.Errorf("%s is not an Anki collection (%v); export the deck from Anki again", where, notCollection(err))
	}
	c := &collection{NoteTypes: map[int64]*noteType{}, Decks: map[int64]string{}}
	switch {
	case ver == 11:
		err = c.readSchema11(db)
	case ver >= 15 && ver <= 18:
		err = c.readSchema18(db)
	default:
		return nil, fmt.Errorf("%s: collection schema %d is not one Anki writes to packages (11 or 18)", where, ver)
	}
	for _, nt := range c.NoteTypes {
		// Anki repairs a sort field out of range the same way.
		if nt.SortField < 0 || nt.SortField >= len(nt.Fields) {
			nt.SortField = 0
		}
	}
	if err == nil {
		err = c.readNotes(db)
	}
	if err != nil {
		return nil, fmt.Errorf("%s is not a readable Anki collection: %v", where, notCollection(err))
	}
	return c, nil
}

func notCollection(err error) error {
	if err == sql.ErrNoRows {
		return fmt.Errorf("its col table is empty")
	}
	return err
}

func (c *collection) readSchema11(db *sql.DB) error {
	var models, decks string
	if err := db.QueryRow("SELECT models, decks FROM col").Scan(&models, &decks); err != nil {
		return err
	}
	var ms map[string]struct {
		ID        json.Number `json:"id"`
		Name      string      `json:"name"`
		Type      int         `json:"type"`
		Mod       int64       `json:"mod"`
		SortF     int         `json:"sortf"`
		CSS       string      `json:"css"`
		LatexPre  string      `json:"latexPre"`
		LatexPost string      `json:"latexPost"`
		LatexSVG  bool        `json:"latexsvg"`
		Flds      []struct {
			Name string `json:"name"`
			Ord  int    `json:"ord"`
		} `json:"flds"`
		Tmpls []struct {
			Name  string          `json:"name"`
			Ord   int             `json:"ord"`
			Qfmt  string          `json:"qfmt"`
			Afmt  string          `json:"afmt"`
			Bqfmt string          `json:"bqfmt"`
			Bafmt string          `json:"bafmt"`
			Did   json.RawMessage `json:"did"`
		} `json:"tmpls"`
	}
	if err := json.Unmarshal([]byte(models), &ms); err != nil {
		return fmt.Errorf("note types: %v", err)
	}
	for key, m := range ms {
		id, err := strconv.ParseInt(string(m.ID), 10, 64)
		if err != nil {
			if id, err = strconv.ParseInt(key, 10, 64); err != nil {
				return fmt.Errorf("note type %q has no numeric id", m.Name)
			}
		}
		nt := &noteType{ID: id, Name: m.Name, Mod: m.Mod, Cloze: m.Type == 1, SortField: m.SortF,
			CSS: m.CSS, LatexPre: m.LatexPre, LatexPost: m.LatexPost}
		sort.SliceStable(m.Flds, func(i, j int) bool { return m.Flds[i].Ord < m.Flds[j].Ord })
		for _, f := range m.Flds {
			nt.Fields = append(nt.Fields, f.Name)
		}
		sort.SliceStable(m.Tmpls, func(i, j int) bool { return m.Tmpls[i].Ord < m.Tmpls[j].Ord })
		for _, t := range m.Tmpls {
			nt.Templates = append(nt.Templates, template{t.Name, t.Qfmt, t.Afmt})
			if t.Bqfmt != "" || t.Bafmt != "" {
				nt.lose("template %q has a browser appearance", t.Name)
			}
			if d := strings.TrimSpace(string(t.Did)); d != "" && d != "null" && d != "0" {
				nt.lose("template %q has a deck override", t.Name)
			}
		}
		if m.LatexSVG {
			nt.lose("LaTeX is set to render as SVG")
		}
		c.NoteTypes[id] = nt
	}
	var ds map[string]struct {
		ID   json.Number `json:"id"`
		Name string      `json:"name"`
	}
	if err := json.Unmarshal([]byte(decks), &ds); err != nil {
		return fmt.Errorf("decks: %v", err)
	}
	for key, d := range ds {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return fmt.Errorf("deck %q has no numeric id", d.Name)
		}
		c.Decks[id] = d.Name
	}
	return nil
}

// readSchema18 reads note types and decks from their tables; configs are
// protobuf messages (proto/anki/notetypes.proto: Notetype.Config,
// Notetype.Template.Config).
func (c *collection) readSchema18(db *sql.DB) error {
	rows, err := db.Query("SELECT id, name, mtime_secs, config FROM notetypes")
	if err != nil {
		return err
	}
	for rows.Next() {
		nt := &noteType{}
		var cfg []byte
		if err := rows.Scan(&nt.ID, &nt.Name, &nt.Mod, &cfg); err != nil {
			rows.Close()
			return err
		}
		if err := eachField(cfg, func(num protowire.Number, typ protowire.Type, val []byte, n uint64) error {
			switch num {
			case 1:
				nt.Cloze = n == 1
			case 2:
				nt.SortField = int(n)
			case 3:
				nt.CSS = string(val)
			case 5:
				nt.LatexPre = string(val)
			case 6:
				nt.LatexPost = string(val)
			case 7:
				if n != 0 {
					nt.lose("LaTeX is set to render as SVG")
				}
			}
			return nil
		}); err != nil {
			rows.Close()
			return fmt.Errorf("note type %q: config: %v", nt.Name, err)
		}
		c.NoteTypes[nt.ID] = nt
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.Query("SELECT ntid, name FROM fields ORDER BY ntid, ord")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return err
		}
		if nt := c.NoteTypes[id]; nt != nil {
			nt.Fields = append(nt.Fields, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.Query("SELECT ntid, name, config FROM templates ORDER BY ntid, ord")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var t template
		var cfg []byte
		var lost []string
		browser := false
		if err := rows.Scan(&id, &t.Name, &cfg); err != nil {
			rows.Close()
			return err
		}
		if err := eachField(cfg, func(num protowire.Number, typ protowire.Type, val []byte, n uint64) error {
			switch num {
			case 1:
				t.Front = string(val)
			case 2:
				t.Back = string(val)
			case 3, 4:
				if len(val) > 0 && !browser {
					browser = true
					lost = append(lost, fmt.Sprintf("template %q has a browser appearance", t.Name))
				}
			case 5:
				if n != 0 {
					lost = append(lost, fmt.Sprintf("template %q has a deck override", t.Name))
				}
			}
			return nil
		}); err != nil {
			rows.Close()
			return fmt.Errorf("template %q: config: %v", t.Name, err)
		}
		if nt := c.NoteTypes[id]; nt != nil {
			nt.Templates = append(nt.Templates, t)
			nt.Lost = append(nt.Lost, lost...)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.Query("SELECT id, name FROM decks")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		// Schema 18 separates deck levels with U+001F.
		c.Decks[id] = strings.ReplaceAll(name, "\x1f", "::")
	}
	return rows.Err()
}

func (c *collection) readNotes(db *sql.DB) error {
	type cardRow struct {
		deck, due int64
		isNew     bool
	}
	first := map[int64]cardRow{}
	rows, err := db.Query("SELECT nid, did, odid, type, due FROM cards ORDER BY nid, ord")
	if err != nil {
		return err
	}
	for rows.Next() {
		var nid, did, odid, due int64
		var typ int
		if err := rows.Scan(&nid, &did, &odid, &typ, &due); err != nil {
			rows.Close()
			return err
		}
		if _, ok := first[nid]; ok {
			continue
		}
		if odid != 0 { // a card in a filtered deck: its home deck is odid
			did = odid
		}
		first[nid] = cardRow{did, due, typ == 0}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.Query("SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		n := &note{}
		var tags, flds string
		if err := rows.Scan(&n.ID, &n.GUID, &n.Mid, &n.Mod, &tags, &flds); err != nil {
			return err
		}
		n.Tags = strings.Fields(tags)
		n.Fields = strings.Split(flds, "\x1f")
		cr := first[n.ID]
		n.Deck, n.Due, n.IsNew = cr.deck, cr.due, cr.isNew
		c.Notes = append(c.Notes, n)
	}
	return rows.Err()
}
