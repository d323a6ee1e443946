package ankiimport

import (
	"fmt"
	"html"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/ankinote"
)

// planInput is what buildPlan needs besides the collection.
type planInput struct {
	File      string
	Deck      string
	Namespace string
	Maps      map[string]*mapping
	// Taken holds card ids and GUIDs a project already has (--into).
	TakenIDs   map[string]string // id -> where
	TakenGUIDs map[string]string // guid -> where
	TakenTypes map[string]bool   // declared note type slugs and built-in names
	// IntoNamespace is the namespace of the project imported into, if any.
	IntoNamespace string
	HasMedia      func(name string) bool
	// TemplateMedia are the package's media names that start with "_".
	TemplateMedia []string
	// MediaCount is the number of media files in the package.
	MediaCount int
	// Existing are the note types a project declares already, by id (--into).
	Existing map[int64]*cards.NoteType
}

// buildPlan maps the collection onto cardgen's model and reports every
// problem at once.
func buildPlan(col *collection, in planInput) (*Plan, Problems) {
	var probs Problems
	p := &Plan{Media: map[string]string{}, Inline: map[string][]byte{}, NoteTypeMods: map[string]int64{}, CardMods: map[string]int64{}}
	warn := func(format string, a ...any) { p.Warnings = append(p.Warnings, fmt.Sprintf(format, a...)) }

	// Which notes: those under --deck, else all.
	var notes []*note
	deckOf := func(n *note) string {
		if name, ok := col.Decks[n.Deck]; ok {
			return name
		}
		return "Default"
	}
	for _, n := range col.Notes {
		d := deckOf(n)
		if in.Deck == "" || d == in.Deck || strings.HasPrefix(d, in.Deck+"::") {
			notes = append(notes, n)
		}
	}
	if len(notes) == 0 {
		if in.Deck != "" {
			var names []string
			for _, n := range col.Decks {
				names = append(names, n)
			}
			sort.Strings(names)
			probs = append(probs, fmt.Sprintf("%s: no notes in deck %q; the package's decks are: %s", in.File, in.Deck, strings.Join(names, ", ")))
		} else {
			probs = append(probs, fmt.Sprintf("%s: the package holds no notes", in.File))
		}
		return nil, probs
	}

	// The root deck names the project; its subdecks are the topics.
	var used []string
	for _, n := range notes {
		used = append(used, deckOf(n))
	}
	root := commonRoot(used)
	if in.Deck != "" {
		root = deckPath(in.Deck)
	}
	if len(root) > 0 {
		p.DeckName = root[len(root)-1]
	} else {
		p.DeckName = strings.TrimSuffix(filepath.Base(in.File), filepath.Ext(in.File))
	}

	// Note types: cardgen's own, folded by --map, or declared.
	builtins := map[int64]builtin{}
	declared := map[int64]*DeclaredType{}
	namespaces := map[string]bool{}
	typeSlugs := uniqueIDs{"basic": true, "reversed": true, "cloze": true}
	for s := range in.TakenTypes {
		typeSlugs[s] = true
	}
	ntIDs := sortedIDs(col.NoteTypes)
	usedTypes := map[int64]int{}
	for _, n := range notes {
		usedTypes[n.Mid]++
	}
	for _, id := range ntIDs {
		nt := col.NoteTypes[id]
		if m := in.Maps[nt.Name]; m != nil {
			m.used = true
			for _, key := range []string{"question", "answer", "extra", "source"} {
				if f := m.Field[key]; f != "" && fieldIndex(nt, f) < 0 {
					probs = append(probs, fmt.Sprintf("--map %s: note type %q has no field %q; its fields are: %s", nt.Name, nt.Name, f, strings.Join(nt.Fields, ", ")))
				}
			}
			continue
		}
		if usedTypes[id] == 0 {
			if _, own := recognise(nt); !own && in.Deck == "" {
				warn("note type %q has no notes; it is not written", nt.Name)
			}
			continue
		}
		if b, ok := recognise(nt); ok {
			// Built-in note types are cardgen's: their lock entries follow the build.
			builtins[id] = b
			namespaces[b.namespace] = true
			continue
		}
		if ex := in.Existing[id]; ex != nil {
			// The project has this note type already: its cards use it.
			if strings.Join(ex.FieldNames(), "\x1f") != strings.Join(nt.Fields, "\x1f") {
				probs = append(probs, fmt.Sprintf("%s: note type %q (id %d) has the fields %s, but the project declares it in %s with %s; make them agree first",
					in.File, nt.Name, id, strings.Join(nt.Fields, ", "), ex.File, strings.Join(ex.FieldNames(), ", ")))
			}
			declared[id] = &DeclaredType{Slug: ex.Slug, noteType: nt, existing: true}
			continue
		}
		slug := slugOf(nt.Name, 40)
		if slug == "" {
			slug = hashID("nt", nt.Name)
		}
		if slug == "basic" || slug == "reversed" || slug == "cloze" {
			slug = "anki-" + slug // Anki's stock types keep their data, not cardgen's built-in name
		}
		slug, _ = typeSlugs.take(slug)
		declared[id] = &DeclaredType{Slug: slug, noteType: nt}
		for _, l := range nt.Lost {
			warn("note type %q: %s, which cardgen's note types do not hold; learners keep it until the note type changes, then lose it (set it again in Anki if needed)", nt.Name, l)
		}
		// Anki's stock note types may have no time (0); the lock then uses the
		// build time, and Anki rewrites the note type with the same content.
		if nt.Mod > 0 {
			p.NoteTypeMods[slug] = nt.Mod
		}
	}
	for _, name := range sortedKeys(in.Maps) {
		if !in.Maps[name].used {
			var names []string
			for _, id := range ntIDs {
				names = append(names, col.NoteTypes[id].Name)
			}
			probs = append(probs, fmt.Sprintf("--map %s: the package has no note type %q; its note types are: %s", name, name, strings.Join(names, ", ")))
		}
	}

	// The namespace: cardgen's own, else the one asked for, else the deck's slug.
	switch {
	case in.IntoNamespace != "":
		p.Namespace = in.IntoNamespace
	case in.Namespace != "":
		p.Namespace = in.Namespace
	case len(namespaces) == 1:
		p.Namespace = sortedKeys(namespaces)[0]
	default:
		p.Namespace = slugOf(p.DeckName, 40)
		if p.Namespace == "" {
			p.Namespace = hashID("deck", p.DeckName)
		}
	}
	p.Recognised = len(namespaces) > 0
	for _, id := range ntIDs {
		if b, ok := builtins[id]; ok && b.namespace != p.Namespace {
			warn("note type %q belongs to namespace %q, the project to %q: its notes keep their GUIDs as guid keys but get the project's note type, so learners' notes of it will not update (Anki: \"note type changed\")", col.NoteTypes[id].Name, b.namespace, p.Namespace)
		}
	}
	p.DeckID = slugOf(p.DeckName, 40)
	if p.DeckID == "" {
		p.DeckID = p.Namespace
	}
	if !cards.IsSlug(p.DeckID) {
		p.DeckID = hashID("deck", p.DeckName)
	}
	if len(namespaces) > 1 {
		warn("the package holds cardgen note types of %d namespaces (%s); the project uses %q", len(namespaces), strings.Join(sortedKeys(namespaces), ", "), p.Namespace)
	}

	// Topics: one per deck below the root, in the order of new cards.
	type deckInfo struct {
		name    string
		first   int64
		votes   map[string]int
		members []*note
	}
	decks := map[string]*deckInfo{}
	for _, n := range notes {
		rel := deckPath(deckOf(n))[len(root):]
		key := strings.Join(rel, "::")
		d := decks[key]
		if d == nil {
			name := strings.Join(rel, " / ")
			if name == "" {
				name = p.DeckName
			}
			d = &deckInfo{name: name, first: 1 << 62, votes: map[string]int{}}
			decks[key] = d
		}
		d.members = append(d.members, n)
		if n.IsNew && n.Due < d.first {
			d.first = n.Due
		}
		if _, ok := builtins[n.Mid]; ok {
			for _, t := range n.Tags {
				if strings.HasPrefix(t, "topic::") {
					d.votes[strings.TrimPrefix(t, "topic::")]++
				}
			}
		}
	}
	keys := sortedKeys(decks)
	sort.SliceStable(keys, func(i, j int) bool { return decks[keys[i]].first < decks[keys[j]].first })
	topicIDs := uniqueIDs{}
	topicOf := map[string]*Topic{}
	var topicOrder []string
	recovered := recoverTopics(keys, func(key string) map[string]int { return decks[key].votes })
	for _, key := range keys {
		d := decks[key]
		id := recovered[key]
		if id == "" {
			id = slugOf(d.name, 40)
		}
		if id == "" {
			id = hashID("t", d.name)
		}
		id, _ = topicIDs.take(id)
		t := &Topic{ID: id, Name: d.name}
		topicOf[key] = t
		topicOrder = append(topicOrder, key)
		p.Topics = append(p.Topics, *t)
	}
	known := map[string]bool{}
	for _, t := range p.Topics {
		known[t.ID] = true
	}

	fc := newFieldConverter()
	cardIDs := uniqueIDs{}
	for id := range in.TakenIDs {
		cardIDs[id] = true
	}
	seenGUID := map[string]string{}
	media := map[string]bool{}
	for _, key := range topicOrder {
		d := decks[key]
		topic := topicOf[key]
		sort.SliceStable(d.members, func(i, j int) bool {
			a, b := d.members[i], d.members[j]
			if a.IsNew != b.IsNew {
				return a.IsNew
			}
			if a.IsNew && a.Due != b.Due {
				return a.Due < b.Due
			}
			return a.ID < b.ID
		})
		for _, n := range d.members {
			nt := col.NoteTypes[n.Mid]
			if nt == nil {
				probs = append(probs, fmt.Sprintf("%s: note %d uses note type %d, which the package does not have; the package is damaged", in.File, n.ID, n.Mid))
				continue
			}
			if len(n.Fields) != len(nt.Fields) {
				probs = append(probs, fmt.Sprintf("%s: note %d has %d fields, its note type %q has %d; the package is damaged (Tools > Check Database in Anki)", in.File, n.ID, len(n.Fields), nt.Name, len(nt.Fields)))
				continue
			}
			if hasTag(n.Tags, ankinote.RetiredTag) {
				warn("note %s (%s) is a retired cardgen note; it is not imported", n.GUID, describe(plainText(n.Fields[min(nt.SortField, len(n.Fields)-1)])))
				continue
			}
			c := &Card{Topics: []string{topic.ID}, Mod: n.Mod}
			var convErr error
			var kept, dropped, remote []string
			conv := func(h string) string {
				out, err := fc.convert(h, func(name string) string {
					media[name] = true
					return mediaName(name)
				})
				if err != nil {
					convErr = err
				}
				kept = append(kept, out.Kept...)
				dropped = append(dropped, out.Dropped...)
				remote = append(remote, out.Remote...)
				for name, data := range out.Inline {
					p.Inline[name] = data
				}
				return out.Markdown
			}
			field := func(name string) string {
				if i := fieldIndex(nt, name); i >= 0 {
					return n.Fields[i]
				}
				return ""
			}
			ownGUID := true
			if b, ok := builtins[n.Mid]; ok {
				c.Type = string(b.kind)
				c.ID = strings.TrimSpace(html.UnescapeString(n.Fields[0]))
				if b.kind == cards.Cloze {
					c.Question, c.Answer = conv(field("Text")), conv(field("Extra"))
				} else {
					c.Question, c.Answer, c.Extra = conv(field("Question")), conv(field("Answer")), conv(field("Extra"))
				}
				c.Source = html.UnescapeString(field("Source"))
				if cards.IsSlug(c.ID) && cards.GUID(p.Namespace, c.ID) == n.GUID {
					ownGUID = false
				}
			} else if m := in.Maps[nt.Name]; m != nil {
				c.Type = string(cards.Basic)
				if nt.Cloze {
					c.Type = string(cards.Cloze)
				}
				c.Question = conv(field(m.Field["question"]))
				c.Answer = conv(field(m.Field["answer"]))
				c.Extra = conv(field(m.Field["extra"]))
				c.Source = plainText(field(m.Field["source"]))
				switch {
				case strings.TrimSpace(c.Question) == "":
					probs = append(probs, fmt.Sprintf("%s: note %s: --map %s: its field %q is empty, and a card needs a question; map another field or fill it in Anki", in.File, n.GUID, nt.Name, m.Field["question"]))
				case c.Type == string(cards.Cloze) && len(cards.ClozeNumbers(c.Question)) == 0:
					probs = append(probs, fmt.Sprintf("%s: note %s: --map %s: its field %q has no cloze deletion; map the cloze field as the question", in.File, n.GUID, nt.Name, m.Field["question"]))
				}
			} else {
				dt := declared[n.Mid]
				dt.Notes++
				c.Type = dt.Slug
				for i, f := range nt.Fields {
					c.Fields = append(c.Fields, NamedField{f, conv(n.Fields[i])})
				}
			}
			if convErr != nil {
				probs = append(probs, fmt.Sprintf("%s: note %s: %v", in.File, n.GUID, convErr))
			}
			if ownGUID {
				c.GUID = n.GUID
			}
			// The id: cardgen's own, else a slug of the sort field.
			if _, ok := builtins[n.Mid]; !ok || !cards.IsSlug(c.ID) {
				sortText := clozeText(plainText(n.Fields[min(max(nt.SortField, 0), len(n.Fields)-1)]))
				// Formulas make poor ids: "softmax-sums-to-one", not "softmax-p-i-e-z-i-…".
				c.ID = slugOf(mathlessText(sortText), 48)
				if c.ID == "" {
					c.ID = slugOf(sortText, 48)
				}
				if c.ID == "" {
					c.ID = hashID("n", plainText(n.Fields[0]))
				}
				id, fresh := cardIDs.take(c.ID)
				if !fresh {
					warn("note %s: id %q is taken (the same sort field %s); it becomes %q", n.GUID, c.ID, describe(sortText), id)
				}
				c.ID = id
			} else if where, clash := in.TakenIDs[c.ID]; clash {
				probs = append(probs, fmt.Sprintf("%s: note %s has card id %q, which %s already uses; import into another project or rename that card", in.File, n.GUID, c.ID, where))
			} else if _, fresh := cardIDs.take(c.ID); !fresh {
				probs = append(probs, fmt.Sprintf("%s: two notes have card id %q; the package is damaged", in.File, c.ID))
			}
			guid := n.GUID
			if where, clash := in.TakenGUIDs[guid]; clash {
				probs = append(probs, fmt.Sprintf("%s: note %s (card %q) has the GUID of %s; that note is already in the project", in.File, guid, c.ID, where))
			}
			if other, dup := seenGUID[guid]; dup {
				probs = append(probs, fmt.Sprintf("%s: cards %q and %q have the same GUID %s; the package is damaged", in.File, other, c.ID, guid))
			}
			seenGUID[guid] = c.ID
			// Tags: cardgen's own topic:: and cardgen:: tags come back by themselves.
			for _, t := range n.Tags {
				switch {
				case strings.HasPrefix(t, "topic::") && known[strings.TrimPrefix(t, "topic::")]:
					if tid := strings.TrimPrefix(t, "topic::"); !hasTag(c.Topics, tid) {
						c.Topics = append(c.Topics, tid)
					}
				case strings.HasPrefix(t, "cardgen::"):
				case strings.ContainsAny(t, `"'`):
					clean := strings.NewReplacer(`"`, "", `'`, "").Replace(t)
					warn("card %q: tag %q has quotes, which cardgen tags cannot; it becomes %q", c.ID, t, clean)
					if clean != "" {
						c.Tags = append(c.Tags, clean)
					}
				default:
					c.Tags = append(c.Tags, t)
				}
			}
			if _, ok := builtins[n.Mid]; !ok {
				// Only cardgen's topic tags mean topics; a plain deck's stay tags.
				c.Topics = c.Topics[:1]
				for _, t := range n.Tags {
					if strings.HasPrefix(t, "topic::") && known[strings.TrimPrefix(t, "topic::")] && strings.TrimPrefix(t, "topic::") != topic.ID {
						c.Tags = append(c.Tags, t)
					}
				}
			}
			if len(kept) > 0 {
				warn("card %q: kept as inline HTML (no Markdown form): %s", c.ID, strings.Join(uniq(kept), " "))
			}
			if len(remote) > 0 {
				warn("card %q: images on the web became links, since packages carry local files only (download them into cards/media to show them again): %s", c.ID, strings.Join(uniq(remote), " "))
			}
			if len(dropped) > 0 {
				warn("card %q: formatting the sanitizer removes was dropped: %s", c.ID, strings.Join(uniq(dropped), " "))
			}
			if (c.Type == string(cards.Basic) || c.Type == string(cards.Reversed)) && strings.TrimSpace(c.Answer) == "" {
				warn("card %q has an empty answer: `cardgen validate --strict` will fail until it has one", c.ID)
			}
			if n.Mod > 0 {
				p.CardMods[c.ID] = n.Mod
			}
			topic.Cards = append(topic.Cards, c)
		}
	}
	for i := range p.Topics {
		p.Topics[i] = *topicOf[topicOrder[i]]
	}
	for _, id := range ntIDs {
		if dt := declared[id]; dt != nil && !dt.existing {
			p.NoteTypes = append(p.NoteTypes, dt)
			// Templates and CSS may use media of their own, which Anki names with a leading "_".
			text := dt.CSS
			for _, tp := range dt.Templates {
				text += tp.Front + tp.Back
			}
			for _, name := range in.TemplateMedia {
				if strings.Contains(text, name) {
					media[name] = true
				}
			}
		}
	}
	// Media: every file a note references, plus template assets ("_" names).
	for _, name := range sortedKeys(media) {
		if in.HasMedia != nil && !in.HasMedia(name) {
			probs = append(probs, fmt.Sprintf("%s: media file %q is referenced but not in the package; export again with \"Include media\" ticked", in.File, name))
			continue
		}
		p.Media[name] = mediaName(name)
	}
	if in.MediaCount > len(p.Media) && in.Deck == "" {
		warn("%d media files of the package are used by no imported note or note type; they are left out", in.MediaCount-len(p.Media))
	}
	return p, probs
}

func fieldIndex(nt *noteType, name string) int {
	for i, f := range nt.Fields {
		if f == name {
			return i
		}
	}
	return -1
}

func hasTag(tags []string, t string) bool {
	for _, x := range tags {
		if x == t {
			return true
		}
	}
	return false
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func sortedIDs[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// recoverTopics finds each deck's topic id from cardgen's topic::<id> tags.
// A note carries the tags of all its topics, so a deck's own topic is one
// that the most of its notes carry; when several tie, a topic that is
// already another deck's own is not it.
func recoverTopics(keys []string, votes func(key string) map[string]int) map[string]string {
	cands := map[string][]string{}
	for _, key := range keys {
		best := 0
		for _, v := range sortedKeys(votes(key)) {
			n := votes(key)[v]
			if !cards.IsSlug(v) || n < best {
				continue
			}
			if n > best {
				cands[key], best = nil, n
			}
			cands[key] = append(cands[key], v)
		}
	}
	out := map[string]string{}
	taken := map[string]bool{}
	for progress := true; progress; {
		progress = false
		for _, key := range keys {
			if out[key] != "" {
				continue
			}
			var left []string
			for _, c := range cands[key] {
				if !taken[c] {
					left = append(left, c)
				}
			}
			cands[key] = left
			if len(left) == 1 {
				out[key], taken[left[0]], progress = left[0], true, true
			}
		}
	}
	for _, key := range keys {
		if out[key] == "" && len(cands[key]) > 0 {
			out[key], taken[cands[key][0]] = cands[key][0], true
		}
	}
	return out
}

var clozeMarkRE = regexp.MustCompile(`\{\{c[0-9]+::(.*?)(::[^}]*)?\}\}`)

// clozeText is cloze text with its deletions shown, for ids.
func clozeText(s string) string { return clozeMarkRE.ReplaceAllString(s, "$1") }

// mathlessText is text without its MathJax formulas.
func mathlessText(s string) string {
	return mathInlineRE.ReplaceAllString(mathDisplayRE.ReplaceAllString(s, " "), " ")
}
