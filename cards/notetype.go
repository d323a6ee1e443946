package cards

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// NoteType is a note type the project declares in notetypes/<slug>.toml,
// kept as data so that a deck brought from Anki keeps its own note types
// (docs/format.md). Its id, fields and templates are part of the update
// contract with learners, like the built-in types'.
type NoteType struct {
	// Slug is the file stem: the note type's key, written as a card's type.
	Slug string
	// ID is the Anki note type id, fixed forever.
	ID        int64
	Name      string
	Cloze     bool
	SortField int // index into Fields
	CSS       string
	LatexPre  string
	LatexPost string
	Fields    []NoteField
	Templates []Template

	// clozeFields are the fields the template reads with the cloze filter.
	clozeFields []string

	// File is the note type's file, for messages.
	File string
	// KeyLines has the line of each top-level key of the file.
	KeyLines map[string]int
}

// NoteField is one field of a declared note type.
type NoteField struct {
	Name string
	// Required fields must have a non-empty value on every card of the type.
	Required bool
}

// Template is one card template of a declared note type.
type Template struct {
	Name  string
	Front string
	Back  string
}

// FieldNames lists the note type's field names in order.
func (nt *NoteType) FieldNames() []string {
	out := make([]string, len(nt.Fields))
	for i, f := range nt.Fields {
		out[i] = f.Name
	}
	return out
}

// FieldIndex returns the position of the named field, or -1.
func (nt *NoteType) FieldIndex(name string) int {
	for i, f := range nt.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// ClozeFields lists the fields a cloze note type's template reads with the
// cloze filter, in field order.
func (nt *NoteType) ClozeFields() []string { return nt.clozeFields }

func (nt *NoteType) findClozeFields() []string {
	var refs []TemplateRef
	for _, t := range nt.Templates {
		refs = append(refs, TemplateRefs(t.Front)...)
		refs = append(refs, TemplateRefs(t.Back)...)
	}
	var out []string
	for _, f := range nt.Fields {
		if slices.ContainsFunc(refs, func(r TemplateRef) bool { return r.Field == f.Name && r.Cloze() }) {
			out = append(out, f.Name)
		}
	}
	return out
}

// NoteType returns the declared note type with the given slug, or nil.
func (c *Config) NoteType(slug string) *NoteType {
	for _, nt := range c.NoteTypes {
		if nt.Slug == slug {
			return nt
		}
	}
	return nil
}

// NoteTypesDir is the folder of declared note types.
func (c *Config) NoteTypesDir() string { return c.resolve(c.Deck.NoteTypes) }

// TypeNames lists every card type a card may name: the built-in ones, then the declared slugs.
func (c *Config) TypeNames() []string {
	out := make([]string, 0, len(Types)+len(c.NoteTypes))
	for _, t := range Types {
		out = append(out, string(t))
	}
	for _, nt := range c.NoteTypes {
		out = append(out, nt.Slug)
	}
	return out
}

// noteTypeDoc is a note type file as written in TOML.
type noteTypeDoc struct {
	ID        int64  `toml:"id"`
	Name      string `toml:"name"`
	Kind      string `toml:"kind"`
	SortField string `toml:"sort_field"`
	CSS       string `toml:"css"`
	LatexPre  string `toml:"latex_pre"`
	LatexPost string `toml:"latex_post"`
	Fields    []struct {
		Name     string `toml:"name"`
		Required bool   `toml:"required"`
	} `toml:"fields"`
	Templates []struct {
		Name  string `toml:"name"`
		Front string `toml:"front"`
		Back  string `toml:"back"`
	} `toml:"templates"`
}

var noteTypeKeys = map[string][]string{
	"":          {"id", "name", "kind", "sort_field", "css", "latex_pre", "latex_post", "fields", "templates"},
	"fields":    {"name", "required"},
	"templates": {"name", "front", "back"},
}

// loadNoteTypes reads every notetypes/<slug>.toml, in slug order. A missing
// folder declares no note types.
func (c *Config) loadNoteTypes(ds *Diagnostics) {
	dir := c.NoteTypesDir()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err != nil {
		ds.errorf(dir, 0, "cannot read the note types folder: %v; set [deck] notetypes in %s", err, c.Path)
		return
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".toml") {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	ids := map[int64]*NoteType{}
	for _, f := range files {
		nt := loadNoteType(f, ds)
		if nt == nil {
			continue
		}
		if prev, dup := ids[nt.ID]; dup {
			ds.errorf(nt.File, nt.LineOf("id"), "note type id %d is already used by %s; every note type needs its own id", nt.ID, prev.File)
			continue
		}
		ids[nt.ID] = nt
		c.NoteTypes = append(c.NoteTypes, nt)
	}
}

// LineOf returns the line of a top-level key of the note type's file, or 1.
func (nt *NoteType) LineOf(key string) int {
	if n := nt.KeyLines[key]; n > 0 {
		return n
	}
	return 1
}

// loadNoteType reads and checks one note type file; nil when it has errors.
func loadNoteType(path string, ds *Diagnostics) *NoteType {
	errs := len(*ds)
	data, err := readInput(path, MaxConfigBytes)
	if err != nil {
		ds.errorf(path, 0, "cannot read: %v", err)
		return nil
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if msg, line := checkText(data); msg != "" {
		ds.errorf(path, line, "%s", msg)
		return nil
	}
	if msg, line := checkShape(data); msg != "" {
		ds.errorf(path, line, "%s", msg)
		return nil
	}
	if bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	var doc noteTypeDoc
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		*ds = append(*ds, tomlDiagnostic(path, err))
		return nil
	}
	idx := scanTOML(data)
	for _, k := range md.Undecoded() {
		name := k[len(k)-1]
		table := k[:len(k)-1].String()
		allowed := noteTypeKeys[table]
		line := idx.firstKeyLine(table, name)
		ds.errorf(path, line, "unknown key '%s'%s", k.String(), didYouMean(name, allowed))
	}
	for _, v := range append([]string{doc.Name, doc.SortField}, noteTypeTexts(&doc)...) {
		if r, ok := controlIn(v); ok {
			ds.errorf(path, 0, "the note type contains the control character U+%04X; remove it", r)
			return nil
		}
	}
	slug := strings.TrimSuffix(filepath.Base(path), ".toml")
	nt := &NoteType{Slug: slug, ID: doc.ID, Name: doc.Name, CSS: doc.CSS, LatexPre: doc.LatexPre, LatexPost: doc.LatexPost,
		File: path, KeyLines: idx.elementKeys("", -1)}
	line := nt.LineOf
	switch {
	case !IsSlug(slug):
		ds.errorf(path, 0, "note type file name '%s' is not a slug: rename it to %s.toml (lowercase letters, digits and '-'); the file stem is the type cards name", slug, slugify(slug))
	case slices.Contains(Types, Type(slug)):
		ds.errorf(path, 0, "note type '%s' has the name of a built-in card type; rename the file", slug)
	}
	if doc.ID <= 0 {
		ds.errorf(path, line("id"), "note type id is missing or not positive: set id to the note type's Anki id (a positive integer, fixed forever)")
	}
	if strings.TrimSpace(doc.Name) == "" {
		ds.errorf(path, line("name"), "note type name is missing: set name to the note type's name in Anki")
	}
	switch doc.Kind {
	case "", "standard":
	case "cloze":
		nt.Cloze = true
	default:
		ds.errorf(path, line("kind"), "note type kind '%s' is unknown; use \"standard\" or \"cloze\"", doc.Kind)
	}
	fieldLines := idx.headerLines("fields")
	if len(doc.Fields) == 0 {
		ds.errorf(path, line("fields"), "note type '%s' has no fields: add [[fields]] tables with a name each", slug)
	}
	for i, f := range doc.Fields {
		l := at(fieldLines, i)
		if k := idx.elementKeys("fields", i)["name"]; k > 0 {
			l = k
		}
		name := strings.TrimSpace(f.Name)
		switch {
		case name == "":
			ds.errorf(path, l, "field #%d has no name", i+1)
		case name != f.Name:
			ds.errorf(path, l, "field name %q starts or ends with a space; remove it", f.Name)
		case strings.ContainsAny(name, ":{}\"\x1f") || strings.ContainsAny(name[:1], "#/^"):
			ds.errorf(path, l, "field name %q cannot be used in Anki templates: leave out ':', '{', '}', '\"' and a leading '#', '/' or '^'", f.Name)
		case nt.FieldIndex(name) >= 0:
			ds.errorf(path, l, "field '%s' is declared twice", name)
		}
		nt.Fields = append(nt.Fields, NoteField{Name: f.Name, Required: f.Required})
	}
	if doc.SortField != "" {
		if nt.SortField = nt.FieldIndex(doc.SortField); nt.SortField < 0 {
			nt.SortField = 0
			ds.errorf(path, line("sort_field"), "sort_field '%s' is not a field of the note type%s", doc.SortField, didYouMean(doc.SortField, nt.FieldNames()))
		}
	}
	tmplLines := idx.headerLines("templates")
	switch {
	case len(doc.Templates) == 0:
		ds.errorf(path, line("templates"), "note type '%s' has no card templates: add a [[templates]] table with name, front and back", slug)
	case nt.Cloze && len(doc.Templates) > 1:
		ds.errorf(path, at(tmplLines, 1), "a cloze note type has exactly one template; '%s' has %d", slug, len(doc.Templates))
	}
	known := nt.FieldNames()
	for i, t := range doc.Templates {
		keys := idx.elementKeys("templates", i)
		l := at(tmplLines, i)
		tl := func(k string) int {
			if n := keys[k]; n > 0 {
				return n
			}
			return l
		}
		switch {
		case strings.TrimSpace(t.Name) == "":
			ds.errorf(path, l, "template #%d has no name", i+1)
		case slices.ContainsFunc(nt.Templates, func(o Template) bool { return o.Name == t.Name }):
			ds.errorf(path, tl("name"), "template '%s' is declared twice", t.Name)
		}
		if strings.TrimSpace(t.Front) == "" {
			ds.errorf(path, tl("front"), "template '%s' has an empty front", t.Name)
		}
		for _, side := range []struct{ key, text string }{{"front", t.Front}, {"back", t.Back}} {
			for _, r := range TemplateRefs(side.text) {
				if r.Field == "" || r.Special() || slices.Contains(known, r.Field) {
					continue
				}
				ds.errorf(path, tl(side.key)+r.Line-1, "template '%s' names field '%s', which the note type does not have%s", t.Name, r.Field, didYouMean(r.Field, known))
			}
		}
		if nt.Cloze && !slices.ContainsFunc(TemplateRefs(t.Front), TemplateRef.Cloze) {
			ds.errorf(path, tl("front"), "cloze note type '%s': the front of template '%s' has no {{cloze:Field}}; Anki would make no cards", slug, t.Name)
		}
		nt.Templates = append(nt.Templates, Template{Name: t.Name, Front: t.Front, Back: t.Back})
	}
	if hasError((*ds)[errs:]) {
		return nil
	}
	nt.clozeFields = nt.findClozeFields()
	return nt
}

// noteTypeTexts lists the field names and template texts of a note type file.
func noteTypeTexts(doc *noteTypeDoc) []string {
	var out []string
	for _, f := range doc.Fields {
		out = append(out, f.Name)
	}
	for _, t := range doc.Templates {
		out = append(out, t.Name, t.Front, t.Back)
	}
	return out
}

// TemplateRef is one {{…}} replacement or section tag of a card template.
type TemplateRef struct {
	// Field is the field name the tag reads, trimmed; "" for a tag that reads none.
	Field string
	// Filters are the filters before the name, e.g. ["cloze"] for {{cloze:Text}}.
	Filters []string
	// Section is '#', '^' or '/' for a section tag, 0 otherwise.
	Section byte
	// Line is the line of the tag within the template, from 1.
	Line int
}

// specialFields are the names Anki fills in itself; a template may use them without a field.
var specialFields = []string{"FrontSide", "Tags", "Deck", "Subdeck", "Card", "CardFlag", "Type", "CardID"}

// Special reports whether the tag names one of Anki's special fields.
func (r TemplateRef) Special() bool { return slices.Contains(specialFields, r.Field) }

// Cloze reports whether the tag reads its field with the cloze filter.
func (r TemplateRef) Cloze() bool {
	return slices.ContainsFunc(r.Filters, func(f string) bool { return strings.TrimSpace(f) == "cloze" })
}

// TemplateRefs parses the tags of a card template as Anki does: {{Field}},
// {{#Field}}, {{^Field}}, {{/Field}} and filters such as {{text:Field}} or
// {{cloze:Text}}; the field is what follows the last ':'.
func TemplateRefs(tmpl string) []TemplateRef {
	var out []TemplateRef
	rest, offset := tmpl, 0
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			return out
		}
		j := strings.Index(rest[i+2:], "}}")
		if j < 0 {
			return out
		}
		inner := strings.TrimSpace(rest[i+2 : i+2+j])
		r := TemplateRef{Line: 1 + strings.Count(tmpl[:offset+i], "\n")}
		if inner != "" && strings.ContainsRune("#^/", rune(inner[0])) {
			r.Section = inner[0]
			inner = strings.TrimSpace(inner[1:])
		}
		if k := strings.LastIndexByte(inner, ':'); k >= 0 && r.Section == 0 {
			r.Filters = strings.Split(inner[:k], ":")
			inner = inner[k+1:]
		}
		r.Field = strings.TrimSpace(inner)
		out = append(out, r)
		offset += i + 2 + j + 2
		rest = tmpl[offset:]
	}
}

// unknownType explains an unknown card type, suggesting the declared ones.
func (c *Config) unknownType(name string) string {
	return fmt.Sprintf("unknown card type '%s'%s", name, didYouMean(name, c.TypeNames()))
}

// IsCloze reports whether the card hides {{cN::…}} deletions: a built-in
// cloze card, or a card of a declared cloze note type.
func (c *Card) IsCloze() bool {
	return c.Type == Cloze || c.NoteType != nil && c.NoteType.Cloze
}

// QuestionField is the field of a declared note type's card that the reading
// outputs show as its question: the first cloze field of a cloze type, the
// first field otherwise.
func (c *Card) QuestionField() int {
	if nt := c.NoteType; nt != nil && nt.Cloze && len(nt.clozeFields) > 0 {
		return nt.FieldIndex(nt.clozeFields[0])
	}
	return 0
}

// Shown is the card as the reading outputs (Markdown, HTML, spreadsheet CSV)
// show it: question, answer and extra Markdown. A built-in card shows its
// own; a card of a declared note type shows its question field
// (QuestionField) as the question, and every other non-empty field, in
// order, as a section of the answer that starts with the field's name in bold.
func (c *Card) Shown() (question, answer, extra string) {
	if c.NoteType == nil {
		return c.Question, c.Answer, c.Extra
	}
	q := c.QuestionField()
	var parts []string
	for i, f := range c.NoteType.Fields {
		if v := strings.TrimSpace(c.Fields[i]); i != q && v != "" {
			parts = append(parts, "**"+markdownEscaper.Replace(f.Name)+"**\n\n"+v)
		}
	}
	return c.Fields[q], strings.Join(parts, "\n\n"), ""
}

var markdownEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "#", `\#`, "$", `\$`)
