package apkg_test

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"encoding/json"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/exporters/apkg"
	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/lock"
	"github.com/google/go-cmp/cmp"
)

const (
	t1 = int64(1780000000)
	t2 = int64(1780100000)
	t3 = int64(1780200000)
)

// Anki's stripHTMLMedia as a chain of regular expressions (anki-format.md
// §2.3, from 2.1.15 utils.py): the oracle for csum and sfld.
var (
	reMedia   = regexp.MustCompile(`(?i)<img[^>]+src=["']?([^"'>]+)["']?[^>]*>`)
	reComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	reStyle   = regexp.MustCompile(`(?si)<style.*?>.*?</style>`)
	reScript  = regexp.MustCompile(`(?si)<script.*?>.*?</script>`)
	reTag     = regexp.MustCompile(`(?s)<.*?>`)
)

func ankiStrip(s string) string {
	s = reMedia.ReplaceAllString(s, " $1 ")
	s = reComment.ReplaceAllString(s, "")
	s = reStyle.ReplaceAllString(s, "")
	s = reScript.ReplaceAllString(s, "")
	s = reTag.ReplaceAllString(s, "")
	s = html.UnescapeString(strings.ReplaceAll(s, "&nbsp;", " "))
	return strings.ReplaceAll(s, "\u00a0", " ")
}

func ankiCsum(first string) int64 {
	sum := sha1.Sum([]byte(ankiStrip(first)))
	return int64(binary.BigEndian.Uint32(sum[:4]))
}

func loadDeck(t *testing.T, cfg string) *cards.Deck {
	t.Helper()
	d, ds := cards.Load(cfg)
	if d == nil {
		t.Fatalf("load: %v", ds)
	}
	return d
}

func TestPackageStructure(t *testing.T) {
	cfg := writeDeck(t)
	runBuild(t, cfg, t1)
	deck := loadDeck(t, cfg)
	p := openPackage(t, distPath(cfg, "cv-test.apkg"))

	// Legacy layout: collection.anki2, media, numbered media; nothing else (§1.1).
	if d := cmp.Diff([]string{"collection.anki2", "media", "0"}, p.names); d != "" {
		t.Errorf("zip entries (-want +got):\n%s", d)
	}
	var media map[string]string
	if err := json.Unmarshal(p.entries["media"], &media); err != nil {
		t.Fatalf("media map: %v", err)
	}
	if len(media) != 1 || !regexp.MustCompile(`^cv-test-[0-9a-f]{16}\.png$`).MatchString(media["0"]) {
		t.Fatalf("media map = %v, want one content-hashed png", media)
	}
	orig := readFile(t, filepath.Join(filepath.Dir(cfg), "cards", "media", "roi.png"))
	if !bytes.Equal(p.entries["0"], orig) {
		t.Error("media entry 0 differs from cards/media/roi.png")
	}

	// Schema 11: exactly Anki's tables and indexes.
	var schema []string
	for _, r := range p.query(t, "SELECT type || ' ' || name FROM sqlite_master ORDER BY type, name") {
		schema = append(schema, r[0].(string))
	}
	wantSchema := []string{
		"index ix_cards_nid", "index ix_cards_sched", "index ix_cards_usn", "index ix_notes_csum",
		"index ix_notes_usn", "index ix_revlog_cid", "index ix_revlog_usn",
		"table cards", "table col", "table graves", "table notes", "table revlog",
	}
	if d := cmp.Diff(wantSchema, schema); d != "" {
		t.Errorf("schema (-want +got):\n%s", d)
	}
	col := p.query(t, "SELECT count(*), ver, crt, mod, scm, dty, usn, ls, tags FROM col")[0]
	if d := cmp.Diff([]any{int64(1), int64(11), int64(1700000000), t1 * 1000, t1 * 1000, int64(0), int64(0), int64(0), "{}"}, col); d != "" {
		t.Errorf("col row (-want +got):\n%s", d)
	}
	if n := p.query(t, "SELECT (SELECT count(*) FROM revlog) + (SELECT count(*) FROM graves)")[0][0]; n != int64(0) {
		t.Errorf("revlog and graves have %v rows", n)
	}
	var journal string
	if err := p.db.QueryRow("PRAGMA journal_mode").Scan(&journal); err != nil || journal != "delete" {
		t.Errorf("journal_mode = %q (%v), want delete", journal, err)
	}

	models := p.colJSON(t, "models")
	decks := p.colJSON(t, "decks")
	dconf := p.colJSON(t, "dconf")
	checkModels(t, deck, models)
	checkDecks(t, deck, decks)
	checkKeys(t, "dconf 1", dconf["1"], dconfKeys)
	for _, k := range []string{"new", "rev", "lapse"} {
		sub, _ := dconf["1"][k].(map[string]any)
		checkKeys(t, "dconf 1 "+k, sub, dconfSubKeys[k])
	}
	var conf map[string]any
	var confText string
	p.db.QueryRow("SELECT conf FROM col").Scan(&confText)
	if err := json.Unmarshal([]byte(confText), &conf); err != nil {
		t.Fatalf("col.conf: %v", err)
	}
	if _, ok := models[conf["curModel"].(string)]; !ok {
		t.Errorf("conf curModel %v is not a model", conf["curModel"])
	}

	// One note per card, identified by the namespace and the card id.
	notes := p.notes(t)
	if len(notes) != len(deck.Cards) {
		t.Fatalf("%d notes, want %d (one per card)", len(notes), len(deck.Cards))
	}
	pos := map[int64]int{} // note id -> position in set order
	for i, c := range deck.Cards {
		guid := cards.GUID("cv-test", c.ID)
		n, ok := notes[guid]
		if !ok {
			t.Fatalf("no note with guid %s for card %s", guid, c.ID)
		}
		pos[n.ID] = i + 1
		nt := ankinote.For(deck.Config, c.Type)
		flds := strings.Split(n.Flds, "\x1f")
		if n.Mid != nt.ID {
			t.Errorf("%s: mid %d, want %d", c.ID, n.Mid, nt.ID)
		}
		model := models[jsonID(n.Mid)]
		if len(flds) != len(model["flds"].([]any)) {
			t.Errorf("%s: %d fields, note type has %d", c.ID, len(flds), len(model["flds"].([]any)))
		}
		if flds[0] != c.ID {
			t.Errorf("%s: first field %q, want the card id", c.ID, flds[0])
		}
		if n.Mod != t1 || n.Usn != -1 {
			t.Errorf("%s: mod %d usn %d, want %d and -1", c.ID, n.Mod, n.Usn, t1)
		}
		if want := ankiCsum(flds[0]); n.Csum != want {
			t.Errorf("%s: csum %d, Anki computes %d", c.ID, n.Csum, want)
		}
		sortf := int(model["sortf"].(float64))
		if want := ankiStrip(flds[sortf]); n.Sfld != want {
			t.Errorf("%s: sfld %q, Anki computes %q", c.ID, n.Sfld, want)
		}
		if n.ID < 1_000_000_000_000 || n.ID > time.Now().UnixMilli() {
			t.Errorf("%s: note id %d is not a past millisecond time", c.ID, n.ID)
		}
		checkTags(t, c, n.Tags)
		for _, f := range flds {
			if strings.Contains(f, "$") || strings.Contains(f, "media/roi.png") {
				t.Errorf("%s: field keeps $ math or an unpackaged image path: %q", c.ID, f)
			}
		}
	}

	// Cards: new, in set order, in decks that exist; reversed has 2, cloze one per number.
	want := map[string][]int64{"roi-align": {0}, "iou-definition": {0, 1}, "nms": {0}, "miou-cloze": {0, 1}, "mask-rcnn-head": {0}}
	got := map[string][]int64{}
	byNid := map[int64]noteRow{}
	for _, n := range notes {
		byNid[n.ID] = n
	}
	for _, c := range p.cards(t) {
		n := byNid[c.Nid]
		id := strings.Split(n.Flds, "\x1f")[0]
		got[id] = append(got[id], c.Ord)
		if c.ID != c.Nid+c.Ord {
			t.Errorf("%s: card id %d, want nid+ord", id, c.ID)
		}
		if c.Type != 0 || c.Queue != 0 || c.Sched != 0 || c.Mod != n.Mod {
			t.Errorf("%s ord %d: not a new card with zeroed scheduling: %+v", id, c.Ord, c)
		}
		if c.Due != int64(pos[c.Nid]) {
			t.Errorf("%s: due %d, want position %d in set order", id, c.Due, pos[c.Nid])
		}
		if _, ok := decks[jsonID(c.Did)]; !ok {
			t.Errorf("%s: deck %d is not in col.decks", id, c.Did)
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("card ords (-want +got):\n%s", d)
	}

	// Field content: math delimiters, highlighted code, the packaged image.
	roi := strings.Split(notes[cards.GUID("cv-test", "roi-align")].Flds, "\x1f")
	for _, want := range []string{`\(f(x, y)\)`, `\[y = \sum_i w_i x_i\]`, `<pre class="hl-chroma">`, `<img src="` + media["0"] + `"`, `hl-o">&amp;</span>`} {
		if !strings.Contains(roi[2], want) {
			t.Errorf("roi-align answer lacks %q:\n%s", want, roi[2])
		}
	}
	if roi[3] == "" || roi[4] != "Q1" {
		t.Errorf("roi-align extra %q source %q", roi[3], roi[4])
	}
	cloze := strings.Split(notes[cards.GUID("cv-test", "miou-cloze")].Flds, "\x1f")
	if !strings.Contains(cloze[1], "{{c1::IoU}}") || !strings.Contains(cloze[1], "{{c2::平均值}}") {
		t.Errorf("cloze text lost its deletions: %q", cloze[1])
	}
}

func jsonID(id int64) string { return strings.TrimSpace(string(must(json.Marshal(id)))) }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Keys Anki itself writes (§2.4, modern schema11 structs and 2.1.15 defaults).
var (
	modelKeys    = []string{"id", "name", "type", "mod", "usn", "sortf", "did", "tmpls", "flds", "css", "latexPre", "latexPost", "latexsvg", "req", "tags", "vers"}
	fieldKeys    = []string{"name", "ord", "sticky", "rtl", "font", "size", "description", "plainText", "collapsed", "excludeFromSearch", "id", "tag", "preventDeletion", "media"}
	tmplKeys     = []string{"name", "ord", "qfmt", "afmt", "bqfmt", "bafmt", "did", "bfont", "bsize", "id"}
	deckKeys     = []string{"id", "mod", "name", "usn", "lrnToday", "revToday", "newToday", "timeToday", "collapsed", "browserCollapsed", "desc", "dyn", "conf", "extendNew", "extendRev", "reviewLimit", "newLimit", "reviewLimitToday", "newLimitToday"}
	dconfKeys    = []string{"id", "mod", "name", "usn", "maxTaken", "autoplay", "timer", "replayq", "new", "rev", "lapse", "dyn", "newMix", "newPerDayMinimum", "interdayLearningMix", "reviewOrder", "newSortOrder", "newGatherPriority", "buryInterdayLearning", "fsrsWeights", "desiredRetention", "stopTimerOnAnswer", "secondsToShowQuestion", "secondsToShowAnswer", "answerAction", "rescheduleFsrsCards", "sm2Retention"}
	dconfSubKeys = map[string][]string{
		"new":   {"bury", "delays", "initialFactor", "ints", "order", "perDay", "separate"},
		"rev":   {"bury", "ease4", "ivlFct", "maxIvl", "perDay", "hardFactor", "fuzz", "minSpace"},
		"lapse": {"delays", "leechAction", "leechFails", "minInt", "mult"},
	}
)

func checkKeys(t *testing.T, what string, obj map[string]any, keys []string) {
	t.Helper()
	if obj == nil {
		t.Errorf("%s: missing", what)
		return
	}
	for _, k := range keys {
		if _, ok := obj[k]; !ok {
			t.Errorf("%s: key %q missing", what, k)
		}
	}
}

func checkModels(t *testing.T, deck *cards.Deck, models map[string]map[string]any) {
	t.Helper()
	names := map[string]bool{}
	for _, nt := range ankinote.All(deck.Config) {
		m, ok := models[jsonID(nt.ID)]
		if !ok {
			t.Errorf("note type %s (%d) missing", nt.Kind, nt.ID)
			continue
		}
		checkKeys(t, "model "+nt.Name, m, modelKeys)
		if m["id"].(float64) != float64(nt.ID) || m["name"] != nt.Name || m["mod"].(float64) != float64(t1) {
			t.Errorf("model %s: id %v name %v mod %v", nt.Kind, m["id"], m["name"], m["mod"])
		}
		names[m["name"].(string)] = true
		wantType := 0.0
		if nt.Kind == cards.Cloze {
			wantType = 1
		}
		if m["type"] != wantType {
			t.Errorf("model %s: type %v, want %v", nt.Kind, m["type"], wantType)
		}
		flds := m["flds"].([]any)
		var fieldNames []string
		for i, f := range flds {
			fm := f.(map[string]any)
			checkKeys(t, "field of "+nt.Name, fm, fieldKeys)
			fieldNames = append(fieldNames, fm["name"].(string))
			if fm["ord"].(float64) != float64(i) {
				t.Errorf("model %s field %d: ord %v", nt.Kind, i, fm["ord"])
			}
		}
		if d := cmp.Diff(nt.Fields, fieldNames); d != "" {
			t.Errorf("model %s fields (-ankinote +package):\n%s", nt.Kind, d)
		}
		if s := int(m["sortf"].(float64)); s < 0 || s >= len(flds) {
			t.Errorf("model %s: sortf %d out of range", nt.Kind, s)
		}
		tmpls := m["tmpls"].([]any)
		wantTmpls := map[cards.Type]int{cards.Basic: 1, cards.Reversed: 2, cards.Cloze: 1}[nt.Kind]
		if len(tmpls) != wantTmpls {
			t.Errorf("model %s: %d templates, want %d", nt.Kind, len(tmpls), wantTmpls)
		}
		for _, tm := range tmpls {
			checkKeys(t, "template of "+nt.Name, tm.(map[string]any), tmplKeys)
		}
		if req, _ := m["req"].([]any); len(req) != wantTmpls {
			t.Errorf("model %s: req %v", nt.Kind, m["req"])
		}
		css := m["css"].(string)
		for _, want := range []string{".nightMode", "PingFang SC", "Noto Sans CJK SC", ".hl-chroma"} {
			if !strings.Contains(css, want) {
				t.Errorf("model %s: css lacks %q", nt.Kind, want)
			}
		}
	}
	if len(names) != 3 {
		t.Errorf("note type names are not unique: %v", names)
	}
}

func checkDecks(t *testing.T, deck *cards.Deck, decks map[string]map[string]any) {
	t.Helper()
	byName := map[string]string{}
	for id, d := range decks {
		checkKeys(t, "deck "+id, d, deckKeys)
		if jsonID(int64(d["id"].(float64))) != id {
			t.Errorf("deck %s: id %v", id, d["id"])
		}
		byName[d["name"].(string)] = id
	}
	for _, name := range []string{"Default", "CV 面试题", "CV 面试题::目标检测", "CV 面试题::图像分割"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("deck %q missing; decks: %v", name, byName)
		}
	}
	if byName["Default"] != "1" {
		t.Errorf("Default deck has id %s, want 1", byName["Default"])
	}
	if len(decks) != 4 {
		t.Errorf("%d decks, want 4: %v", len(decks), byName)
	}
}

var tagsRE = regexp.MustCompile(`^( [^ ]+)+ $`)

func checkTags(t *testing.T, c *cards.Card, tags string) {
	t.Helper()
	if !tagsRE.MatchString(tags) {
		t.Errorf("%s: tags %q are not in Anki's \" a b \" form", c.ID, tags)
		return
	}
	got := strings.Fields(tags)
	if !sort.StringsAreSorted(got) {
		t.Errorf("%s: tags %q not sorted", c.ID, tags)
	}
	want := append([]string{}, c.Tags...)
	for _, tp := range c.Topics {
		want = append(want, "topic::"+tp)
	}
	slices.Sort(want)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s: tags (-want +got):\n%s", c.ID, d)
	}
}

func TestRebuildUpdatesOnlyTheEditedNote(t *testing.T) {
	cfg := writeDeck(t)
	lockPath := filepath.Join(filepath.Dir(cfg), "cardgen.lock")
	apkgPath := distPath(cfg, "cv-test.apkg")

	runBuild(t, cfg, t1)
	before := openPackage(t, apkgPath).notes(t)
	beforeCards := openPackage(t, apkgPath).cards(t)
	lock1, err := lock.Load(lockPath)
	if err != nil {
		t.Fatal(err)
	}

	editFile(t, filepath.Join(filepath.Dir(cfg), "cards", "detection.toml"),
		"保留最高者", "保留分数最高的框")
	_, out := runBuild(t, cfg, t2)
	if !strings.Contains(out, "1 changed") {
		t.Errorf("build report does not mention the change:\n%s", out)
	}
	after := openPackage(t, apkgPath).notes(t)
	edited := cards.GUID("cv-test", "nms")
	if len(after) != len(before) {
		t.Fatalf("%d notes after, %d before", len(after), len(before))
	}
	for guid, b := range before {
		a, ok := after[guid]
		if !ok {
			t.Fatalf("guid %s disappeared", guid)
		}
		if a.ID != b.ID || a.Mid != b.Mid {
			t.Errorf("guid %s: id/mid changed from %d/%d to %d/%d", guid, b.ID, b.Mid, a.ID, a.Mid)
		}
		switch {
		case guid == edited && (a.Mod != t2 || a.Flds == b.Flds):
			t.Errorf("edited note: mod %d (want %d), fields changed %v", a.Mod, t2, a.Flds != b.Flds)
		case guid != edited && (a.Mod != t1 || a.Flds != b.Flds):
			t.Errorf("untouched note %s: mod %d (want %d), fields changed %v", guid, a.Mod, t1, a.Flds != b.Flds)
		}
	}
	afterCards := openPackage(t, apkgPath).cards(t)
	for i := range beforeCards {
		b, a := beforeCards[i], afterCards[i]
		if a.ID != b.ID || a.Nid != b.Nid || a.Did != b.Did || a.Ord != b.Ord || a.Due != b.Due {
			t.Errorf("card %d changed identity or place: %+v -> %+v", b.ID, b, a)
		}
	}

	lock2, err := lock.Load(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	for id, e := range lock1.Cards {
		e2 := lock2.Cards[id]
		if id == "nms" {
			if e2.Mod != t2 || e2.Hash == e.Hash {
				t.Errorf("lock entry of the edited card: %+v -> %+v", e, e2)
			}
		} else if !cmp.Equal(e2, e) {
			t.Errorf("lock entry of %s changed: %+v -> %+v", id, e, e2)
		}
	}
	if d := cmp.Diff(lock1.NoteTypes, lock2.NoteTypes); d != "" {
		t.Errorf("note type entries changed (-before +after):\n%s", d)
	}
}

func TestRebuildWithoutChangeIsByteIdentical(t *testing.T) {
	cfg := writeDeck(t)
	lockPath := filepath.Join(filepath.Dir(cfg), "cardgen.lock")
	runBuild(t, cfg, t1)
	full1 := readFile(t, distPath(cfg, "cv-test.apkg"))
	sub1 := readFile(t, distPath(cfg, "cv-test-detection.apkg"))
	lock1 := readFile(t, lockPath)

	// A later epoch, then no epoch at all (the clock): the up-to-date lock alone decides.
	for _, epoch := range []int64{t3, 0} {
		_, out := runBuild(t, cfg, epoch)
		if strings.Contains(out, "updated") {
			t.Errorf("epoch %d: lock rewritten without a change:\n%s", epoch, out)
		}
		if !bytes.Equal(full1, readFile(t, distPath(cfg, "cv-test.apkg"))) {
			t.Errorf("epoch %d: full package bytes differ", epoch)
		}
		if !bytes.Equal(sub1, readFile(t, distPath(cfg, "cv-test-detection.apkg"))) {
			t.Errorf("epoch %d: detection package bytes differ", epoch)
		}
		if !bytes.Equal(lock1, readFile(t, lockPath)) {
			t.Errorf("epoch %d: lock bytes differ", epoch)
		}
	}
}

func TestFilteredBuildIsASubset(t *testing.T) {
	cfg := writeDeck(t)
	runBuild(t, cfg, t1)
	full := openPackage(t, distPath(cfg, "cv-test.apkg"))
	sub := openPackage(t, distPath(cfg, "cv-test-detection.apkg"))
	fullNotes, subNotes := full.notes(t), sub.notes(t)

	var got []string
	for guid, n := range subNotes {
		f, ok := fullNotes[guid]
		if !ok {
			t.Errorf("guid %s is not in the full build", guid)
			continue
		}
		if f.ID != n.ID || f.Mod != n.Mod || f.Flds != n.Flds || f.Tags != n.Tags {
			t.Errorf("guid %s differs between full and filtered builds", guid)
		}
		got = append(got, strings.Split(n.Flds, "\x1f")[0])
	}
	slices.Sort(got)
	// mask-rcnn-head lives in segmentation.toml but also has topic detection.
	if d := cmp.Diff([]string{"iou-definition", "mask-rcnn-head", "nms", "roi-align"}, got); d != "" {
		t.Errorf("filtered notes (-want +got):\n%s", d)
	}
	var names []string
	for _, d := range sub.colJSON(t, "decks") {
		names = append(names, d["name"].(string))
	}
	slices.Sort(names)
	if d := cmp.Diff([]string{"CV 面试题", "CV 面试题::图像分割", "CV 面试题::目标检测", "Default"}, names); d != "" {
		t.Errorf("filtered decks (-want +got):\n%s", d)
	}
}

func TestRetiredCard(t *testing.T) {
	cfg := writeDeck(t)
	dir := filepath.Dir(cfg)
	runBuild(t, cfg, t1)
	guid := cards.GUID("cv-test", "nms")
	before := openPackage(t, distPath(cfg, "cv-test.apkg")).notes(t)[guid]

	nms := "\n[[cards]]\nid = \"nms\"\nquestion = \"NMS 的步骤是什么?\"\nanswer = \"按分数排序,保留最高者,删除与其 IoU 大于阈值的框,重复。\"\n"
	editFile(t, filepath.Join(dir, "cards", "detection.toml"), nms, "")
	_, out := runBuild(t, cfg, t2)
	if !strings.Contains(out, "1 retired") {
		t.Errorf("build report does not mention the retired card:\n%s", out)
	}

	l, err := lock.Load(filepath.Join(dir, "cardgen.lock"))
	if err != nil {
		t.Fatal(err)
	}
	want := lock.Retired{Type: "basic", Topic: "detection", Question: "NMS 的步骤是什么?", Mod: t2}
	if d := cmp.Diff(map[string]lock.Retired{"nms": want}, l.Retired); d != "" {
		t.Errorf("tombstones (-want +got):\n%s", d)
	}

	full := openPackage(t, distPath(cfg, "cv-test.apkg"))
	n, ok := full.notes(t)[guid]
	if !ok {
		t.Fatal("the full package dropped the retired note")
	}
	flds := strings.Split(n.Flds, "\x1f")
	if n.ID != before.ID || n.Mid != before.Mid || n.Mod != t2 || len(flds) != 5 || flds[0] != "nms" {
		t.Errorf("retired note: id %d mid %d mod %d fields %q; want id %d mid %d mod %d", n.ID, n.Mid, n.Mod, flds, before.ID, before.Mid, t2)
	}
	if n.Tags != " cardgen::retired topic::detection " {
		t.Errorf("retired note tags %q", n.Tags)
	}
	if !strings.Contains(flds[1], "NMS 的步骤是什么?") || !strings.Contains(flds[2], "can be deleted") {
		t.Errorf("retired note fields %q", flds)
	}
	decks := full.colJSON(t, "decks")
	retiredCards := 0
	for _, c := range full.cards(t) {
		if c.Nid == n.ID {
			retiredCards++
			if name := decks[jsonID(c.Did)]["name"]; name != ankinote.RetiredDeckName(loadDeck(t, cfg).Config) {
				t.Errorf("retired card in deck %v", name)
			}
		}
	}
	if retiredCards != 1 {
		t.Errorf("retired note has %d cards, want 1", retiredCards)
	}
	if _, ok := openPackage(t, distPath(cfg, "cv-test-detection.apkg")).notes(t)[guid]; ok {
		t.Error("the per-topic package carries the retired note")
	}

	// The card comes back unchanged: its mod must beat the retired note's.
	editFile(t, filepath.Join(dir, "cards", "detection.toml"), "[[cards]]\nid = \"roi-align\"", strings.TrimPrefix(nms, "\n")+"\n[[cards]]\nid = \"roi-align\"")
	runBuild(t, cfg, t2) // same epoch as the retirement
	back := openPackage(t, distPath(cfg, "cv-test.apkg")).notes(t)[guid]
	if back.Mod <= t2 || strings.Contains(back.Tags, "retired") || back.ID != before.ID {
		t.Errorf("restored note: mod %d (want > %d), tags %q, id %d", back.Mod, t2, back.Tags, back.ID)
	}
}

func TestLockedBuild(t *testing.T) {
	cfg := writeDeck(t)
	dir := filepath.Dir(cfg)
	locked := func(o *builder.Options) { o.Locked = true }

	// No lock yet: --locked refuses and writes nothing.
	_, err := builder.Run(builder.Options{ConfigPath: cfg, Locked: true, Epoch: time.Unix(t1, 0)})
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("--locked without a lock: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "dist")); !os.IsNotExist(err) {
		t.Errorf("--locked failure created dist/: %v", err)
	}

	runBuild(t, cfg, t1)
	runBuild(t, cfg, t2, locked) // up to date: passes
	lockBytes := readFile(t, filepath.Join(dir, "cardgen.lock"))
	apkgBytes := readFile(t, distPath(cfg, "cv-test.apkg"))

	editFile(t, filepath.Join(dir, "cards", "detection.toml"), "保留最高者", "保留分数最高的框")
	_, err = builder.Run(builder.Options{ConfigPath: cfg, Locked: true, Epoch: time.Unix(t2, 0)})
	if err == nil || !strings.Contains(err.Error(), "nms (changed)") || !strings.Contains(err.Error(), "cardgen.lock") {
		t.Fatalf("--locked with an out-of-date lock: %v", err)
	}
	if !bytes.Equal(lockBytes, readFile(t, filepath.Join(dir, "cardgen.lock"))) {
		t.Error("--locked failure changed the lock")
	}
	if !bytes.Equal(apkgBytes, readFile(t, distPath(cfg, "cv-test.apkg"))) {
		t.Error("--locked failure changed the package")
	}
}

func TestRefusesCollectionBackupNames(t *testing.T) {
	for _, id := range []string{"collection", "backup-2024"} {
		cfg := writeDeck(t)
		editFile(t, cfg, `id = "cv-test"`, `id = "`+id+`"`)
		_, err := builder.Run(builder.Options{ConfigPath: cfg, Epoch: time.Unix(t1, 0), Target: "all"})
		if err == nil || !strings.Contains(err.Error(), "full collection backup") {
			t.Errorf("deck id %s: %v", id, err)
		}
		entries, _ := os.ReadDir(filepath.Join(filepath.Dir(cfg), "dist"))
		if len(entries) != 0 {
			t.Errorf("deck id %s: dist/ holds %v", id, entries)
		}
	}
}

func TestMediaErrors(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		cfg := writeDeck(t)
		os.Remove(filepath.Join(filepath.Dir(cfg), "cards", "media", "roi.png"))
		_, err := builder.Run(builder.Options{ConfigPath: cfg, Epoch: time.Unix(t1, 0), Stderr: &bytes.Buffer{}})
		if err == nil {
			t.Fatal("build with a missing image succeeded")
		}
	})
	t.Run("outside through a symlink", func(t *testing.T) {
		cfg := writeDeck(t)
		media := filepath.Join(filepath.Dir(cfg), "cards", "media")
		outside := t.TempDir()
		writeFile(t, filepath.Join(outside, "roi.png"), "secret")
		os.RemoveAll(media)
		if err := os.Symlink(outside, media); err != nil {
			t.Skip("no symlinks:", err)
		}
		var stderr bytes.Buffer
		_, err := builder.Run(builder.Options{ConfigPath: cfg, Epoch: time.Unix(t1, 0), Stderr: &stderr})
		if err == nil {
			t.Fatal("build with an image behind a symlinked folder succeeded")
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(cfg), "dist", "cv-test.apkg")); err == nil {
			t.Error("a package was written")
		}
	})
	t.Run("outside, given to the exporter directly", func(t *testing.T) {
		cfg := writeDeck(t)
		deck := loadDeck(t, cfg)
		outside := filepath.Join(t.TempDir(), "secret.png")
		writeFile(t, outside, "secret")
		for _, c := range deck.Cards {
			for i := range c.Media {
				c.Media[i].Path = outside
			}
		}
		err := export(t, deck, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "outside the cards folder") {
			t.Fatalf("export of an image outside the cards folder: %v", err)
		}
	})
}

// export runs the exporter alone on a loaded deck, with a lock made for it at t1.
func export(t testing.TB, deck *cards.Deck, w io.Writer) error {
	t.Helper()
	in := input(t, deck)
	return apkg.Exporter{}.Export(w, in)
}

func input(t testing.TB, deck *cards.Deck) *exporters.Input {
	t.Helper()
	rendered, err := exporters.Render(deck, render.Default())
	if err != nil {
		t.Fatal(err)
	}
	states, nts, err := apkg.LockState(deck, rendered)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := lock.New().Update(states, nts, t1)
	return &exporters.Input{Deck: deck, Full: deck, Target: cards.FullTarget, HTML: rendered, Lock: l}
}

func TestExportNeedsAnUpToDateLock(t *testing.T) {
	deck := loadDeck(t, writeDeck(t))
	in := input(t, deck)
	in.Lock = nil
	if err := (apkg.Exporter{}).Export(io.Discard, in); err == nil || !strings.Contains(err.Error(), "lock") {
		t.Errorf("export without a lock: %v", err)
	}
	in = input(t, deck)
	e := in.Lock.Cards["nms"]
	e.Hash = "stale"
	in.Lock.Cards["nms"] = e
	if err := (apkg.Exporter{}).Export(io.Discard, in); err == nil || !strings.Contains(err.Error(), "'nms' is not up to date") {
		t.Errorf("export with a stale entry: %v", err)
	}
}

// The rows are built and the collection compressed on every core; the bytes
// must not depend on how many there are.
func TestExportDoesNotDependOnCores(t *testing.T) {
	deck := syntheticDeck(t, 3000) // a collection of several compression chunks
	in := input(t, deck)
	export := func(procs int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var buf bytes.Buffer
		if err := (apkg.Exporter{}).Export(&buf, in); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	one, four := export(1), export(4)
	if !bytes.Equal(one, four) {
		t.Fatalf("1 core: %d bytes, 4 cores: %d bytes, contents differ", len(one), len(four))
	}
	path := filepath.Join(t.TempDir(), "synthetic.apkg")
	writeFile(t, path, string(one))
	p := openPackage(t, path)
	if n := p.query(t, "SELECT count(*) FROM notes")[0][0]; n != int64(3000) {
		t.Errorf("%v notes, want 3000", n)
	}
	if size := len(p.entries["collection.anki2"]); size < 2<<20 {
		t.Errorf("collection is %d bytes, want several compression chunks", size)
	}
}
