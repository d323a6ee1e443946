package cards

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/cardgen/cardgen/internal/par"
)

// fileDoc is one topic file as written in TOML.
type fileDoc struct {
	Topic string    `toml:"topic"`
	Cards []cardDoc `toml:"cards"`
}

type cardDoc struct {
	ID       string   `toml:"id"`
	Type     string   `toml:"type"`
	Question string   `toml:"question"`
	Answer   string   `toml:"answer"`
	Extra    string   `toml:"extra"`
	Source   string   `toml:"source"`
	Topics   []string `toml:"topics"`
	Tags     []string `toml:"tags"`
	GUID     string   `toml:"guid"`
	// Fields are a declared note type's field values, by field name.
	Fields map[string]string `toml:"fields"`
}

var (
	fileKeys = []string{"topic", "cards"}
	cardKeys = []string{"id", "type", "question", "answer", "extra", "source", "topics", "tags", "guid", "fields"}
)

// Load reads config.toml and every topic file, and returns the validated deck.
// Every problem is reported in the diagnostics; the deck is nil when there are errors.
func Load(configPath string) (*Deck, Diagnostics) { return LoadCached(configPath, nil) }

// LoadCached is Load with decoded topic files kept in cache between runs;
// a nil cache decodes every file. The result never depends on the cache.
func LoadCached(configPath string, cache Cache) (*Deck, Diagnostics) {
	cfg, ds := LoadConfig(configPath)
	if cfg == nil {
		return nil, ds
	}
	deck, more := loadCards(cfg, cache)
	ds = append(ds, more...)
	ds.Sort()
	if errs, _ := ds.Count(); errs > 0 {
		return nil, ds
	}
	return deck, ds
}

// LoadCards reads the topic files of cfg's cards folder.
func LoadCards(cfg *Config) (*Deck, Diagnostics) { return loadCards(cfg, nil) }

func loadCards(cfg *Config, cache Cache) (*Deck, Diagnostics) {
	var ds Diagnostics
	dir := cfg.CardsDir()
	files, err := topicFiles(dir)
	if err != nil {
		ds.errorf(dir, 0, "cannot read the cards folder: %v; set [deck] cards in %s", err, cfg.Path)
		return nil, ds
	}
	l := &loader{cfg: cfg, dir: dir, ids: map[string]*Card{}, cache: cache, sums: map[string][32]byte{}}
	// Files are independent until ids are compared across them: parse and
	// check them on every core, then compare ids in file order.
	parsed := make([]parsedFile, len(files))
	par.Do(len(files), func(i int) { parsed[i] = l.parseFile(files[i]) })
	var all []*Card
	for _, pf := range parsed {
		ds = append(ds, pf.ds...)
		for _, pc := range pf.cards {
			if c := l.checkID(pc, &ds); c != nil {
				all = append(all, c)
			}
		}
	}
	all = checkGUIDs(cfg, all, &ds)
	if len(all) == 0 && len(files) > 0 && len(ds) == 0 {
		ds.errorf(dir, 0, "the question set has no cards: add [[cards]] tables to a topic file")
	} else if len(files) == 0 {
		ds.errorf(dir, 0, "no topic files (*.toml) in the cards folder")
	}
	// Set order: topics in config order, then file name, then position in file.
	sort.SliceStable(all, func(i, j int) bool {
		return cfg.TopicIndex(all[i].Topic) < cfg.TopicIndex(all[j].Topic)
	})
	return &Deck{Config: cfg, Cards: all, Sums: l.sums}, ds
}

// checkGUIDs reports a card guid used twice, or equal to the GUID another
// card derives from its id, and drops the cards at fault.
func checkGUIDs(cfg *Config, all []*Card, ds *Diagnostics) []*Card {
	given := map[string]*Card{}
	for _, c := range all {
		if c.GUID != "" && given[c.GUID] == nil {
			given[c.GUID] = c
		}
	}
	if len(given) == 0 {
		return all // derived GUIDs never collide in practice; skip hashing every card
	}
	bad := map[*Card]bool{}
	for _, c := range all {
		if c.GUID == "" {
			if prev := given[GUID(cfg.Deck.Namespace, c.ID)]; prev != nil {
				ds.errorf(prev.File, prev.LineOf("guid"), "guid '%s' of card '%s' is the GUID card '%s' (%s:%d) derives from its id; two notes cannot share a GUID: give one of them another guid", prev.GUID, prev.ID, c.ID, c.File, c.Line)
				bad[prev] = true
			}
			continue
		}
		if first := given[c.GUID]; first != c {
			ds.errorf(c.File, c.LineOf("guid"), "duplicate guid '%s': card '%s' at %s:%d has it too; a GUID is one note's identity", c.GUID, first.ID, first.File, first.Line)
			bad[c] = true
		}
	}
	if len(bad) == 0 {
		return all
	}
	return slices.DeleteFunc(all, func(c *Card) bool { return bad[c] })
}

func topicFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".toml") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

type loader struct {
	cfg   *Config
	dir   string
	ids   map[string]*Card // id -> first card with it
	cache Cache            // nil: decode every file
	mu    sync.Mutex       // guards sums, written by the file workers
	sums  map[string][32]byte
}

func (l *loader) setSum(path string, sum [32]byte) {
	l.mu.Lock()
	l.sums[path] = sum
	l.mu.Unlock()
}

// parsedFile is one topic file, decoded and checked except for ids shared with other files.
type parsedFile struct {
	ds    Diagnostics // about the file itself, before any card's
	cards []parsedCard
}

// parsedCard is one card awaiting the id check; diags follow that check's diagnostic.
type parsedCard struct {
	card   *Card
	slugID bool // the id is a valid slug, so it takes part in the duplicate check
	diags  Diagnostics
}

func (l *loader) parseFile(path string) parsedFile {
	var pf parsedFile
	pf.cards = l.loadFile(path, &pf.ds)
	return pf
}

// checkID reports a duplicate id against every card before pc in file
// order and returns the card, or nil when it has errors.
func (l *loader) checkID(pc parsedCard, ds *Diagnostics) *Card {
	c := pc.card
	errs := len(*ds)
	if pc.slugID {
		if prev, ok := l.ids[c.ID]; ok {
			ds.errorf(c.File, c.LineOf("id"), "duplicate id '%s': already used at %s:%d; every id must be unique across the whole set", c.ID, prev.File, prev.Line)
		} else {
			l.ids[c.ID] = c
		}
	}
	*ds = append(*ds, pc.diags...)
	if hasError((*ds)[errs:]) {
		return nil
	}
	return c
}

// decoded is what a topic file's bytes alone determine: its TOML decoded,
// the keys the model does not know, and where every key is.
type decoded struct {
	doc       fileDoc
	undecoded []toml.Key
	idx       *tomlIndex
}

// decodeFile decodes a topic file, or returns the diagnostic that rejects it.
func decodeFile(path string, data []byte) (*decoded, *Diagnostic) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if msg, line := checkText(data); msg != "" {
		return nil, &Diagnostic{File: path, Line: line, Severity: Error, Message: msg}
	}
	if msg, line := checkShape(data); msg != "" {
		return nil, &Diagnostic{File: path, Line: line, Severity: Error, Message: msg}
	}
	// Files saved on Windows keep CRLF inside multi-line strings; cards never need a CR.
	if bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	dec := &decoded{idx: scanTOML(data)}
	if doc, ok := decodeFast(data); ok {
		dec.doc = doc
		return dec, nil
	}
	md, err := toml.Decode(string(data), &dec.doc)
	if err != nil {
		d := tomlDiagnostic(path, err)
		return nil, &d
	}
	dec.undecoded = md.Undecoded()
	return dec, nil
}

func (l *loader) loadFile(path string, ds *Diagnostics) []parsedCard {
	data, err := readInput(path, MaxTopicFileBytes)
	if err != nil {
		ds.errorf(path, 0, "cannot read: %v", err)
		return nil
	}
	sum := sha256.Sum256(data)
	l.setSum(path, sum)
	dec := l.cachedDecode(path, sum)
	if dec == nil {
		var d *Diagnostic
		if dec, d = decodeFile(path, data); d != nil {
			*ds = append(*ds, *d)
			return nil
		}
		l.storeDecode(path, sum, dec)
	}
	doc, idx := dec.doc, dec.idx
	for _, k := range dec.undecoded {
		name := k[len(k)-1]
		allowed, table := fileKeys, ""
		if len(k) > 1 && k[0] == "cards" {
			allowed, table = cardKeys, "cards"
		}
		lines := idx.keyLines(table, name)
		if len(lines) == 0 {
			lines = []int{idx.firstKeyLine(table, name)}
		}
		msg := fmt.Sprintf("unknown key '%s'", name)
		if s := suggest(name, allowed); s != "" && len(k) <= 2 {
			msg += fmt.Sprintf("; did you mean '%s'?", s)
		} else {
			msg += fmt.Sprintf("; allowed keys: %s", joinQuoted(allowed))
		}
		for _, line := range lines {
			ds.errorf(path, line, "%s", msg)
		}
	}

	primary := doc.Topic
	topicLine := idx.firstKeyLine("", "topic")
	if primary == "" {
		primary = strings.TrimSuffix(filepath.Base(path), ".toml")
	}
	if l.cfg.TopicIndex(primary) < 0 {
		how := "set topic = \"…\" at the top of the file or rename the file"
		if doc.Topic != "" {
			how = "use a topic declared in config.toml or declare it there"
		}
		ds.errorf(path, topicLine, "unknown topic '%s'%s; %s", primary, didYouMean(primary, l.cfg.TopicIDs()), how)
	}
	headers := idx.headerLines("cards")
	out := make([]parsedCard, len(doc.Cards))
	for i, cd := range doc.Cards {
		out[i] = l.card(path, i, at(headers, i), at(headers, i+1), idx, primary, cd)
	}
	return out
}

// card builds and checks one card; the duplicate-id check is left to checkID.
// end is the line of the next card's header, or 0 for the last card.
func (l *loader) card(path string, i, line, end int, idx *tomlIndex, primary string, cd cardDoc) parsedCard {
	c := &Card{
		ID: cd.ID, Type: Type(cd.Type), Question: cd.Question, Answer: cd.Answer,
		Extra: cd.Extra, Source: cd.Source, Topic: primary, File: path, Line: line,
		KeyLines: idx.elementKeys("cards", i), GUID: cd.GUID,
	}
	keyLine := c.LineOf
	if c.Type == "" {
		c.Type = Basic
	}
	pc := parsedCard{card: c}
	ds := &pc.diags
	switch {
	case c.ID == "":
		ds.errorf(path, line, "card #%d has no id: add id = \"some-slug\" (it is the card's identity forever)", i+1)
	case !IsSlug(c.ID):
		ds.errorf(path, keyLine("id"), "id '%s' is not a slug: use lowercase letters, digits and single '-', e.g. '%s'", c.ID, slugify(c.ID))
	default:
		pc.slugID = true
	}
	if _, given := c.KeyLines["guid"]; given && !IsGUID(c.GUID) {
		ds.errorf(path, keyLine("guid"), "guid %q of card '%s' is not an Anki GUID: use 1 to 64 printable ASCII characters without spaces, as Anki shows it", c.GUID, c.ID)
	}
	if cd.Fields != nil {
		fieldLines(c, idx, end)
	}
	c.NoteType = l.cfg.NoteType(string(c.Type))
	switch {
	case c.NoteType != nil:
		l.declaredFields(c, cd, idx, end, ds)
	case !slices.Contains(Types, c.Type):
		ds.errorf(path, keyLine("type"), "%s", l.cfg.unknownType(cd.Type))
	default:
		if cd.Fields != nil {
			ds.errorf(path, keyLine("fields"), "card '%s' is of the built-in type '%s', which has no fields table: write question, answer and extra, or set type to a declared note type", c.ID, c.Type)
		} else if strings.TrimSpace(c.Question) == "" {
			ds.errorf(path, keyLine("question"), "card '%s' has an empty question", c.ID)
		}
		if c.Type == Cloze && !clozeRE.MatchString(c.Question) {
			ds.errorf(path, keyLine("question"), "cloze card '%s' has no deletion: mark the hidden text as {{c1::…}} in the question", c.ID)
		}
		if c.Type != Cloze && strings.TrimSpace(c.Answer) == "" {
			ds.warnf(path, keyLine("answer"), "card '%s' has no answer yet", c.ID)
		}
	}
	keys, texts := append(c.SourceKeys(), "source"), append(slices.Clone(c.Sources()), c.Source)
	for k, text := range texts {
		if r, ok := controlIn(text); ok {
			name := strings.TrimPrefix(keys[k], "fields.")
			ds.errorf(path, keyLine(keys[k]), "card '%s': the %s contains the control character U+%04X (an escape such as \\u%04x?); Anki would split or cut the field there: remove it", c.ID, name, r, r)
		}
	}
	if c.IsCloze() {
		for k, text := range texts {
			if c.NoteType != nil && !slices.Contains(c.NoteType.ClozeFields(), strings.TrimPrefix(keys[k], "fields.")) || c.NoteType == nil && k != 0 {
				continue
			}
			for _, m := range clozeNumRE.FindAllStringSubmatch(text, -1) {
				if len(m[1]) > 3 || ClozeNumbers(m[0])[0] > MaxCloze {
					ds.errorf(path, keyLine(keys[k]), "card '%s': cloze number c%.12s is over Anki's limit of c%d; number the deletions from c1", c.ID, m[1], MaxCloze)
					break
				}
			}
		}
	}
	c.Topics = []string{primary}
	for _, t := range cd.Topics {
		if l.cfg.TopicIndex(t) < 0 {
			ds.errorf(path, keyLine("topics"), "card '%s' names unknown topic '%s'%s", c.ID, t, didYouMean(t, l.cfg.TopicIDs()))
			continue
		}
		if !slices.Contains(c.Topics, t) {
			c.Topics = append(c.Topics, t)
		}
	}
	for _, t := range cd.Tags {
		if why := CheckTag(t); why != "" {
			ds.errorf(path, keyLine("tags"), "tag %q of card '%s' cannot be used: %s", t, c.ID, why)
			continue
		}
		if !slices.Contains(c.Tags, t) {
			c.Tags = append(c.Tags, t)
		}
	}
	for k, text := range c.Sources() {
		for _, ref := range MediaRefs(text) {
			m, msg := l.resolveMedia(ref)
			if msg != "" {
				ds.errorf(path, keyLine(keys[k]), "card '%s': %s", c.ID, msg)
				continue
			}
			if !slices.Contains(c.Media, m) {
				c.Media = append(c.Media, m)
			}
		}
	}
	return pc
}

// guidRE is what Anki accepts as a note GUID: printable ASCII without spaces
// (so never the 0x1f field separator).
var guidRE = regexp.MustCompile(`^[\x21-\x7e]{1,64}$`)

// IsGUID reports whether s can be a card's own guid: 1 to 64 printable ASCII
// characters without spaces.
func IsGUID(s string) bool { return guidRE.MatchString(s) }

// fieldLines records the line of the card's fields table and of each of its
// keys. [cards.fields] is a table of its own in the index: its keys are the
// ones between this card's header and the next card's (end, 0 for none).
func fieldLines(c *Card, idx *tomlIndex, end int) {
	// Headers and keys are indexed in line order: look at this card's lines only.
	past := func(line int) bool { return end != 0 && line >= end }
	for i := sort.Search(len(idx.headers), func(i int) bool { return idx.headers[i].line > c.Line }); i < len(idx.headers) && !past(idx.headers[i].line); i++ {
		if h := idx.headers[i]; h.name == "cards.fields" && c.KeyLines["fields"] == 0 {
			c.KeyLines["fields"] = h.line
		}
	}
	for i := sort.Search(len(idx.keys), func(i int) bool { return idx.keys[i].line > c.Line }); i < len(idx.keys) && !past(idx.keys[i].line); i++ {
		if k := idx.keys[i]; k.table == "cards.fields" && c.KeyLines["fields."+k.name] == 0 {
			c.KeyLines["fields."+k.name] = k.line
		}
	}
}

// declaredFields checks a card of a declared note type and sets its field values.
func (l *loader) declaredFields(c *Card, cd cardDoc, idx *tomlIndex, end int, ds *Diagnostics) {
	nt, path := c.NoteType, c.File
	for _, key := range []string{"question", "answer", "extra", "source"} {
		if _, given := c.KeyLines[key]; given {
			ds.errorf(path, c.LineOf(key), "card '%s' is of note type '%s', which takes its content in a fields table, not '%s': write fields = { %s = \"…\" } (fields: %s)",
				c.ID, nt.Slug, key, nt.Fields[0].Name, joinQuoted(nt.FieldNames()))
		}
	}
	names := make([]string, 0, len(cd.Fields))
	for name := range cd.Fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if nt.FieldIndex(name) < 0 {
			ds.errorf(path, c.LineOf("fields."+name), "card '%s': note type '%s' has no field '%s'%s", c.ID, nt.Slug, name, didYouMean(name, nt.FieldNames()))
		}
	}
	c.Fields = make([]string, len(nt.Fields))
	empty := true
	for i, f := range nt.Fields {
		c.Fields[i] = cd.Fields[f.Name]
		blank := strings.TrimSpace(c.Fields[i]) == ""
		empty = empty && blank
		if f.Required && blank {
			ds.errorf(path, c.LineOf("fields."+f.Name), "card '%s' misses the required field '%s' of note type '%s'", c.ID, f.Name, nt.Slug)
		}
	}
	if empty && !hasError(*ds) {
		ds.errorf(path, c.LineOf("fields"), "card '%s' has no field values: give its fields in a fields table (fields of '%s': %s)", c.ID, nt.Slug, joinQuoted(nt.FieldNames()))
	}
	if nt.Cloze && !empty {
		deletion := false
		for _, name := range nt.ClozeFields() {
			deletion = deletion || clozeRE.MatchString(cd.Fields[name])
		}
		if !deletion {
			where := "the cloze field"
			if cf := nt.ClozeFields(); len(cf) > 0 {
				where = "field '" + cf[0] + "'"
			}
			ds.errorf(path, c.LineOf("fields."+firstOr(nt.ClozeFields(), "")), "cloze card '%s' has no deletion: mark the hidden text as {{c1::…}} in %s", c.ID, where)
		}
	}
}

func firstOr(ss []string, def string) string {
	if len(ss) > 0 {
		return ss[0]
	}
	return def
}

func hasError(ds Diagnostics) bool {
	errs, _ := ds.Count()
	return errs > 0
}

var (
	mdImageRE  = regexp.MustCompile(`!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	htmlImgRE  = regexp.MustCompile(`(?i)<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']`)
	urlSchemRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// MediaRefs returns the image references of Markdown text, in order of appearance.
func MediaRefs(md string) []string {
	var out []string
	for _, re := range []*regexp.Regexp{mdImageRE, htmlImgRE} {
		// Most text has no tag at all; the case-insensitive regexp would still scan every byte.
		if re == htmlImgRE && !strings.Contains(md, "<") {
			continue
		}
		for _, m := range re.FindAllStringSubmatch(md, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// resolveMedia checks that ref names a regular file inside the cards folder.
func (l *loader) resolveMedia(ref string) (Media, string) {
	if urlSchemRE.MatchString(ref) || strings.HasPrefix(ref, "//") {
		return Media{}, fmt.Sprintf("image '%s' is not a local file; copy it under %s and reference it by relative path", ref, l.dir)
	}
	if filepath.IsAbs(ref) || strings.HasPrefix(ref, "/") {
		return Media{}, fmt.Sprintf("image '%s' is an absolute path; use a path relative to %s", ref, l.dir)
	}
	clean := filepath.Clean(filepath.FromSlash(ref))
	if clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return Media{}, fmt.Sprintf("image '%s' points outside the cards folder; keep media under %s", ref, l.dir)
	}
	ext := strings.ToLower(filepath.Ext(clean))
	if !slices.Contains(MediaExtensions, ext) {
		return Media{}, fmt.Sprintf("media '%s' has an unsupported type; allowed: %s", ref, strings.Join(MediaExtensions, " "))
	}
	full := filepath.Join(l.dir, clean)
	// Every component is checked, so a linked folder cannot lead outside the cards folder.
	walk := l.dir
	for _, part := range strings.Split(clean, string(filepath.Separator)) {
		walk = filepath.Join(walk, part)
		fi, err := os.Lstat(walk)
		switch {
		case err != nil:
			return Media{}, fmt.Sprintf("image '%s' not found (looked for %s)", ref, full)
		case fi.Mode()&fs.ModeSymlink != 0:
			return Media{}, fmt.Sprintf("image '%s' goes through the symbolic link %s; copy the file itself into the cards folder", ref, walk)
		}
	}
	fi, err := os.Stat(full)
	switch {
	case err != nil:
		return Media{}, fmt.Sprintf("image '%s' cannot be read: %v", ref, err)
	case !fi.Mode().IsRegular():
		return Media{}, fmt.Sprintf("image '%s' is not a regular file", ref)
	case fi.Size() > MaxMediaBytes:
		return Media{}, fmt.Sprintf("media '%s' is %d bytes, over the %d MiB limit; shrink or compress it", ref, fi.Size(), MaxMediaBytes>>20)
	}
	return Media{Ref: ref, Path: full}, ""
}

// MediaExtensions are the file types a card may reference: images and audio Anki plays.
var MediaExtensions = []string{".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".mp3", ".ogg", ".wav", ".m4a"}

// MaxMediaBytes caps one media file, so a stray video cannot bloat every package.
const MaxMediaBytes = 5 << 20

var nonSlugRE = regexp.MustCompile(`[^a-z0-9]+`)

func slugify(s string) string {
	s = strings.Trim(nonSlugRE.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		return "my-card"
	}
	return s
}
