package ankitest

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
)

// UpdateCondition is Anki's "Update notes" / "Update note types" import option.
type UpdateCondition string

// The values of Anki's import option; "" keeps Anki's default (if newer).
const (
	IfNewer UpdateCondition = "if_newer"
	Always  UpdateCondition = "always"
	Never   UpdateCondition = "never"
)

// ImportOptions are Anki's options for importing a package. The zero value
// is what Anki's import dialog starts with.
type ImportOptions struct {
	UpdateNotes     UpdateCondition
	UpdateNotetypes UpdateCondition
	MergeNotetypes  *bool
	WithScheduling  *bool
}

// LogNote is one note of an import log: Anki's note id and (shortened) fields.
type LogNote struct {
	ID     int64    `json:"id"`
	Fields []string `json:"fields"`
}

// ImportLog is Anki's report of an import, one list of notes per outcome.
type ImportLog struct {
	FoundNotes      int       `json:"found_notes"`
	New             []LogNote `json:"new"`
	Updated         []LogNote `json:"updated"`
	Duplicate       []LogNote `json:"duplicate"`
	Conflicting     []LogNote `json:"conflicting"`
	FirstFieldMatch []LogNote `json:"first_field_match"`
	MissingNotetype []LogNote `json:"missing_notetype"`
	MissingDeck     []LogNote `json:"missing_deck"`
	EmptyFirstField []LogNote `json:"empty_first_field"`
}

// Lost lists the entries that mean a note was not imported as it should be
// (conflicting, missing note type or deck, empty first field), one line each.
func (l *ImportLog) Lost() []string {
	var out []string
	for _, k := range []struct {
		kind  string
		notes []LogNote
	}{
		{"conflicting", l.Conflicting},
		{"missing note type", l.MissingNotetype},
		{"missing deck", l.MissingDeck},
		{"empty first field", l.EmptyFirstField},
	} {
		for _, n := range k.notes {
			out = append(out, fmt.Sprintf("%s: note %d %q", k.kind, n.ID, n.Fields))
		}
	}
	return out
}

// Counts summarises the log as "new 3, updated 1, duplicate 0, ...".
func (l *ImportLog) Counts() string {
	return fmt.Sprintf("found %d: new %d, updated %d, duplicate %d, conflicting %d, first-field match %d, missing note type %d, missing deck %d, empty first field %d",
		l.FoundNotes, len(l.New), len(l.Updated), len(l.Duplicate), len(l.Conflicting),
		len(l.FirstFieldMatch), len(l.MissingNotetype), len(l.MissingDeck), len(l.EmptyFirstField))
}

// ImportPackage imports an .apkg with Anki's current importer
// (Collection.import_anki_package).
func (c *Collection) ImportPackage(path string, opts ImportOptions) (*ImportLog, error) {
	args := map[string]any{"path": path}
	if opts.UpdateNotes != "" {
		args["update_notes"] = string(opts.UpdateNotes)
	}
	if opts.UpdateNotetypes != "" {
		args["update_notetypes"] = string(opts.UpdateNotetypes)
	}
	if opts.MergeNotetypes != nil {
		args["merge_notetypes"] = *opts.MergeNotetypes
	}
	if opts.WithScheduling != nil {
		args["with_scheduling"] = *opts.WithScheduling
	}
	var log ImportLog
	if err := c.call("import_package", args, &log); err != nil {
		return nil, err
	}
	return &log, nil
}

// ImportPackageLegacy imports an .apkg through anki.importing.AnkiPackageImporter,
// the entry point add-ons such as AnkiConnect call. It reports no log.
func (c *Collection) ImportPackageLegacy(path string) error {
	return c.call("import_package_legacy", map[string]any{"path": path}, nil)
}

// CSVMetadata is what Anki reads from a CSV file's header (get_csv_metadata).
type CSVMetadata struct {
	ColumnLabels   []string `json:"column_labels"`
	IsHTML         bool     `json:"is_html"`
	DeckColumn     int      `json:"deck_column"`
	TagsColumn     int      `json:"tags_column"`
	GUIDColumn     int      `json:"guid_column"`
	NotetypeColumn int      `json:"notetype_column"`
	DeckID         string   `json:"deck_id"`
	GlobalNotetype *struct {
		ID           string `json:"id"`
		FieldColumns []int  `json:"field_columns"`
	} `json:"global_notetype"`
	DupeResolution string `json:"dupe_resolution"`
	MatchScope     string `json:"match_scope"`
}

// CSVMetadata runs get_csv_metadata on the file.
func (c *Collection) CSVMetadata(path string) (*CSVMetadata, error) {
	var m CSVMetadata
	if err := c.call("csv_metadata", map[string]any{"path": path}, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// ImportCSV imports a CSV file with the options get_csv_metadata reads from it.
func (c *Collection) ImportCSV(path string) (*ImportLog, error) {
	var log ImportLog
	if err := c.call("import_csv", map[string]any{"path": path}, &log); err != nil {
		return nil, err
	}
	return &log, nil
}

// ExportOptions are Anki's options for exporting notes as a package.
type ExportOptions struct {
	Legacy         bool   // the legacy .apkg layout (collection.anki21), not the current one
	WithScheduling bool   // keep review history and scheduling
	NoMedia        bool   // leave the media out
	Deck           string // only this deck (and its subdecks); "" exports the whole collection
}

// ExportPackage writes an .apkg with Anki's exporter and returns how many notes it holds.
func (c *Collection) ExportPackage(path string, opts ExportOptions) (int, error) {
	args := map[string]any{
		"path": path, "legacy": opts.Legacy, "with_scheduling": opts.WithScheduling,
		"with_media": !opts.NoMedia, "deck": opts.Deck,
	}
	var out struct {
		Notes int `json:"notes"`
	}
	if err := c.call("export_package", args, &out); err != nil {
		return 0, err
	}
	return out.Notes, nil
}

// ExportCollection writes the whole collection as a .colpkg and reopens it.
func (c *Collection) ExportCollection(path string, legacy bool) error {
	return c.call("export_collection", map[string]any{"path": path, "legacy": legacy, "include_media": true}, nil)
}

// Integrity is the outcome of Anki's "Check Database" (fix_integrity).
type Integrity struct {
	OK     bool   `json:"ok"`
	Report string `json:"report"`
}

// FixIntegrity runs Anki's "Check Database".
func (c *Collection) FixIntegrity() (*Integrity, error) {
	var out Integrity
	if err := c.call("fix_integrity", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// MediaCheck is the outcome of Anki's "Check Media".
type MediaCheck struct {
	Missing []string `json:"missing"` // named by a note, absent from the media folder
	Unused  []string `json:"unused"`  // in the media folder, named by no note
	Report  string   `json:"report"`
}

// CheckMedia runs Anki's "Check Media".
func (c *Collection) CheckMedia() (*MediaCheck, error) {
	var out MediaCheck
	if err := c.call("check_media", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ReviewAll studies every deck with the v3 scheduler, answering each card it
// offers with rating ("again", "hard", "good", "easy"; "" is easy, which
// graduates a new card at once), until nothing is due. It returns the ids of
// the cards answered, in order.
func (c *Collection) ReviewAll(rating string) ([]int64, error) {
	if rating == "" {
		rating = "easy"
	}
	var out struct {
		Answered []int64 `json:"answered"`
	}
	if err := c.call("review_all", map[string]any{"rating": rating}, &out); err != nil {
		return nil, err
	}
	return out.Answered, nil
}

// Rendered is one card as Anki's template renderer shows it.
type Rendered struct {
	ID       int64  `json:"id"`
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Render renders the given cards (every card when none is given) with Card.question() and answer().
func (c *Collection) Render(cardIDs ...int64) ([]Rendered, error) {
	var out []Rendered
	if err := c.call("render", map[string]any{"cards": cardIDs}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Note is a note as the collection holds it.
type Note struct {
	ID     int64    `json:"id"`
	GUID   string   `json:"guid"`
	Mid    int64    `json:"mid"`
	Mod    int64    `json:"mod"`
	Usn    int64    `json:"usn"`
	Fields []string `json:"fields"`
	Tags   []string `json:"tags"`
}

// Notes returns every note, by id.
func (c *Collection) Notes() ([]Note, error) {
	var out []Note
	if err := c.call("notes", nil, &out); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Card is a card as the collection holds it, with its scheduling.
type Card struct {
	ID     int64 `json:"id"`
	Nid    int64 `json:"nid"`
	Did    int64 `json:"did"`
	Ord    int   `json:"ord"`
	Mod    int64 `json:"mod"`
	Type   int   `json:"type"`  // 0 new, 1 learning, 2 review, 3 relearning
	Queue  int   `json:"queue"` // 0 new, 1 learning, 2 review, 3 day learning, -1 suspended, ...
	Ivl    int64 `json:"ivl"`
	Due    int64 `json:"due"`
	Factor int64 `json:"factor"`
	Reps   int64 `json:"reps"`
	Lapses int64 `json:"lapses"`
	Odid   int64 `json:"odid"`
}

// Cards returns every card, by id.
func (c *Collection) Cards() ([]Card, error) {
	var out []Card
	if err := c.call("cards", nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Review is one row of the review log.
type Review struct {
	ID   int64 `json:"id"`
	Cid  int64 `json:"cid"`
	Ease int   `json:"ease"`
	Ivl  int64 `json:"ivl"`
	Type int   `json:"type"`
}

// Revlog returns the review log, oldest first.
func (c *Collection) Revlog() ([]Review, error) {
	var out []Review
	if err := c.call("revlog", nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Deck is a deck's id and full name ("Parent::Child").
type Deck struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Decks returns every deck, sorted by name as Anki lists them.
func (c *Collection) Decks() ([]Deck, error) {
	var out []Deck
	if err := c.call("decks", nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Template is one card template of a note type.
type Template struct {
	Name string `json:"name"`
	Qfmt string `json:"qfmt"`
	Afmt string `json:"afmt"`
}

// Notetype is a note type with its fields and templates.
type Notetype struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Cloze     bool       `json:"cloze"`
	Mod       int64      `json:"mod"`
	Fields    []string   `json:"fields"`
	Templates []Template `json:"templates"`
	CSS       string     `json:"css"`
}

// Notetypes returns every note type, Anki's stock ones included.
func (c *Collection) Notetypes() ([]Notetype, error) {
	var out []Notetype
	if err := c.call("notetypes", nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Media returns the names of the files in the collection's media folder, sorted.
func (c *Collection) Media() ([]string, error) {
	var out []string
	if err := c.call("media", nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// AddNotetype adds a note type with the given fields and templates; a cloze
// note type has one template that uses {{cloze:Field}}.
func (c *Collection) AddNotetype(nt Notetype) (int64, error) {
	args := map[string]any{"name": nt.Name, "fields": nt.Fields, "templates": nt.Templates, "cloze": nt.Cloze}
	if nt.CSS != "" {
		args["css"] = nt.CSS
	}
	var out struct {
		ID int64 `json:"id"`
	}
	if err := c.call("add_notetype", args, &out); err != nil {
		return 0, err
	}
	return out.ID, nil
}

// AddDeck adds a deck (and its parents) by full name, or returns the existing one's id.
func (c *Collection) AddDeck(name string) (int64, error) {
	var out struct {
		ID int64 `json:"id"`
	}
	if err := c.call("add_deck", map[string]any{"name": name}, &out); err != nil {
		return 0, err
	}
	return out.ID, nil
}

// NewNote describes a note to add: its note type and deck by name, fields in
// the note type's order, tags, and optionally a GUID (else Anki makes one).
type NewNote struct {
	Notetype string   `json:"notetype"`
	Deck     string   `json:"deck,omitempty"`
	Fields   []string `json:"fields"`
	Tags     []string `json:"tags,omitempty"`
	GUID     string   `json:"guid,omitempty"`
}

// AddNotes adds notes (and their cards) and returns the new note ids.
func (c *Collection) AddNotes(notes ...NewNote) ([]int64, error) {
	var out struct {
		IDs []int64 `json:"ids"`
	}
	if err := c.call("add_notes", map[string]any{"notes": notes}, &out); err != nil {
		return nil, err
	}
	return out.IDs, nil
}

// UpdateNote replaces a note's fields and tags as a learner's edit would;
// nil leaves them as they are.
func (c *Collection) UpdateNote(id int64, fields, tags []string) error {
	args := map[string]any{"id": id}
	if fields != nil {
		args["fields"] = fields
	}
	if tags != nil {
		args["tags"] = tags
	}
	return c.call("update_note", args, nil)
}

// AddMedia stores a file in the media folder and returns the name Anki gave it.
func (c *Collection) AddMedia(name string, data []byte) (string, error) {
	var out struct {
		Name string `json:"name"`
	}
	if err := c.call("add_media", map[string]any{"name": name, "data": base64.StdEncoding.EncodeToString(data)}, &out); err != nil {
		return "", err
	}
	return out.Name, nil
}

// Snapshot is everything the update contract speaks of, read at one moment.
type Snapshot struct {
	Notes  []Note
	Cards  []Card
	Revlog []Review
	Decks  []Deck
}

// Snapshot reads the notes, cards, review log and decks.
func (c *Collection) Snapshot() (*Snapshot, error) {
	var s Snapshot
	var err error
	if s.Notes, err = c.Notes(); err != nil {
		return nil, err
	}
	if s.Cards, err = c.Cards(); err != nil {
		return nil, err
	}
	if s.Revlog, err = c.Revlog(); err != nil {
		return nil, err
	}
	if s.Decks, err = c.Decks(); err != nil {
		return nil, err
	}
	return &s, nil
}

// NoteByGUID indexes the snapshot's notes.
func (s *Snapshot) NoteByGUID() map[string]Note {
	out := make(map[string]Note, len(s.Notes))
	for _, n := range s.Notes {
		out[n.GUID] = n
	}
	return out
}

// DeckNames returns the decks' names, sorted.
func (s *Snapshot) DeckNames() []string {
	var out []string
	for _, d := range s.Decks {
		out = append(out, d.Name)
	}
	sort.Strings(out)
	return out
}

// String names a note for messages: its first field (cardgen's card id) and GUID.
func (n Note) String() string {
	first := ""
	if len(n.Fields) > 0 {
		first = n.Fields[0]
	}
	return fmt.Sprintf("%q (guid %s, note %d)", first, n.GUID, n.ID)
}

// Field returns field i, or "" when the note has fewer fields.
func (n Note) Field(i int) string {
	if i < len(n.Fields) {
		return n.Fields[i]
	}
	return ""
}

// HasTag reports whether the note has the tag (case-insensitive, as Anki matches tags).
func (n Note) HasTag(tag string) bool {
	for _, t := range n.Tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}
