package apkg_test

// Real Anki (internal/ankitest) judges every package cardgen builds: the
// shipped deck and the fixture deck of helpers_test.go (every note type,
// media, math, code, tags, subdecks) import, render, update in place and
// survive Anki's own export.

import (
	"archive/zip"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/internal/ankitest"
	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/cardgen/cardgen/lock"
)

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
		in.byGUID[ankinote.GUID(d.Config.Deck.Namespace, c)] = c
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

	// New cards come due in set order, so a fresh import studies in that order.
	byDue := slices.Clone(snap.Cards)
	sort.SliceStable(byDue, func(i, j int) bool {
		if byDue[i].Due != byDue[j].Due {
			return byDue[i].Due < byDue[j].Due
		}
		return byDue[i].Ord < byDue[j].Ord
	})
	var studied, setOrder []string
	for _, c := range byDue {
		n := noteByID[c.Nid]
		if cc, ok := in.byGUID[n.GUID]; ok && !slices.Contains(studied, cc.ID) {
			studied = append(studied, cc.ID)
		}
	}
	for _, c := range in.deck.Cards {
		setOrder = append(setOrder, c.ID)
	}
	if !slices.Equal(studied, setOrder) {
		t.Errorf("%s: new cards come due in the order\n%q\nnot the set's\n%q", a.Target, studied, setOrder)
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

// Checks 1 and 2: every package imports as intended and every card renders.
func TestAnkiImportAndRender(t *testing.T) {
	for _, d := range ankiDecks(t) {
		t.Run(d.name, func(t *testing.T) {
			var full *ankitest.Collection
			for _, a := range d.packages() {
				col, log := importFresh(t, a.Path)
				snap := checkImported(t, col, d.cfg, a, log)
				rep, err := col.CheckRendering()
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range rep.Problems {
					t.Errorf("%s: %s", a.Target, p)
				}
				n, cloze := rep.Cards, rep.Cloze
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

// cardBlock finds the [[cards]] block of card id among the topic files of the
// deck: the file, the text before it, the block and the text after it.
func cardBlock(t *testing.T, cfg, id string) (file, pre, block, post string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(filepath.Dir(cfg), "cards", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	idLine := regexp.MustCompile(`(?m)^id = "` + regexp.QuoteMeta(id) + `"$`)
	for _, f := range files {
		s := string(readFile(t, f))
		loc := idLine.FindStringIndex(s)
		if loc == nil {
			continue
		}
		start := strings.LastIndex(s[:loc[0]], "[[cards]]")
		end := strings.Index(s[loc[1]:], "\n[[cards]]")
		if end < 0 {
			end = len(s)
		} else {
			end += loc[1] + 1
		}
		return f, s[:start], s[start:end], s[end:]
	}
	t.Fatalf("card %q not found in %s", id, filepath.Dir(cfg))
	return
}

// updateEdits are the changes between two builds of the update test.
type updateEdits struct {
	edit, retire, move string // card ids
	moveTo             string // topic file the moved card goes to
	add                string // a [[cards]] block appended to addTo
	addTo              string
}

// apply edits the deck at cfg: one answer edited, one card removed, one card
// moved to another topic file, one card added.
func (e updateEdits) apply(t *testing.T, cfg string) {
	t.Helper()
	f, pre, block, post := cardBlock(t, cfg, e.edit)
	i := strings.Index(block, "\nanswer = ")
	if i < 0 {
		t.Fatalf("card %q has no answer line", e.edit)
	}
	i += len("\nanswer = ")
	for _, q := range []string{"'''", `"""`, "'", `"`} {
		if strings.HasPrefix(block[i:], q) {
			i += len(q)
			break
		}
	}
	writeFile(t, f, pre+block[:i]+"补充:重新导入时这一句是新的。"+block[i:]+post)

	f, pre, _, post = cardBlock(t, cfg, e.retire)
	writeFile(t, f, pre+post)

	f, pre, block, post = cardBlock(t, cfg, e.move)
	writeFile(t, f, pre+post)
	dir := filepath.Join(filepath.Dir(cfg), "cards")
	to := filepath.Join(dir, e.moveTo)
	writeFile(t, to, strings.TrimRight(string(readFile(t, to)), "\n")+"\n\n"+strings.TrimRight(block, "\n")+"\n")

	add := filepath.Join(dir, e.addTo)
	writeFile(t, add, strings.TrimRight(string(readFile(t, add)), "\n")+"\n\n"+e.add+"\n")
}

// editsFor picks the cards the update test changes: fixed ones in the
// fixture deck; in the shipped deck, the first three cards of one topic only,
// moved to another topic's file.
func editsFor(t *testing.T, d ankiDeck) updateEdits {
	t.Helper()
	if d.name == "fixture" {
		return updateEdits{
			edit: "roi-align", retire: "nms", move: "iou-definition", moveTo: "segmentation.toml",
			addTo: "segmentation.toml",
			add:   "[[cards]]\nid = \"dice-cloze\"\ntype = \"cloze\"\nquestion = \"Dice 系数等于 {{c1::$\\\\frac{2|A \\\\cap B|}{|A|+|B|}$}},与 IoU {{c2::单调相关}}。\"\n",
		}
	}
	deck := loadDeck(t, d.cfg)
	var picked []*cards.Card
	for _, c := range deck.Cards {
		if len(c.Topics) == 1 {
			picked = append(picked, c)
		}
	}
	if len(picked) < 3 {
		t.Fatalf("the shipped deck has %d single-topic cards, the update test needs 3", len(picked))
	}
	moveTo := ""
	for _, tp := range deck.Config.Topics {
		if tp.ID != picked[2].Topic {
			moveTo = tp.ID + ".toml"
			break
		}
	}
	return updateEdits{
		edit: picked[0].ID, retire: picked[1].ID, move: picked[2].ID, moveTo: moveTo,
		addTo: picked[0].Topic + ".toml",
		add:   "[[cards]]\nid = \"anki-update-test\"\nquestion = \"重新导入时新加的一题?\"\nanswer = \"新的答案,含公式 $a^2+b^2=c^2$。\"\n",
	}
}

// Check 3 and 6: a rebuilt deck updates a learner's collection in place,
// through Anki's current importer and through the older one add-ons call.
func TestAnkiUpdateInPlace(t *testing.T) {
	for _, d := range ankiDecks(t) {
		t.Run(d.name, func(t *testing.T) {
			v1 := filepath.Join(t.TempDir(), "v1.apkg")
			if err := os.WriteFile(v1, readFile(t, d.full(t)), 0o644); err != nil {
				t.Fatal(err)
			}
			e := editsFor(t, d)
			v1Deck := loadDeck(t, d.cfg)
			e.apply(t, d.cfg)
			// v2 is built now, as a maintainer would: a SOURCE_DATE_EPOCH in the
			// future gives notes a future mod, which Anki's Check Database
			// resets to the present, so the next import would update them again
			// (docs/anki.md).
			runBuild(t, d.cfg, 0)
			v2 := distPath(d.cfg, filepath.Base(d.full(t)))
			ns := v1Deck.Config.Deck.Namespace
			guid := func(id string) string { return cards.GUID(ns, id) }
			want := ankitest.UpdateWant{
				Added:   []string{guid("anki-update-test")},
				Updated: []string{guid(e.edit), guid(e.retire), guid(e.move)},
			}
			if d.name == "fixture" {
				want.Added = []string{guid("dice-cloze")}
			}
			for _, legacy := range []bool{false, true} {
				name := "import_anki_package"
				if legacy {
					name = "AnkiPackageImporter"
				}
				t.Run(name, func(t *testing.T) {
					col, _ := importFresh(t, v1)
					answered, err := col.ReviewAll("")
					if err != nil {
						t.Fatal(err)
					}
					before, err := col.Snapshot()
					if err != nil {
						t.Fatal(err)
					}
					if len(answered) != len(before.Cards) || len(before.Revlog) != len(before.Cards) {
						t.Fatalf("answered %d cards, revlog %d, of %d cards", len(answered), len(before.Revlog), len(before.Cards))
					}
					importV2 := func() *ankitest.ImportLog {
						if legacy {
							if err := col.ImportPackageLegacy(v2); err != nil {
								t.Fatal(err)
							}
							return nil
						}
						log, err := col.ImportPackage(v2, ankitest.ImportOptions{})
						if err != nil {
							t.Fatal(err)
						}
						if lost := log.Lost(); len(lost) > 0 {
							t.Fatalf("import v2 lost notes:\n%s", strings.Join(lost, "\n"))
						}
						return log
					}
					log := importV2()
					after, err := col.Snapshot()
					if err != nil {
						t.Fatal(err)
					}
					if problems := ankitest.CheckUpdate(before, after, want); len(problems) > 0 {
						t.Errorf("import v2 breaks the update contract:\n%s", strings.Join(problems, "\n"))
					}
					if log != nil && (len(log.New) != len(want.Added) || len(log.Updated) != len(want.Updated)) {
						t.Errorf("import v2: %s; want %d new, %d updated", log.Counts(), len(want.Added), len(want.Updated))
					}
					checkUpdatedNotes(t, before, after, e, ns)
					if integ, err := col.FixIntegrity(); err != nil {
						t.Errorf("Check Database after the update: %v", err)
					} else if !integ.OK && !(legacy && onlyLastReviewTime(integ.Report)) {
						t.Errorf("Check Database after the update: %+v", integ)
					} else if !integ.OK {
						// Seen at times with Anki 26.9.3's older importer (scheduling
						// on): some reviewed cards lose their last-review time, which
						// Check Database rebuilds from the review log. Reviews,
						// intervals and due dates are compared above and are intact.
						t.Logf("Check Database after the older importer: %s", integ.Report)
					}

					// The same package again changes nothing.
					log2 := importV2()
					if log2 != nil && len(log2.New)+len(log2.Updated) != 0 {
						t.Errorf("import v2 again: %s; want nothing new or updated", log2.Counts())
					}
					again, err := col.Snapshot()
					if err != nil {
						t.Fatal(err)
					}
					if problems := ankitest.CheckUpdate(after, again, ankitest.UpdateWant{}); len(problems) > 0 {
						t.Errorf("importing v2 twice changed the collection:\n%s", strings.Join(problems, "\n"))
					}
					kept := 0
					revs := map[ankitest.Review]bool{}
					for _, r := range again.Revlog {
						revs[r] = true
					}
					for _, r := range before.Revlog {
						if revs[r] {
							kept++
						}
					}
					msg := "no log (the legacy importer reports none)"
					if log != nil {
						msg = "v2: " + log.Counts() + "; again: " + log2.Counts()
					}
					t.Logf("Anki %s, %s, %s: %d notes / %d cards reviewed, then %d notes / %d cards; %d of %d reviews kept; %s",
						col.Version, d.name, name, len(before.Notes), len(before.Cards), len(again.Notes), len(again.Cards), kept, len(before.Revlog), msg)
				})
			}
		})
	}
}

// checkUpdatedNotes checks the updated notes hold what docs/anki.md says.
func checkUpdatedNotes(t *testing.T, before, after *ankitest.Snapshot, e updateEdits, ns string) {
	t.Helper()
	now := after.NoteByGUID()
	old := before.NoteByGUID()
	edited := now[cards.GUID(ns, e.edit)]
	if !strings.Contains(strings.Join(edited.Fields, ""), "补充:重新导入时这一句是新的。") {
		t.Errorf("edited note %s lacks its new text", edited)
	}
	retired := now[cards.GUID(ns, e.retire)]
	if !retired.HasTag(ankinote.RetiredTag) || !strings.Contains(strings.Join(retired.Fields, ""), "retired") {
		t.Errorf("retired note %s: tags %q fields %q; want the %s tag and the retired banner", retired, retired.Tags, retired.Fields, ankinote.RetiredTag)
	}
	// Anki creates the retired subdeck the package names, but puts no card there.
	var retiredDeck int64
	for _, d := range after.Decks {
		if strings.HasSuffix(d.Name, "::已删除 (retired)") {
			retiredDeck = d.ID
		}
	}
	if retiredDeck == 0 {
		t.Errorf("no retired subdeck after the update; decks %q (docs/anki.md says Anki creates it)", after.DeckNames())
	}
	for _, c := range after.Cards {
		if c.Did == retiredDeck {
			t.Errorf("card %d of note %d is in the retired subdeck of a learner who had the note", c.ID, c.Nid)
		}
	}
	moved := now[cards.GUID(ns, e.move)]
	if slices.Equal(moved.Tags, old[moved.GUID].Tags) {
		t.Errorf("moved note %s kept its topic tags %q", moved, moved.Tags)
	}
	// No old note gains or loses a card (the retired one keeps its cards, and
	// gets no new one in the retired deck).
	count := func(s *ankitest.Snapshot) map[int64]int {
		m := map[int64]int{}
		for _, c := range s.Cards {
			m[c.Nid]++
		}
		return m
	}
	cb, ca := count(before), count(after)
	for nid, n := range cb {
		if ca[nid] != n {
			t.Errorf("note %d had %d cards, now %d", nid, n, ca[nid])
		}
	}
}

// The update check catches a broken build: when a note's GUID changes
// between builds, the note arrives a second time, and the report names it.
func TestAnkiUpdateCheckCatchesChangedGUID(t *testing.T) {
	ankitest.Python(t)
	cfg := writeDeck(t)
	runBuild(t, cfg, t1)
	v1 := distPath(cfg, "cv-test.apkg")
	broken := filepath.Join(t.TempDir(), "v2-broken.apkg")
	rewriteGUID(t, v1, broken, "nms", "brokenGUID1")

	col, _ := importFresh(t, v1)
	if _, err := col.ReviewAll(""); err != nil {
		t.Fatal(err)
	}
	before, err := col.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := col.ImportPackage(broken, ankitest.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	after, err := col.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	report := strings.Join(ankitest.CheckUpdate(before, after, ankitest.UpdateWant{}), "\n")
	for _, want := range []string{`duplicated note "nms"`, "guid brokenGUID1", `unexpected new note "nms" (guid brokenGUID1`} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	t.Logf("the update check on a package with a changed GUID:\n%s", report)
}

// rewriteGUID copies the package at src to dst with the GUID of the note of
// card id changed, as a build that broke GUID stability would write it.
func rewriteGUID(t *testing.T, src, dst, id, guid string) {
	t.Helper()
	p := openPackage(t, src)
	dbPath := filepath.Join(t.TempDir(), "collection.anki2")
	if err := os.WriteFile(dbPath, p.entries["collection.anki2"], 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec("UPDATE notes SET guid = ? WHERE substr(flds, 1, ?) = ?", guid, len(id)+1, id+"\x1f")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("no note of card %q in %s", id, src)
	}
	db.Close()
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, name := range p.names {
		data := p.entries[name]
		if name == "collection.anki2" {
			data = readFile(t, dbPath)
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// Why cardgen refuses a SOURCE_DATE_EPOCH in the future: Anki's Check
// Database resets a note's future mod to the present, and the package then
// looks newer than the learner's note on every later import.
func TestAnkiCheckDatabaseResetsFutureNoteTimes(t *testing.T) {
	ankitest.Python(t)
	cfg := writeDeck(t)
	future := time.Now().Add(365 * 24 * time.Hour).Unix()
	runBuild(t, cfg, future)
	pkg := distPath(cfg, "cv-test.apkg")
	col, _ := importFresh(t, pkg)
	if _, err := col.FixIntegrity(); err != nil {
		t.Fatal(err)
	}
	notes, err := col.Notes()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notes {
		if n.Mod >= future {
			t.Errorf("note %s kept its future mod %d after Check Database", n, n.Mod)
		}
	}
	log, err := col.ImportPackage(pkg, ankitest.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Updated) != len(notes) {
		t.Errorf("re-import after Check Database: %s; want every note updated again", log.Counts())
	}
	t.Logf("Anki %s: a package from the future, after Check Database, re-imports as %s", col.Version, log.Counts())
}

// A new cloze number on a note the learner has gives a new card on
// re-import, and the note's old cards keep their history (docs/anki.md).
func TestAnkiNewClozeGetsItsCard(t *testing.T) {
	ankitest.Python(t)
	cfg := writeDeck(t)
	runBuild(t, cfg, t1)
	v1 := filepath.Join(t.TempDir(), "v1.apkg")
	if err := os.WriteFile(v1, readFile(t, distPath(cfg, "cv-test.apkg")), 0o644); err != nil {
		t.Fatal(err)
	}
	editFile(t, filepath.Join(filepath.Dir(cfg), "cards", "segmentation.toml"), "的 {{c2::平均值}}。", "的 {{c2::平均值}},越{{c3::大}}越好。")
	runBuild(t, cfg, t2)

	col, _ := importFresh(t, v1)
	if _, err := col.ReviewAll(""); err != nil {
		t.Fatal(err)
	}
	before, err := col.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	log, err := col.ImportPackage(distPath(cfg, "cv-test.apkg"), ankitest.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	after, err := col.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	guid := cards.GUID("cv-test", "miou-cloze")
	if p := ankitest.CheckUpdate(before, after, ankitest.UpdateWant{Updated: []string{guid}}); len(p) > 0 {
		t.Errorf("%s:\n%s", log.Counts(), strings.Join(p, "\n"))
	}
	nid := after.NoteByGUID()[guid].ID
	var ords []int
	for _, c := range after.Cards {
		if c.Nid == nid {
			ords = append(ords, c.Ord)
		}
	}
	sort.Ints(ords)
	if !slices.Equal(ords, []int{0, 1, 2}) {
		t.Errorf("cloze note has cards %v after the update, want ords [0 1 2]", ords)
	}
}

// The changes docs/anki.md warns about break learners as it says: a card
// whose type changes is reported as conflicting and not updated, and a
// changed namespace makes every note arrive a second time.
func TestAnkiWhatBreaksLearners(t *testing.T) {
	ankitest.Python(t)
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, cfg string)
	}{
		{"card type", func(t *testing.T, cfg string) {
			editFile(t, filepath.Join(filepath.Dir(cfg), "cards", "detection.toml"), "id = \"nms\"\n", "id = \"nms\"\ntype = \"reversed\"\n")
		}},
		{"namespace", func(t *testing.T, cfg string) {
			editFile(t, cfg, `namespace = "cv-test"`, `namespace = "cv-test-2"`)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := writeDeck(t)
			runBuild(t, cfg, t1)
			col, _ := importFresh(t, distPath(cfg, "cv-test.apkg"))
			before, err := col.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(t, cfg)
			runBuild(t, cfg, t2)
			log, err := col.ImportPackage(distPath(cfg, "cv-test.apkg"), ankitest.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			after, err := col.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			report := strings.Join(ankitest.CheckUpdate(before, after, ankitest.UpdateWant{}), "\n")
			switch tc.name {
			case "card type":
				if len(log.Conflicting) != 1 || log.Conflicting[0].Fields[0] != "nms" || len(log.Updated)+len(log.New) != 0 {
					t.Errorf("type change: %s; want nms conflicting and nothing else", log.Counts())
				}
				if report != "" {
					t.Errorf("type change altered the collection:\n%s", report)
				}
			case "namespace":
				if len(log.New) != len(before.Notes) {
					t.Errorf("namespace change: %s; want every note new", log.Counts())
				}
				for _, id := range []string{"roi-align", "nms", "miou-cloze"} {
					if !strings.Contains(report, "duplicated note \""+id+"\"") {
						t.Errorf("namespace change: report does not name %q:\n%s", id, report)
					}
				}
			}
			t.Logf("Anki %s, %s changed: %s", col.Version, tc.name, log.Counts())
		})
	}
}

// onlyLastReviewTime reports whether a Check Database report says nothing
// but that it restored cards' last-review times (and rebuilt the database).
func onlyLastReviewTime(report string) bool {
	seen := false
	for _, line := range strings.Split(strings.TrimSpace(report), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "Added last review time to"):
			seen = true
		case line == "Database rebuilt and optimized.", line == "":
		default:
			return false
		}
	}
	return seen
}

func TestOnlyLastReviewTime(t *testing.T) {
	for report, want := range map[string]bool{
		"Added last review time to \u20683\u2069 cards.\nDatabase rebuilt and optimized.": true,
		"Database rebuilt and optimized.":                                                 false,
		"Added last review time to 3 cards.\nFixed 2 cards with invalid properties.":      false,
	} {
		if got := onlyLastReviewTime(report); got != want {
			t.Errorf("onlyLastReviewTime(%q) = %v, want %v", report, got, want)
		}
	}
}
