package ankitest

import (
	"strings"
	"testing"
)

func snapshotOf(notes []Note, cards []Card, revlog []Review) *Snapshot {
	return &Snapshot{Notes: notes, Cards: cards, Revlog: revlog}
}

// The checker itself, on snapshots made by hand: a good update passes, and
// each way of breaking the contract is named.
func TestCheckUpdate(t *testing.T) {
	nms := Note{ID: 1, GUID: "guidNMS0001", Mid: 7, Mod: 100, Fields: []string{"nms", "NMS?", "排序"}, Tags: []string{"topic::detection"}}
	iou := Note{ID: 2, GUID: "guidIOU0001", Mid: 7, Mod: 100, Fields: []string{"iou", "IoU?", "交并比"}}
	cardNMS := Card{ID: 10, Nid: 1, Did: 5, Type: 2, Queue: 2, Ivl: 4, Due: 30, Reps: 1, Factor: 2500}
	cardIOU := Card{ID: 20, Nid: 2, Did: 5, Type: 2, Queue: 2, Ivl: 4, Due: 31, Reps: 1, Factor: 2500}
	reviews := []Review{{ID: 1000, Cid: 10, Ease: 4, Ivl: 4}, {ID: 1001, Cid: 20, Ease: 4, Ivl: 4}}
	before := snapshotOf([]Note{nms, iou}, []Card{cardNMS, cardIOU}, reviews)

	edited := iou
	edited.Mod, edited.Fields = 200, []string{"iou", "IoU?", "交集除以并集"}
	added := Note{ID: 3, GUID: "guidNEW0001", Mid: 7, Mod: 200, Fields: []string{"new", "Q", "A"}}
	good := snapshotOf([]Note{nms, edited, added}, []Card{cardNMS, cardIOU, {ID: 30, Nid: 3, Did: 5}}, reviews)
	if got := CheckUpdate(before, good, UpdateWant{Added: []string{added.GUID}, Updated: []string{iou.GUID}}); len(got) != 0 {
		t.Errorf("a good update reports %q", got)
	}

	// The GUID of "nms" changed between builds: the note arrives a second time.
	changed := nms
	changed.ID, changed.GUID, changed.Mod = 4, "guidNMS0002", 200
	dup := snapshotOf([]Note{nms, iou, changed}, []Card{cardNMS, cardIOU, {ID: 40, Nid: 4, Did: 5}}, reviews)
	got := strings.Join(CheckUpdate(before, dup, UpdateWant{}), "\n")
	for _, want := range []string{`duplicated note "nms"`, "guid guidNMS0001", "guid guidNMS0002", `unexpected new note "nms" (guid guidNMS0002`} {
		if !strings.Contains(got, want) {
			t.Errorf("changed GUID: report lacks %q:\n%s", want, got)
		}
	}

	// Scheduling reset, a review lost, a note changed that should not have been, an update missing.
	reset := cardIOU
	reset.Type, reset.Queue, reset.Ivl = 0, 0, 0
	broken := snapshotOf([]Note{nms, edited}, []Card{cardNMS, reset}, reviews[:1])
	got = strings.Join(CheckUpdate(before, broken, UpdateWant{Updated: []string{nms.GUID}}), "\n")
	for _, want := range []string{
		`note "nms" (guid guidNMS0001, note 1) was not updated`,
		`note "iou" (guid guidIOU0001, note 2) changed: mod 100 -> 200`,
		"card 20 of note 2 lost its scheduling",
		"1 of 2 reviews lost",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("broken update: report lacks %q:\n%s", want, got)
		}
	}
}
