package apkg_test

// Real Anki (internal/ankitest) judges every package cardgen builds: the
// shipped deck and the fixture deck of helpers_test.go (every note type,
// media, math, code, tags, subdecks) import, render, update in place and
// survive Anki's own export.

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/internal/ankitest"
	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/cardgen/cardgen/lock"
)

// tLater is a build time after t1 to t3 and after every time in the shipped lock.
const tLater = int64(1900000000)

// ankiDeck is one deck under test, built once.
type ankiDeck struct {
	name string
	cfg  string
	res  *builder.Result
}

func ankiDecks(t *testing.T) []ankiDeck {
	t.Helper()
	ankitest.Python(t)
	shipped := decktest.CopyRepoDeck(t, "../..")
	shippedRes, _ := runBuild(t, shipped, 0)
	fixture := writeDeck(t)
	fixtureRes, _ := runBuild(t, fixture, t1)
	return []ankiDeck{{"shipped", shipped, shippedRes}, {"fixture", fixture, fixtureRes}}
}

func (d ankiDeck) packages() []builder.Artifact {
	var out []builder.Artifact
	for _, a := range d.res.Artifacts {
		if a.Format == "apkg" {
			out = append(out, a)
		}
	}
	return out
}

func (d ankiDeck) full(t *testing.T) string {
	for _, a := range d.packages() {
		if a.Target == "all" {
			return a.Path
		}
	}
	t.Fatalf("%s: no full package built", d.name)
	return ""
}

// intended is what cardgen meant a package to hold, from the question set and the lock.
type intended struct {
	deck    *cards.Deck
	byGUID  map[string]*cards.Card
	retired map[string]lock.Retired // by GUID; only in the full package
}

func intendedFor(t *testing.T, cfg, target string) intended {
	t.Helper()
	d := loadDeck(t, cfg)
	tg, ok := d.Config.TargetByName(target)
	if !ok {
		t.Fatalf("no target %q", target)
	}
	sel := d.Filter(tg.Filter())
	in := intended{deck: sel, byGUID: map[string]*cards.Card{}, retired: map[string]lock.Retired{}}
	for _, c := range sel.Cards {
		in.byGUID[d.GUID(c)] = c
	}
	if tg.Filter().IsZero() {
		l, err := lock.Load(d.Config.LockPath())
		if err != nil {
			t.Fatal(err)
		}
		for id, r := range l.Retired {
			in.retired[cards.GUID(d.Config.Deck.Namespace, id)] = r
		}
	}
	return in
}

// cardCount is how many cards Anki should make for a card of the set.
func cardCount(c *cards.Card) int {
	switch c.Type {
	case cards.Cloze:
		return len(cards.ClozeNumbers(c.Question))
	case cards.Reversed:
		if strings.TrimSpace(c.Answer) != "" {
			return 2
		}
	}
	return 1
}

// packageMedia returns the file names the package's media map holds.
func packageMedia(t *testing.T, path string) []string {
	t.Helper()
	p := openPackage(t, path)
	var m map[string]string
	if err := json.Unmarshal(p.entries["media"], &m); err != nil {
		t.Fatalf("%s: media map: %v", path, err)
	}
	out := []string{}
	for _, name := range m {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// importFresh imports a package into a new collection and fails on any error
// or log entry that loses a note, printing Anki's own message.
func importFresh(t *testing.T, path string) (*ankitest.Collection, *ankitest.ImportLog) {
	t.Helper()
	col := ankitest.Open(t)
	log, err := col.ImportPackage(path, ankitest.ImportOptions{})
	if err != nil {
		t.Fatalf("Anki %s refuses %s: %v", col.Version, filepath.Base(path), err)
	}
	if lost := log.Lost(); len(lost) > 0 {
		t.Fatalf("Anki %s import of %s lost notes:\n%s", col.Version, filepath.Base(path), strings.Join(lost, "\n"))
	}
	return col, log
}

// checkImported compares a fresh collection that imported one package with
// what cardgen intended it to hold.
func checkImported(t *testing.T, col *ankitest.Collection, cfg string, a builder.Artifact, log *ankitest.ImportLog) *ankitest.Snapshot {
	t.Helper()
	in := intendedFor(t, cfg, a.Target)
	conf := in.deck.Config
	snap, err := col.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	want := len(in.byGUID) + len(in.retired)
	if len(log.New) != want || log.FoundNotes != want || len(snap.Notes) != want {
		t.Errorf("%s: %s; collection has %d notes; want %d new", a.Target, log.Counts(), len(snap.Notes), want)
	}

	// Notes: the GUIDs, fields and tags cardgen wrote, in its own note types.
	pkgNotes := openPackage(t, a.Path).notes(t)
	cardsOf := map[int64]int{}
	for _, c := range snap.Cards {
		cardsOf[c.Nid]++
	}
	for _, n := range snap.Notes {
		p, ok := pkgNotes[n.GUID]
		if !ok {
			t.Errorf("%s: Anki holds note %s the package does not", a.Target, n)
			continue
		}
		if got := strings.Join(n.Fields, "\x1f"); got != p.Flds {
			t.Errorf("%s: note %s fields differ from the package:\n got %q\nwant %q", a.Target, n, got, p.Flds)
		}
		if got, want := strings.Join(n.Tags, " "), strings.TrimSpace(p.Tags); got != want {
			t.Errorf("%s: note %s tags %q, package has %q", a.Target, n, got, want)
		}
		if n.Mid != p.Mid {
			t.Errorf("%s: note %s has note type %d, package %d", a.Target, n, n.Mid, p.Mid)
		}
		if c, ok := in.byGUID[n.GUID]; ok {
			if n.Field(0) != c.ID || n.Mid != ankinote.For(conf, c.Type).ID {
				t.Errorf("%s: note %s is not card %q of type %s", a.Target, n, c.ID, c.Type)
			}
			if got, want := cardsOf[n.ID], cardCount(c); got != want {
				t.Errorf("%s: note %s has %d cards, want %d", a.Target, n, got, want)
			}
			for _, tag := range ankinote.Tags(c) {
				if !n.HasTag(tag) {
					t.Errorf("%s: note %s lacks tag %q", a.Target, n, tag)
				}
			}
		} else if _, ok := in.retired[n.GUID]; ok {
			if !n.HasTag(ankinote.RetiredTag) || cardsOf[n.ID] != 1 {
				t.Errorf("%s: retired note %s: tags %q, %d cards; want %s and 1 card", a.Target, n, n.Tags, cardsOf[n.ID], ankinote.RetiredTag)
			}
		} else {
			t.Errorf("%s: note %s is neither a card of the set nor a retired one", a.Target, n)
		}
	}

	// Note types: cardgen's, with their frozen names and field lists.
	nts, err := col.Notetypes()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]ankitest.Notetype{}
	for _, nt := range nts {
		byID[nt.ID] = nt
	}
	used := map[cards.Type]bool{}
	for _, c := range in.deck.Cards {
		used[c.Type] = true
	}
	for _, r := range in.retired {
		used[cards.Type(r.Type)] = true
	}
	for kind := range used {
		want := ankinote.For(conf, kind)
		got, ok := byID[want.ID]
		if !ok {
			t.Errorf("%s: note type %q (%d) missing", a.Target, want.Name, want.ID)
			continue
		}
		if got.Name != want.Name || !slices.Equal(got.Fields, want.Fields) || got.Cloze != want.Cloze {
			t.Errorf("%s: note type %d is %q %v cloze=%v; want %q %v cloze=%v", a.Target, want.ID, got.Name, got.Fields, got.Cloze, want.Name, want.Fields, want.Cloze)
		}
	}

	// Decks: Default, the deck and a subdeck per topic of the cards it holds.
	wantDecks := map[string]bool{"Default": true, ankinote.RootDeckName(conf): true}
	for _, c := range in.deck.Cards {
		wantDecks[ankinote.DeckName(conf, c.Topic)] = true
	}
	if len(in.retired) > 0 {
		wantDecks[ankinote.RetiredDeckName(conf)] = true
	}
	var wantNames []string
	for n := range wantDecks {
		wantNames = append(wantNames, n)
	}
	sort.Strings(wantNames)
	if got := snap.DeckNames(); !slices.Equal(got, wantNames) {
		t.Errorf("%s: decks %q, want %q", a.Target, got, wantNames)
	}
	deckName := map[int64]string{}
	for _, d := range snap.Decks {
		deckName[d.ID] = d.Name
	}
	noteByID := map[int64]ankitest.Note{}
	for _, n := range snap.Notes {
		noteByID[n.ID] = n
	}
	for _, c := range snap.Cards {
		n := noteByID[c.Nid]
		want := ankinote.RetiredDeckName(conf)
		if cc, ok := in.byGUID[n.GUID]; ok {
			want = ankinote.DeckName(conf, cc.Topic)
		}
		if deckName[c.Did] != want {
			t.Errorf("%s: card %d of note %s is in deck %q, want %q", a.Target, c.ID, n, deckName[c.Did], want)
		}
		if c.Type != 0 || c.Queue != 0 {
			t.Errorf("%s: card %d of note %s arrives with type %d queue %d, want new", a.Target, c.ID, n, c.Type, c.Queue)
		}
	}

	// Media: every file of the package, each used by a note.
	media, err := col.Media()
	if err != nil {
		t.Fatal(err)
	}
	if want := packageMedia(t, a.Path); !slices.Equal(media, want) {
		t.Errorf("%s: media %q, package has %q", a.Target, media, want)
	}
	mc, err := col.CheckMedia()
	if err != nil {
		t.Fatal(err)
	}
	if len(mc.Missing)+len(mc.Unused) > 0 {
		t.Errorf("%s: Check Media: missing %q, unused %q", a.Target, mc.Missing, mc.Unused)
	}

	// Anki's "Check Database" finds nothing to fix.
	integ, err := col.FixIntegrity()
	if err != nil {
		t.Fatal(err)
	}
	if !integ.OK {
		t.Errorf("%s: Check Database found problems:\n%s", a.Target, integ.Report)
	}
	return snap
}

var (
	imgSrcRE   = regexp.MustCompile(`<img[^>]*\ssrc="([^"]*)"`)
	htmlTagRE  = regexp.MustCompile(`<[^>]*>`)
	styleRE    = regexp.MustCompile(`(?s)<style>.*?</style>`)
	dollarMath = regexp.MustCompile(`\$[^$\s][^$]*\$`)
)

// checkRendered renders every card with Anki's own template renderer.
func checkRendered(t *testing.T, col *ankitest.Collection, snap *ankitest.Snapshot, target string) (cards, cloze int) {
	t.Helper()
	rendered, err := col.Render()
	if err != nil {
		t.Fatal(err)
	}
	media, err := col.Media()
	if err != nil {
		t.Fatal(err)
	}
	noteOf := map[int64]ankitest.Note{}
	for _, n := range snap.Notes {
		noteOf[n.ID] = n
	}
	nidOf := map[int64]int64{}
	for _, c := range snap.Cards {
		nidOf[c.ID] = c.Nid
	}
	nts, err := col.Notetypes()
	if err != nil {
		t.Fatal(err)
	}
	isCloze := map[int64]bool{}
	for _, nt := range nts {
		isCloze[nt.ID] = nt.Cloze
	}
	for _, r := range rendered {
		n := noteOf[nidOf[r.ID]]
		for side, html := range map[string]string{"front": r.Question, "back": r.Answer} {
			if strings.Contains(html, "{{") {
				t.Errorf("%s: card %d of %s: unreplaced {{ on the %s:\n%s", target, r.ID, n, side, html)
			}
			if strings.Count(html, `\(`) != strings.Count(html, `\)`) || strings.Count(html, `\[`) != strings.Count(html, `\]`) {
				t.Errorf("%s: card %d of %s: unbalanced math delimiters on the %s", target, r.ID, n, side)
			}
			text := htmlTagRE.ReplaceAllString(styleRE.ReplaceAllString(html, ""), "")
			if m := dollarMath.FindString(text); m != "" && !strings.Contains(text, "$$") {
				t.Errorf("%s: card %d of %s: math %q left in $ delimiters MathJax in Anki does not read", target, r.ID, n, m)
			}
			for _, m := range imgSrcRE.FindAllStringSubmatch(html, -1) {
				if !slices.Contains(media, m[1]) {
					t.Errorf("%s: card %d of %s: <img src=%q> names no media file of the collection", target, r.ID, n, m[1])
				}
			}
		}
		front := strings.TrimSpace(htmlTagRE.ReplaceAllString(styleRE.ReplaceAllString(r.Question, ""), ""))
		if front == "" {
			t.Errorf("%s: card %d of %s: empty front", target, r.ID, n)
		}
		if isCloze[n.Mid] {
			cloze++
			if !strings.Contains(r.Question, "[...]") {
				t.Errorf("%s: cloze card %d of %s: front shows no [...]:\n%s", target, r.ID, n, r.Question)
			}
		}
		// Math written as $…$ in the set reaches Anki as \(…\) or \[…\].
		if strings.Contains(strings.Join(n.Fields, ""), `\(`) && !strings.Contains(r.Question+r.Answer, `\(`) {
			t.Errorf("%s: card %d of %s: inline math lost in rendering", target, r.ID, n)
		}
	}
	if len(rendered) != len(snap.Cards) {
		t.Errorf("%s: rendered %d cards of %d", target, len(rendered), len(snap.Cards))
	}
	return len(rendered), cloze
}

// Checks 1 and 2: every package imports as intended and every card renders.
func TestAnkiImportAndRender(t *testing.T) {
	for _, d := range ankiDecks(t) {
		t.Run(d.name, func(t *testing.T) {
			var full *ankitest.Collection
			for _, a := range d.packages() {
				col, log := importFresh(t, a.Path)
				snap := checkImported(t, col, d.cfg, a, log)
				n, cloze := checkRendered(t, col, snap, a.Target)
				t.Logf("Anki %s, %s %s: %d notes, %d cards (%d cloze) rendered, %d decks; %s",
					col.Version, d.name, filepath.Base(a.Path), len(snap.Notes), n, cloze, len(snap.Decks), log.Counts())
				if a.Target == "all" {
					full = col
				}
			}
			// A per-topic package into a collection that holds the full deck: nothing new.
			for _, a := range d.packages() {
				if a.Target == "all" {
					continue
				}
				before, err := full.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				log, err := full.ImportPackage(a.Path, ankitest.ImportOptions{})
				if err != nil {
					t.Fatal(err)
				}
				after, err := full.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				if len(log.New)+len(log.Updated)+len(log.Lost()) != 0 {
					t.Errorf("%s into the full deck: %s", a.Target, log.Counts())
				}
				if problems := ankitest.CheckUpdate(before, after, ankitest.UpdateWant{}); len(problems) > 0 {
					t.Errorf("%s into the full deck:\n%s", a.Target, strings.Join(problems, "\n"))
				}
				t.Logf("%s %s into the full deck: %s", d.name, filepath.Base(a.Path), log.Counts())
			}
		})
	}
}

// Export round trip: Anki's own exporter (current and legacy layout) writes
// the imported deck, and a fresh collection importing that file holds the
// same notes and media.
func TestAnkiExportRoundTrip(t *testing.T) {
	for _, d := range ankiDecks(t) {
		t.Run(d.name, func(t *testing.T) {
			col, _ := importFresh(t, d.full(t))
			orig, err := col.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			origMedia, err := col.Media()
			if err != nil {
				t.Fatal(err)
			}
			for _, legacy := range []bool{false, true} {
				out := filepath.Join(t.TempDir(), "exported.apkg")
				n, err := col.ExportPackage(out, ankitest.ExportOptions{Legacy: legacy})
				if err != nil {
					t.Fatalf("Anki's export (legacy %v): %v", legacy, err)
				}
				if n != len(orig.Notes) {
					t.Errorf("legacy %v: exported %d notes of %d", legacy, n, len(orig.Notes))
				}
				checkLayout(t, out, legacy)
				again, log := importFresh(t, out)
				snap, err := again.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				if len(log.New) != len(orig.Notes) {
					t.Errorf("legacy %v: re-import %s", legacy, log.Counts())
				}
				want := orig.NoteByGUID()
				for _, n := range snap.Notes {
					o, ok := want[n.GUID]
					if !ok || o.Mid != n.Mid || o.Mod != n.Mod || !slices.Equal(o.Fields, n.Fields) || !slices.Equal(o.Tags, n.Tags) {
						t.Errorf("legacy %v: re-imported note %s differs from %s", legacy, n, o)
					}
				}
				if len(snap.Notes) != len(orig.Notes) || len(snap.Cards) != len(orig.Cards) {
					t.Errorf("legacy %v: %d notes %d cards, want %d and %d", legacy, len(snap.Notes), len(snap.Cards), len(orig.Notes), len(orig.Cards))
				}
				if media, err := again.Media(); err != nil || !slices.Equal(media, origMedia) {
					t.Errorf("legacy %v: media %q, want %q (%v)", legacy, media, origMedia, err)
				}
				t.Logf("Anki %s export (legacy %v) of %s re-imports: %d notes, %d cards, %d media",
					col.Version, legacy, d.name, len(snap.Notes), len(snap.Cards), len(origMedia))
			}
		})
	}
}

// checkLayout confirms which layout Anki wrote: the current one has meta and
// collection.anki21b, the legacy one collection.anki21.
func checkLayout(t *testing.T, path string, legacy bool) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	if legacy && !names["collection.anki21"] || !legacy && !(names["collection.anki21b"] && names["meta"]) {
		keys := make([]string, 0, len(names))
		for k := range names {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		t.Errorf("Anki's export (legacy %v) has entries %q", legacy, keys)
	}
}

// A corrupt package gets Anki's own message, not a crash of the driver.
func TestAnkiRefusesCorruptPackage(t *testing.T) {
	ankitest.Python(t)
	bad := filepath.Join(t.TempDir(), "corrupt.apkg")
	if err := os.WriteFile(bad, []byte("PK\x03\x04 not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	col := ankitest.Open(t)
	_, err := col.ImportPackage(bad, ankitest.ImportOptions{})
	var ae *ankitest.Error
	if !asAnkiError(err, &ae) {
		t.Fatalf("corrupt package: %v, want Anki's error", err)
	}
	t.Logf("Anki %s on a corrupt package: %s", col.Version, ae.Message)
}

func asAnkiError(err error, target **ankitest.Error) bool {
	e, ok := err.(*ankitest.Error)
	if ok {
		*target = e
	}
	return ok && e.Message != ""
}
