package apkg

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/exporters/render"
)

// template is one card template of a note type. Names, count and order are
// frozen with the field list: changing them stops updates (anki-format.md §3.3).
type template struct {
	Name string
	Q, A string
}

const backMeta = "\n{{#Extra}}<div class=\"extra\">{{Extra}}</div>{{/Extra}}" +
	"\n<div class=\"meta\">{{#Source}}<span class=\"source\">{{Source}}</span> · {{/Source}}<span class=\"id\">{{ID}}</span></div>"

// templatesOf returns the card templates of a note type, built-in or declared; ord is the index.
func templatesOf(nt ankinote.NoteType) []template {
	if nt.Declared != nil {
		out := make([]template, len(nt.Declared.Templates))
		for i, t := range nt.Declared.Templates {
			out[i] = template{Name: t.Name, Q: t.Front, A: t.Back}
		}
		return out
	}
	return templates(nt.Kind)
}

// templates returns the card templates of a built-in note type; ord is the index.
func templates(t cards.Type) []template {
	switch t {
	case cards.Cloze:
		return []template{{
			Name: "Cloze",
			Q:    `<div class="question cloze-text">{{cloze:Text}}</div>`,
			A:    `<div class="question cloze-text">{{cloze:Text}}</div>` + backMeta,
		}}
	case cards.Reversed:
		return []template{
			{
				Name: "Question → Answer",
				Q:    `<div class="question">{{Question}}</div>`,
				A:    "{{FrontSide}}\n\n<hr id=answer>\n\n<div class=\"answer\">{{Answer}}</div>" + backMeta,
			},
			{
				Name: "Answer → Question",
				Q:    `<div class="answer">{{Answer}}</div>`,
				A:    "{{FrontSide}}\n\n<hr id=answer>\n\n<div class=\"question\">{{Question}}</div>" + backMeta,
			},
		}
	default:
		return []template{{
			Name: "Question → Answer",
			Q:    `<div class="question">{{Question}}</div>`,
			A:    "{{FrontSide}}\n\n<hr id=answer>\n\n<div class=\"answer\">{{Answer}}</div>" + backMeta,
		}}
	}
}

// requirements is the legacy "req" list: the fields a template's front needs.
// Modern Anki recomputes it, but 2.1.15 reads it when adding notes (§2.4.1).
func requirements(nt ankinote.NoteType) []any {
	if nt.Declared != nil {
		return declaredRequirements(nt)
	}
	idx := func(name string) int {
		for i, f := range nt.Fields {
			if f == name {
				return i
			}
		}
		return 0
	}
	switch nt.Kind {
	case cards.Cloze:
		return []any{[]any{0, "all", []int{idx("Text")}}}
	case cards.Reversed:
		return []any{
			[]any{0, "all", []int{idx("Question")}},
			[]any{1, "all", []int{idx("Answer")}},
		}
	}
	return []any{[]any{0, "all", []int{idx("Question")}}}
}

// declaredRequirements is the legacy "req" of a declared note type: for
// each template, the fields its front reads ("any" of them makes a card).
// Anki 2.1.28 and later recompute it on import.
func declaredRequirements(nt ankinote.NoteType) []any {
	var out []any
	for ord, t := range nt.Declared.Templates {
		var idx []int
		for _, r := range cards.TemplateRefs(t.Front) {
			if i := nt.Declared.FieldIndex(r.Field); i >= 0 && r.Section != '/' && !slices.Contains(idx, i) {
				idx = append(idx, i)
			}
		}
		switch {
		case nt.Cloze:
			out = append(out, []any{ord, "all", idx})
		case len(idx) == 0:
			out = append(out, []any{ord, "none", []int{}})
		default:
			slices.Sort(idx)
			out = append(out, []any{ord, "any", idx})
		}
	}
	return out
}

// cssOf is the stylesheet a note type carries: a declared type's own, as
// written, or the one of the built-in types.
func cssOf(nt ankinote.NoteType) string {
	if nt.Declared != nil {
		return nt.Declared.CSS
	}
	return CSS()
}

// latexOf is the LaTeX preamble and postamble of a note type.
func latexOf(nt ankinote.NoteType) (pre, post string) {
	pre, post = latexPre, latexPost
	if d := nt.Declared; d != nil {
		if d.LatexPre != "" {
			pre = d.LatexPre
		}
		if d.LatexPost != "" {
			post = d.LatexPost
		}
	}
	return pre, post
}

// cjkFonts reads well for Chinese on every platform Anki runs on, falling back to the system UI font.
const cjkFonts = `-apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif`

const monoFonts = `"SFMono-Regular", Menlo, Consolas, "Liberation Mono", "Noto Sans Mono CJK SC", "Sarasa Mono SC", monospace`

// baseCSS is the card style. Anki puts .nightMode on the card (2.1.50+) and
// .night_mode on the body (older clients) in night mode; both are covered.
const baseCSS = `.card {
  font-family: ` + cjkFonts + `;
  font-size: 20px;
  line-height: 1.6;
  text-align: left;
  color: #1f2328;
  background-color: #ffffff;
}
.card.nightMode, .nightMode .card, .night_mode .card {
  color: #e6edf3;
  background-color: #1e1e1e;
}
.question, .answer, .extra, .meta {
  max-width: 46em;
  margin: 0 auto;
}
.question { font-weight: 600; }
.cloze-text { font-weight: normal; }
.cloze { font-weight: 700; color: #0969da; }
.nightMode .cloze, .night_mode .cloze { color: #58a6ff; }
hr#answer { border: 0; border-top: 1px solid #d0d7de; margin: 1em 0; }
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #3d444d; }
.extra { margin-top: 1em; padding-top: 0.5em; border-top: 1px dashed #d0d7de; font-size: 0.9em; }
.nightMode .extra, .night_mode .extra { border-top-color: #3d444d; }
.meta { margin-top: 1.5em; font-size: 0.65em; color: #8c959f; }
.retired { color: #cf222e; }
.nightMode .retired, .night_mode .retired { color: #ff7b72; }
code, pre, kbd { font-family: ` + monoFonts + `; font-size: 0.85em; }
pre { padding: 0.6em 0.8em; overflow-x: auto; border-radius: 6px; line-height: 1.45; background-color: #f6f8fa; }
.nightMode pre, .night_mode pre { background-color: #161b22; }
:not(pre) > code { padding: 0.1em 0.3em; border-radius: 4px; background-color: rgba(175, 184, 193, 0.2); }
.nightMode :not(pre) > code, .night_mode :not(pre) > code { background-color: rgba(110, 118, 129, 0.4); }
.math.display { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #d0d7de; padding: 0.2em 0.6em; }
.nightMode th, .nightMode td, .night_mode th, .night_mode td { border-color: #3d444d; }
img { max-width: 100%; height: auto; }
`

// nightCodeCSS gives highlighted code a dark background in night mode; the
// token colours come from render.CSS.
const nightCodeCSS = `.nightMode .hl-chroma, .night_mode .hl-chroma, .nightMode .hl-bg, .night_mode .hl-bg { background-color: #161b22; color: #e6edf3; }
`

// CSS is the stylesheet of every note type: one place, shared by all three.
func CSS() string { return baseCSS + render.CSS() + nightCodeCSS }

// noteTypeHash covers everything the package carries for a note type, so its
// lock mod moves iff a template, the CSS, a field or the name changes (§0 rule 4).
func noteTypeHash(nt ankinote.NoteType, css string) string {
	h := sha256.New()
	w := func(s string) { h.Write([]byte(s)); h.Write([]byte{0}) }
	w(nt.Name)
	w(string(nt.Kind))
	w(strings.Join(nt.Fields, "\x1f"))
	for _, t := range templatesOf(nt) {
		w(t.Name)
		w(t.Q)
		w(t.A)
	}
	w(css)
	if d := nt.Declared; d != nil {
		// Only declared types carry more, so the built-in types' hashes stay as they were.
		pre, post := latexOf(nt)
		w(strconv.FormatInt(d.ID, 10))
		w(strconv.FormatBool(d.Cloze))
		w(strconv.Itoa(d.SortField))
		w(pre)
		w(post)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
