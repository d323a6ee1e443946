package ankisync_test

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/ankisync"
	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/internal/ankitest"
	"github.com/cardgen/cardgen/internal/decktest"
)

// shippedDeck copies the repository's deck (config, lock, topic files) to a scratch folder.
func shippedDeck(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "deck")
	decktest.CopyTree(t, "../cards", filepath.Join(dir, "cards"))
	for _, f := range []string{"config.toml", "cardgen.lock"} {
		data, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "config.toml")
}

type run struct {
	plan *ankisync.Plan
	out  string
	err  error
}

func sync(t *testing.T, srv *ankitest.Connect, config string, edit func(*ankisync.Options)) run {
	t.Helper()
	var out bytes.Buffer
	opts := ankisync.Options{ConfigPath: config, URL: srv.URL, Key: srv.Key, Timeout: time.Minute, Stdout: &out, Stderr: &out,
		Epoch: time.Unix(1790000000, 0)}
	if edit != nil {
		edit(&opts)
	}
	p, err := ankisync.Run(context.Background(), opts)
	return run{plan: p, out: out.String(), err: err}
}

func mustSync(t *testing.T, srv *ankitest.Connect, config string, edit func(*ankisync.Options)) *ankisync.Plan {
	t.Helper()
	r := sync(t, srv, config, edit)
	if r.err != nil {
		t.Fatalf("sync: %v\n%s", r.err, r.out)
	}
	return r.plan
}

func dryRun(o *ankisync.Options) { o.DryRun = true }

func cardIDs(t *testing.T, config string) []string {
	t.Helper()
	d, err := cards.Load(config)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range d.Cards {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	return ids
}

// checkNoDuplicates fails when two notes share a GUID or a card id.
func checkNoDuplicates(t *testing.T, col *ankitest.ConnectCollection) {
	t.Helper()
	guids, ids := map[string]bool{}, map[string]bool{}
	for _, n := range col.Notes {
		if guids[n.GUID] || ids[n.Fields[0]] {
			t.Errorf("duplicate note: guid %s, id %s", n.GUID, n.Fields[0])
		}
		guids[n.GUID], ids[n.Fields[0]] = true, true
	}
}

func replaceIn(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// removeCard deletes the [[cards]] block of id from a topic file.
func removeCard(t *testing.T, path, id string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	start := strings.Index(s, "[[cards]]\nid = \""+id+"\"")
	if start < 0 {
		t.Fatalf("%s has no card %s", path, id)
	}
	end := strings.Index(s[start+1:], "[[cards]]")
	if end < 0 {
		s = s[:start]
	} else {
		s = s[:start] + s[start+1+end:]
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func samePlan(t *testing.T, dry, real *ankisync.Plan) {
	t.Helper()
	for _, c := range []struct {
		name      string
		dry, real []string
	}{{"added", dry.Added, real.Added}, {"updated", dry.Updated, real.Updated}, {"retired", dry.Retired, real.Retired},
		{"deleted", dry.Deleted, real.Deleted}, {"unchanged", dry.Unchanged, real.Unchanged}, {"kept", dry.Kept, real.Kept}} {
		if !slices.Equal(c.dry, c.real) {
			t.Errorf("%s: dry run said %v, the sync did %v", c.name, c.dry, c.real)
		}
	}
}

func TestSyncLifecycle(t *testing.T) {
	srv := ankitest.StartConnect(t, ankitest.ConnectOptions{})
	config := shippedDeck(t)
	root := filepath.Dir(config)
	ids := cardIDs(t, config)
	ns := "cv-interview"

	// 1. An empty collection: the dry run predicts every card added and changes nothing.
	dry := mustSync(t, srv, config, dryRun)
	if !slices.Equal(dry.Added, ids) || len(dry.Updated)+len(dry.Unchanged)+len(dry.Retired)+len(dry.Deleted) != 0 {
		t.Fatalf("dry run on an empty collection: %+v", dry)
	}
	if n := len(srv.Snapshot(t).Notes); n != 0 {
		t.Fatalf("the dry run changed the collection: %d notes", n)
	}
	first := mustSync(t, srv, config, nil)
	samePlan(t, dry, first)
	col := srv.Snapshot(t)
	if len(col.Notes) != len(ids) {
		t.Fatalf("%d notes in Anki after the first sync, want %d", len(col.Notes), len(ids))
	}
	checkNoDuplicates(t, col)
	for _, n := range col.Notes {
		if n.GUID != cards.GUID(ns, n.Fields[0]) {
			t.Errorf("note %s has GUID %s, want %s", n.Fields[0], n.GUID, cards.GUID(ns, n.Fields[0]))
		}
	}
	t.Logf("first sync of the shipped deck: added %d", len(first.Added))

	// 2. Learn: answer the first card of a few notes, the edited and the retired ones among them.
	answered := map[string]int64{}
	for _, id := range []string{"batchnorm", "syncbn", "miou", "focal-loss-vs-ohem"} {
		answered[id] = col.ByID(id)[0].Cards[0].ID
	}
	var answers []map[string]any
	for _, cid := range answered {
		answers = append(answers, map[string]any{"cardId": cid, "ease": 3})
	}
	var ok []bool
	srv.Call(t, "answerCards", map[string]any{"answers": answers}, &ok)
	revlog := srv.Snapshot(t).Revlog
	if revlog != len(answered) {
		t.Fatalf("revlog has %d entries after answering %d cards", revlog, len(answered))
	}

	// 3. A note the learner made by hand, in the deck's own note type and deck.
	var userNote int64
	srv.Call(t, "cardgenTestAddNote", map[string]any{"modelName": ns + " (basic)", "deckName": col.ByID("syncbn")[0].Cards[0].Deck,
		"fields": map[string]string{"Question": "我自己的笔记", "Answer": "自己写的"}}, &userNote)

	// 4. Edit one card, retire one, add one.
	replaceIn(t, filepath.Join(root, "cards", "normalization.toml"), "**核心**:BatchNorm", "**核心(修订)**:BatchNorm")
	removeCard(t, filepath.Join(root, "cards", "normalization.toml"), "syncbn")
	f, err := os.OpenFile(filepath.Join(root, "cards", "normalization.toml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n[[cards]]\nid = \"sync-new-card\"\nquestion = \"LayerNorm 对哪些维度做归一化?\"\nanswer = \"对每个样本的特征维度。\"\n")
	f.Close()
	before := srv.Snapshot(t)
	dry = mustSync(t, srv, config, dryRun)
	if after := srv.Snapshot(t); !equalCollections(before, after) {
		t.Fatal("the dry run changed the collection")
	}
	want := &ankisync.Plan{Added: []string{"sync-new-card"}, Updated: []string{"batchnorm"}, Retired: []string{"syncbn"}}
	if !slices.Equal(dry.Added, want.Added) || !slices.Equal(dry.Updated, want.Updated) || !slices.Equal(dry.Retired, want.Retired) ||
		len(dry.Deleted) != 0 || len(dry.Unchanged) != len(ids)-2 || dry.Others != 1 {
		t.Fatalf("dry run after edits: %+v", dry)
	}
	second := mustSync(t, srv, config, nil)
	samePlan(t, dry, second)
	col = srv.Snapshot(t)
	checkNoDuplicates(t, col)
	if len(col.Notes) != len(ids)+2 { // + the new card + the learner's note
		t.Errorf("%d notes after the second sync, want %d", len(col.Notes), len(ids)+2)
	}
	if col.Revlog != revlog {
		t.Errorf("review history: %d entries, had %d", col.Revlog, revlog)
	}
	for id, cid := range answered {
		n := col.ByID(id)
		if len(n) != 1 || n[0].Cards[0].ID != cid || n[0].Cards[0].Reps != 1 {
			t.Errorf("%s: the answered card %d lost its history or identity: %+v", id, cid, n)
		}
	}
	if bn := col.ByID("batchnorm")[0]; !strings.Contains(strings.Join(bn.Fields, ""), "核心(修订)") {
		t.Errorf("the edited note was not updated: %.200s", bn.Fields[2])
	}
	retiredDeck := ankinote.RetiredDeckName(mustConfig(t, config))
	sb := col.ByID("syncbn")[0]
	if !slices.Contains(sb.Tags, ankinote.RetiredTag) || sb.Cards[0].Deck != retiredDeck {
		t.Errorf("the retired note is not marked and moved: tags %v, deck %q", sb.Tags, sb.Cards[0].Deck)
	}
	t.Logf("second sync: added %d, updated %d, retired %d, unchanged %d; reviews kept %d of %d",
		len(second.Added), len(second.Updated), len(second.Retired), len(second.Unchanged), col.Revlog, revlog)

	// 5. Nothing changed: the sync does nothing, down to the notes' mod.
	third := mustSync(t, srv, config, nil)
	if third.Changes() || len(third.Unchanged) != len(ids)+1 {
		t.Errorf("a sync with no change did something: %+v", third)
	}
	if after := srv.Snapshot(t); !equalCollections(col, after) {
		t.Error("a sync with no change changed the collection")
	}

	// 6. --prune: the retired note goes, with its history; the learner's own note stays.
	if r := sync(t, srv, config, func(o *ankisync.Options) { o.Prune = true }); r.err == nil || !strings.Contains(r.err.Error(), "--yes") {
		t.Fatalf("--prune off a terminal without --yes: %v", r.err)
	}
	before = srv.Snapshot(t)
	dry = mustSync(t, srv, config, func(o *ankisync.Options) { o.DryRun, o.Prune = true, true })
	if !slices.Equal(dry.Deleted, []string{"syncbn"}) || dry.Changes() && len(dry.Added)+len(dry.Updated)+len(dry.Retired) != 0 {
		t.Fatalf("dry run of --prune: %+v", dry)
	}
	if !equalCollections(before, srv.Snapshot(t)) {
		t.Fatal("the --prune dry run changed the collection")
	}
	pruned := mustSync(t, srv, config, func(o *ankisync.Options) { o.Prune, o.Yes = true, true })
	samePlan(t, dry, pruned)
	col = srv.Snapshot(t)
	if len(col.ByID("syncbn")) != 0 {
		t.Error("--prune left the retired note")
	}
	if len(col.Notes) != len(ids)+1 || !slices.ContainsFunc(col.Notes, func(n ankitest.ConnectNote) bool { return n.ID == userNote }) {
		t.Errorf("--prune deleted more than the retired note: %d notes, the learner's note %d present: %v", len(col.Notes), userNote,
			slices.ContainsFunc(col.Notes, func(n ankitest.ConnectNote) bool { return n.ID == userNote }))
	}
	if again := mustSync(t, srv, config, func(o *ankisync.Options) { o.Prune, o.Yes = true, true }); again.Changes() {
		t.Errorf("a second --prune did something: %+v", again)
	}
	t.Logf("--prune: deleted %d, reviews now %d", len(pruned.Deleted), col.Revlog)
}

func mustConfig(t *testing.T, path string) *cards.Config {
	t.Helper()
	cfg, ds := cards.LoadConfig(path)
	if cfg == nil || ds.Failed(false) {
		t.Fatal(ds.Err(false))
	}
	return cfg
}

// equalCollections compares everything the server reports: notes (with
// mod), cards (with deck and reps), note types' mod and the number of reviews.
func equalCollections(a, b *ankitest.ConnectCollection) bool {
	if a.Revlog != b.Revlog || len(a.Notes) != len(b.Notes) || !maps.Equal(a.NoteTypeMods, b.NoteTypeMods) {
		return false
	}
	for i := range a.Notes {
		x, y := a.Notes[i], b.Notes[i]
		if x.ID != y.ID || x.GUID != y.GUID || x.Mod != y.Mod || !slices.Equal(x.Fields, y.Fields) || !slices.Equal(x.Tags, y.Tags) ||
			!slices.Equal(x.Cards, y.Cards) {
			return false
		}
	}
	return true
}

// A card whose type changed sits in Anki under another note type: the sync
// names it and imports nothing.
func TestSyncConflictImportsNothing(t *testing.T) {
	srv := ankitest.StartConnect(t, ankitest.ConnectOptions{})
	config := shippedDeck(t)
	mustSync(t, srv, config, nil)
	replaceIn(t, filepath.Join(filepath.Dir(config), "cards", "normalization.toml"), "id = \"syncbn\"\n", "id = \"syncbn\"\ntype = \"reversed\"\n")
	replaceIn(t, filepath.Join(filepath.Dir(config), "cards", "normalization.toml"), "**核心**:BatchNorm", "**核心(修订)**:BatchNorm")
	before := srv.Snapshot(t)
	r := sync(t, srv, config, nil)
	if r.err == nil || !strings.Contains(r.err.Error(), "syncbn (Anki: cv-interview (basic), deck: cv-interview (basic and reversed))") {
		t.Fatalf("want a conflict naming syncbn, got %v\n%s", r.err, r.out)
	}
	if !equalCollections(before, srv.Snapshot(t)) {
		t.Error("a sync with a conflict changed the collection")
	}
}

var idList = regexp.MustCompile(`(?m)^  (added|updated|retired|deleted|unchanged) +\d+`)

// The summary names every kind of change with its count.
func TestSyncSummary(t *testing.T) {
	srv := ankitest.StartConnect(t, ankitest.ConnectOptions{})
	config := shippedDeck(t)
	r := sync(t, srv, config, dryRun)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if got := len(idList.FindAllString(r.out, -1)); got != 5 || !strings.Contains(r.out, "dry run") || !strings.Contains(r.out, "batchnorm") {
		t.Errorf("summary:\n%s", r.out)
	}
}

// On a terminal --prune asks first; a "no" changes nothing at all.
func TestSyncPruneAsks(t *testing.T) {
	srv := ankitest.StartConnect(t, ankitest.ConnectOptions{})
	config := shippedDeck(t)
	mustSync(t, srv, config, nil)
	removeCard(t, filepath.Join(filepath.Dir(config), "cards", "segmentation.toml"), "miou")
	mustSync(t, srv, config, nil)
	var asked []string
	answer := false
	prune := func(o *ankisync.Options) {
		o.Prune = true
		o.Confirm = func(q string) (bool, error) { asked = append(asked, q); return answer, nil }
	}
	before := srv.Snapshot(t)
	r := sync(t, srv, config, prune)
	oneLine(t, r.err, "nothing was changed", "not confirmed")
	if len(asked) != 1 || !strings.Contains(asked[0], "Delete 1 retired note(s)") || !strings.Contains(asked[0], "miou") {
		t.Errorf("question: %q", asked)
	}
	if !equalCollections(before, srv.Snapshot(t)) {
		t.Error("a refused --prune changed the collection")
	}
	answer = true
	if p := mustSync(t, srv, config, prune); !slices.Equal(p.Deleted, []string{"miou"}) {
		t.Errorf("deleted %v", p.Deleted)
	}
	if len(srv.Snapshot(t).ByID("miou")) != 0 {
		t.Error("the confirmed --prune left the retired note")
	}

	// A new learner with --prune never sees the retired note: not added, not deleted.
	fresh := ankitest.StartConnect(t, ankitest.ConnectOptions{})
	dry := mustSync(t, fresh, config, func(o *ankisync.Options) { o.DryRun, o.Prune = true, true })
	p := mustSync(t, fresh, config, func(o *ankisync.Options) { o.Prune, o.Yes = true, true })
	samePlan(t, dry, p)
	if slices.Contains(p.Added, "miou") || len(p.Deleted) != 0 || len(fresh.Snapshot(t).ByID("miou")) != 0 {
		t.Errorf("--prune into an empty collection: %+v", p)
	}
}

// A selection syncs its cards only; the full deck later finds them in place.
func TestSyncSelection(t *testing.T) {
	srv := ankitest.StartConnect(t, ankitest.ConnectOptions{})
	config := shippedDeck(t)
	d, err := cards.Load(config)
	if err != nil {
		t.Fatal(err)
	}
	sub := d.Filter(cards.Filter{Topics: []string{"normalization"}})
	var want []string
	for _, c := range sub.Cards {
		want = append(want, c.ID)
	}
	slices.Sort(want)
	topic := func(o *ankisync.Options) { o.Filter.Topics = []string{"normalization"} }
	p := mustSync(t, srv, config, topic)
	if !slices.Equal(p.Added, want) {
		t.Fatalf("--topic normalization added %v, want %v", p.Added, want)
	}
	r := sync(t, srv, config, func(o *ankisync.Options) { topic(o); o.Prune, o.Yes = true, true })
	oneLine(t, r.err, "--prune needs the full deck")
	full := mustSync(t, srv, config, nil)
	if len(full.Unchanged) != len(want) || len(full.Added) != len(cardIDs(t, config))-len(want) {
		t.Errorf("the full deck after the selection: %+v", full)
	}
	checkNoDuplicates(t, srv.Snapshot(t))
	if again := mustSync(t, srv, config, topic); again.Changes() || again.Others != len(cardIDs(t, config))-len(want) {
		t.Errorf("the selection again: %+v", again)
	}
}

// A note type's styling edited in Anki is reported; Anki's importer keeps
// the learner's newer edit, and no note changes.
func TestSyncNoteTypeEdited(t *testing.T) {
	srv := ankitest.StartConnect(t, ankitest.ConnectOptions{})
	config := shippedDeck(t)
	mustSync(t, srv, config, nil)
	srv.Call(t, "cardgenTestSetStyling", map[string]any{"modelName": "cv-interview (basic)", "css": ".card { color: red }"}, nil)
	r := sync(t, srv, config, dryRun)
	if r.err != nil || !slices.Equal(r.plan.NoteTypes, []string{"cv-interview (basic)"}) || !strings.Contains(r.out, "note types 1  cv-interview (basic)") {
		t.Fatalf("dry run after a styling edit: %v %+v\n%s", r.err, r.plan, r.out)
	}
	before := srv.Snapshot(t)
	p := mustSync(t, srv, config, nil)
	if len(p.Added)+len(p.Updated)+len(p.Retired) != 0 {
		t.Errorf("notes changed: %+v", p)
	}
	after := srv.Snapshot(t)
	for i := range before.Notes {
		if before.Notes[i].Mod != after.Notes[i].Mod {
			t.Errorf("note %s changed", before.Notes[i].Fields[0])
		}
	}
}

// A retired card that comes back updates its note back and leaves the
// retired deck for its topic's, with its history.
func TestSyncRetiredCardReturns(t *testing.T) {
	srv := ankitest.StartConnect(t, ankitest.ConnectOptions{})
	config := shippedDeck(t)
	file := filepath.Join(filepath.Dir(config), "cards", "segmentation.toml")
	original, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	mustSync(t, srv, config, nil)
	col := srv.Snapshot(t)
	home, cid := col.ByID("miou")[0].Cards[0].Deck, col.ByID("miou")[0].Cards[0].ID
	srv.Call(t, "answerCards", map[string]any{"answers": []map[string]any{{"cardId": cid, "ease": 3}}}, nil)
	removeCard(t, file, "miou")
	mustSync(t, srv, config, nil)
	if d := srv.Snapshot(t).ByID("miou")[0].Cards[0].Deck; !strings.HasSuffix(d, "已删除 (retired)") {
		t.Fatalf("the retired card is in %q", d)
	}
	if err := os.WriteFile(file, original, 0o644); err != nil {
		t.Fatal(err)
	}
	dry := mustSync(t, srv, config, dryRun)
	back := mustSync(t, srv, config, nil)
	samePlan(t, dry, back)
	if !slices.Equal(back.Updated, []string{"miou"}) {
		t.Errorf("the returning card: %+v", back)
	}
	n := srv.Snapshot(t).ByID("miou")
	if len(n) != 1 || n[0].Cards[0].ID != cid || n[0].Cards[0].Deck != home || n[0].Cards[0].Reps != 1 ||
		slices.Contains(n[0].Tags, ankinote.RetiredTag) {
		t.Errorf("the returning card: %+v, want deck %q and its review", n, home)
	}
	if again := mustSync(t, srv, config, nil); again.Changes() {
		t.Errorf("a sync after the return still changes things: %+v", again)
	}
}
