package apkg

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/cardgen/cardgen/exporters/ankinote"
)

// schemaTables is collection.anki2 at schema 11 (anki-format.md §2.1): these
// five tables and no others, since the importer's upgrade to schema 18
// creates its own tables and fails on existing ones.
const schemaTables = `
CREATE TABLE col (
  id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
  ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL,
  conf text NOT NULL, models text NOT NULL, decks text NOT NULL, dconf text NOT NULL, tags text NOT NULL
);
CREATE TABLE notes (
  id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
  usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL,
  csum integer NOT NULL, flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE cards (
  id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL,
  due integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL,
  lapses integer NOT NULL, left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL,
  flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE revlog (
  id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
  ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL,
  type integer NOT NULL
);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
`

// Anki's seven indexes. The notes indexes are created before the rows go in:
// building them afterwards would read every note's overflow pages to reach
// csum, the last column. The cards indexes are cheaper built afterwards, by
// one sort over a small table.
const (
	notesIndexes = `
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_notes_csum ON notes (csum);
`
	otherIndexes = `
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
`
)

// collectionCreated is col.crt: a fixed past day start. It only shifts review
// due dates, and the package carries new cards only (§2.2).
const collectionCreated = 1700000000

// The JSON blobs of the col row. Every key Anki writes itself is present
// (§2.4): the modern importer rejects a blob that lacks a required key, and
// 2.1.x fails later on keys it reads. Struct order fixes the byte order.

type modelJSON struct {
	ID        int64       `json:"id"`
	Name      string      `json:"name"`
	Type      int         `json:"type"`
	Mod       int64       `json:"mod"`
	Usn       int         `json:"usn"`
	Sortf     int         `json:"sortf"`
	Did       int64       `json:"did"`
	Tmpls     []tmplJSON  `json:"tmpls"`
	Flds      []fieldJSON `json:"flds"`
	CSS       string      `json:"css"`
	LatexPre  string      `json:"latexPre"`
	LatexPost string      `json:"latexPost"`
	Latexsvg  bool        `json:"latexsvg"`
	Req       []any       `json:"req"`
	Tags      []string    `json:"tags"`
	Vers      []any       `json:"vers"`
}

// fieldJSON omits nothing but the field id: a null id makes Anki match
// fields by name, which never changes (§2.4.1).
type fieldJSON struct {
	Name              string `json:"name"`
	Ord               int    `json:"ord"`
	Sticky            bool   `json:"sticky"`
	Rtl               bool   `json:"rtl"`
	Font              string `json:"font"`
	Size              int    `json:"size"`
	Description       string `json:"description"`
	PlainText         bool   `json:"plainText"`
	Collapsed         bool   `json:"collapsed"`
	ExcludeFromSearch bool   `json:"excludeFromSearch"`
	ID                *int64 `json:"id"`
	Tag               *int   `json:"tag"`
	PreventDeletion   bool   `json:"preventDeletion"`
	Media             []any  `json:"media"`
}

type tmplJSON struct {
	Name  string `json:"name"`
	Ord   int    `json:"ord"`
	Qfmt  string `json:"qfmt"`
	Afmt  string `json:"afmt"`
	Bqfmt string `json:"bqfmt"`
	Bafmt string `json:"bafmt"`
	Did   *int64 `json:"did"`
	Bfont string `json:"bfont"`
	Bsize int    `json:"bsize"`
	ID    *int64 `json:"id"`
}

// Anki's own LaTeX preamble (2.1.15 models.py), for [latex] tags a learner may add.
const (
	latexPre  = "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n"
	latexPost = "\\end{document}"
)

func model(nt ankinote.NoteType, mod, did int64, css string) modelJSON {
	pre, post := latexOf(nt)
	m := modelJSON{
		ID: nt.ID, Name: nt.Name, Mod: mod, Usn: -1, Sortf: nt.SortField, Did: did,
		CSS: css, LatexPre: pre, LatexPost: post,
		Req: requirements(nt), Tags: []string{}, Vers: []any{},
	}
	if nt.Cloze {
		m.Type = 1
	}
	for i, t := range templatesOf(nt) {
		m.Tmpls = append(m.Tmpls, tmplJSON{Name: t.Name, Ord: i, Qfmt: t.Q, Afmt: t.A})
	}
	for i, f := range nt.Fields {
		m.Flds = append(m.Flds, fieldJSON{Name: f, Ord: i, Font: "Arial", Size: 20, Media: []any{}})
	}
	return m
}

type deckJSON struct {
	ID               int64  `json:"id"`
	Mod              int64  `json:"mod"`
	Name             string `json:"name"`
	Usn              int    `json:"usn"`
	LrnToday         [2]int `json:"lrnToday"`
	RevToday         [2]int `json:"revToday"`
	NewToday         [2]int `json:"newToday"`
	TimeToday        [2]int `json:"timeToday"`
	Collapsed        bool   `json:"collapsed"`
	BrowserCollapsed bool   `json:"browserCollapsed"`
	Desc             string `json:"desc"`
	Dyn              int    `json:"dyn"`
	Conf             int64  `json:"conf"`
	ExtendNew        int    `json:"extendNew"`
	ExtendRev        int    `json:"extendRev"`
	ReviewLimit      *int   `json:"reviewLimit"`
	NewLimit         *int   `json:"newLimit"`
	ReviewLimitToday *int   `json:"reviewLimitToday"`
	NewLimitToday    *int   `json:"newLimitToday"`
}

func deck(id int64, name, desc string, mod int64) deckJSON {
	return deckJSON{ID: id, Mod: mod, Name: name, Usn: -1, Desc: desc, Conf: 1}
}

type dconfJSON struct {
	ID                    int64     `json:"id"`
	Mod                   int64     `json:"mod"`
	Name                  string    `json:"name"`
	Usn                   int       `json:"usn"`
	MaxTaken              int       `json:"maxTaken"`
	Autoplay              bool      `json:"autoplay"`
	Timer                 int       `json:"timer"`
	Replayq               bool      `json:"replayq"`
	New                   newConf   `json:"new"`
	Rev                   revConf   `json:"rev"`
	Lapse                 lapseConf `json:"lapse"`
	Dyn                   bool      `json:"dyn"`
	NewMix                int       `json:"newMix"`
	NewPerDayMinimum      int       `json:"newPerDayMinimum"`
	InterdayLearningMix   int       `json:"interdayLearningMix"`
	ReviewOrder           int       `json:"reviewOrder"`
	NewSortOrder          int       `json:"newSortOrder"`
	NewGatherPriority     int       `json:"newGatherPriority"`
	BuryInterdayLearning  bool      `json:"buryInterdayLearning"`
	FsrsWeights           []float64 `json:"fsrsWeights"`
	DesiredRetention      float64   `json:"desiredRetention"`
	StopTimerOnAnswer     bool      `json:"stopTimerOnAnswer"`
	SecondsToShowQuestion float64   `json:"secondsToShowQuestion"`
	SecondsToShowAnswer   float64   `json:"secondsToShowAnswer"`
	AnswerAction          int       `json:"answerAction"`
	RescheduleFsrsCards   bool      `json:"rescheduleFsrsCards"`
	Sm2Retention          float64   `json:"sm2Retention"`
}

type newConf struct {
	Bury          bool      `json:"bury"`
	Delays        []float64 `json:"delays"`
	InitialFactor int       `json:"initialFactor"`
	Ints          []int     `json:"ints"`
	Order         int       `json:"order"`
	PerDay        int       `json:"perDay"`
	Separate      bool      `json:"separate"`
}

type revConf struct {
	Bury       bool    `json:"bury"`
	Ease4      float64 `json:"ease4"`
	IvlFct     float64 `json:"ivlFct"`
	MaxIvl     int     `json:"maxIvl"`
	PerDay     int     `json:"perDay"`
	HardFactor float64 `json:"hardFactor"`
	Fuzz       float64 `json:"fuzz"`
	MinSpace   int     `json:"minSpace"`
}

type lapseConf struct {
	Delays      []float64 `json:"delays"`
	LeechAction int       `json:"leechAction"`
	LeechFails  int       `json:"leechFails"`
	MinInt      int       `json:"minInt"`
	Mult        float64   `json:"mult"`
}

// defaultDeckConf is Anki's Default preset, id 1: the modern importer looks
// it up when "Import deck presets" is on (§2.4.3).
func defaultDeckConf() dconfJSON {
	return dconfJSON{
		ID: 1, Name: "Default", MaxTaken: 60, Autoplay: true, Replayq: true,
		New:              newConf{Delays: []float64{1, 10}, InitialFactor: 2500, Ints: []int{1, 4, 0}, Order: 1, PerDay: 20, Separate: true},
		Rev:              revConf{Ease4: 1.3, IvlFct: 1, MaxIvl: 36500, PerDay: 200, HardFactor: 1.2, Fuzz: 0.05, MinSpace: 1},
		Lapse:            lapseConf{Delays: []float64{10}, LeechAction: 1, LeechFails: 8, MinInt: 1},
		FsrsWeights:      []float64{},
		DesiredRetention: 0.9, Sm2Retention: 0.9,
	}
}

// collectionConf is the col.conf Anki reads from a package (§2.4.4); schedVer
// is left out, as a schema 11 package implies.
func collectionConf(curModel int64, nextPos int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"activeDecks":[1],"curDeck":1,"newSpread":0,"collapseTime":1200,"timeLim":0,` +
		`"estTimes":true,"dueCounts":true,"curModel":"`)
	b.WriteString(strconv.FormatInt(curModel, 10))
	b.WriteString(`","nextPos":`)
	b.WriteString(strconv.Itoa(nextPos))
	b.WriteString(`,"sortType":"noteFld","sortBackwards":false,"addToCur":true,"newBury":true}`)
	return b.Bytes()
}

// idMap encodes a map keyed by id with the keys in ascending numeric order.
func idMap[V any](ids []int64, vals map[int64]V) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteString(`":`)
		v, err := marshal(vals[id])
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
