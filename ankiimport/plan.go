package ankiimport

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/ankinote"
)

// Plan is what an import writes: the project's topics, cards, declared note
// types and media, and everything the user should know about it.
type Plan struct {
	DeckName  string
	DeckID    string
	Namespace string
	// Recognised is true when the package was built by cardgen.
	Recognised bool
	Topics     []Topic
	NoteTypes  []*DeclaredType
	// Media maps a package media name to its file name in cards/media.
	Media map[string]string
	// Inline are images fields carried as data: URIs, by file name in cards/media.
	Inline   map[string][]byte
	Warnings []string
	// NoteTypeMods and CardMods seed the lock with the package's times.
	NoteTypeMods map[string]int64
	CardMods     map[string]int64
}

// Topic is one subdeck and the cards that become its topic file.
type Topic struct {
	ID, Name string
	Cards    []*Card
}

// Card is one imported note as it is written to TOML.
type Card struct {
	ID       string
	Type     string // "basic", "reversed", "cloze" or a declared type's slug
	GUID     string // empty when namespace and id derive it
	Source   string
	Topics   []string
	Tags     []string
	Question string
	Answer   string
	Extra    string
	// Fields holds a declared type's fields, in note type order.
	Fields []NamedField
	Mod    int64
}

// NamedField is one field of a declared note type's card.
type NamedField struct{ Name, Markdown string }

// DeclaredType is a note type of the package kept as data (notetypes/<slug>.toml).
type DeclaredType struct {
	Slug string
	*noteType
	Notes int
	// existing is true when the project (--into) declares it already.
	existing bool
}

// Problems are all the reasons an import cannot go ahead.
type Problems []string

func (p Problems) Error() string {
	if len(p) == 1 {
		return p[0]
	}
	return fmt.Sprintf("%d problems:\n  %s", len(p), strings.Join(p, "\n  "))
}

// mapping folds a note type into a built-in type (--map).
type mapping struct {
	NoteType string
	// Field names the package field of question, answer, extra and source.
	Field map[string]string
	used  bool
}

// parseMaps reads --map NOTETYPE=question:FIELD,answer:FIELD,...
func parseMaps(specs []string) (map[string]*mapping, Problems) {
	out := map[string]*mapping{}
	var probs Problems
	for _, s := range specs {
		name, rest, ok := strings.Cut(s, "=")
		if !ok || strings.TrimSpace(name) == "" {
			probs = append(probs, fmt.Sprintf("--map %q: write NOTETYPE=question:FIELD,answer:FIELD", s))
			continue
		}
		m := &mapping{NoteType: strings.TrimSpace(name), Field: map[string]string{}}
		for _, part := range strings.Split(rest, ",") {
			key, field, ok := strings.Cut(part, ":")
			key = strings.TrimSpace(key)
			switch {
			case !ok:
				probs = append(probs, fmt.Sprintf("--map %q: %q is not KEY:FIELD", s, part))
			case key != "question" && key != "answer" && key != "extra" && key != "source":
				probs = append(probs, fmt.Sprintf("--map %q: %q is not one of question, answer, extra, source", s, key))
			default:
				m.Field[key] = strings.TrimSpace(field)
			}
		}
		if m.Field["question"] == "" {
			probs = append(probs, fmt.Sprintf("--map %q: name the field that becomes the question (question:FIELD)", s))
		}
		out[m.NoteType] = m
	}
	return out, probs
}

// builtin is a cardgen note type recognised in a package.
type builtin struct {
	kind      cards.Type
	namespace string
}

var cardgenNameRE = regexp.MustCompile(`^(.+) \((basic|basic and reversed|cloze)\)$`)

// recognise tells whether nt is one of cardgen's own note types: its name,
// id and fields must all be what cardgen writes for some namespace.
func recognise(nt *noteType) (builtin, bool) {
	m := cardgenNameRE.FindStringSubmatch(nt.Name)
	if m == nil {
		return builtin{}, false
	}
	kind := map[string]cards.Type{"basic": cards.Basic, "basic and reversed": cards.Reversed, "cloze": cards.Cloze}[m[2]]
	want := ankinote.For(&cards.Config{Deck: cards.DeckConfig{Namespace: m[1]}}, kind)
	if want.ID != nt.ID || strings.Join(want.Fields, "\x1f") != strings.Join(nt.Fields, "\x1f") {
		return builtin{}, false
	}
	return builtin{kind, m[1]}, true
}

// slugOf makes a slug of ASCII text, or "" when the text holds letters of
// other scripts (a transliteration would be a guess) or nothing usable.
func slugOf(s string, max int) string {
	for _, r := range s {
		if r > unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsNumber(r)) {
			return ""
		}
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	out := b.String()
	if len(out) > max {
		out = out[:max]
		if i := strings.LastIndexByte(out, '-'); i > max/2 {
			out = out[:i]
		}
		out = strings.TrimRight(out, "-")
	}
	return out
}

// hashID is the fallback id: prefix and 8 hex digits of SHA-256 of s.
func hashID(prefix, s string) string {
	sum := sha256.Sum256([]byte(s))
	return prefix + "-" + hex.EncodeToString(sum[:4])
}

// uniqueIDs hands out ids, suffixing -2, -3, … on a clash.
type uniqueIDs map[string]bool

func (u uniqueIDs) take(id string) (string, bool) {
	if !u[id] {
		u[id] = true
		return id, true
	}
	for i := 2; ; i++ {
		c := fmt.Sprintf("%s-%d", id, i)
		if !u[c] {
			u[c] = true
			return c, false
		}
	}
}

var (
	safeFileRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]{0,100}$`)
	extRE      = regexp.MustCompile(`^\.[a-z0-9]{1,8}$`)
)

// mediaName is the file name a package media file gets in cards/media:
// the same when it is a plain name, else a slug with a hash of the original.
func mediaName(name string) string {
	if safeFileRE.MatchString(name) && !strings.Contains(name, "..") {
		return name
	}
	ext := strings.ToLower(path.Ext(name))
	if !extRE.MatchString(ext) {
		ext = ""
	}
	stem := slugOf(strings.TrimSuffix(name, path.Ext(name)), 40)
	if stem == "" {
		stem = "media"
	}
	return hashID(stem, name) + ext
}

// deckPath splits an Anki deck name into its levels.
func deckPath(name string) []string { return strings.Split(name, "::") }

// commonRoot is the deepest deck that holds every given deck.
func commonRoot(names []string) []string {
	var root []string
	for i, n := range names {
		p := deckPath(n)
		if i == 0 {
			root = p
			continue
		}
		k := 0
		for k < len(root) && k < len(p) && root[k] == p[k] {
			k++
		}
		root = root[:k]
	}
	return root
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
