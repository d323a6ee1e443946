package apkg

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/exporters/pdf"
	"github.com/cardgen/cardgen/exporters/render"
)

// browser returns the Chrome or Chromium to render with, or skips the test
// (fails it when CARDGEN_REQUIRE_TOOLS=1, as CI sets it).
func browser(t *testing.T) string {
	t.Helper()
	chrome, err := pdf.FindBrowser()
	if err == nil {
		return chrome
	}
	msg := err.Error() + "; on Debian: apt-get install chromium fonts-noto-cjk"
	if os.Getenv("CARDGEN_REQUIRE_TOOLS") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// TestShippedCardsFitTheScreen renders the back of every shipped card as
// Anki shows it (the note's fields substituted into its note type's answer
// template, with the note type's CSS) in headless Chromium at phone and
// desktop width, in light and night mode. The document must be no wider
// than the screen: wide tables, code and formulas scroll inside their own
// box. The footer must line up with the text above it.
func TestShippedCardsFitTheScreen(t *testing.T) {
	chrome := browser(t)
	deck, ds := cards.Load("../../config.toml")
	if deck == nil || ds.Err(false) != nil {
		t.Fatalf("the shipped deck does not load: %v", ds)
	}
	rendered, err := exporters.Render(deck, render.Default())
	if err != nil {
		t.Fatal(err)
	}
	media, err := ankinote.MediaNames(deck.Config.Deck.Namespace, deck.Cards)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bctx, stop := pdf.Start(ctx, chrome, t.TempDir())
	defer stop()
	dir := t.TempDir()

	widest := map[int]string{}
	widestPx := map[int]int{}
	for _, c := range deck.Cards {
		nt := ankinote.For(deck.Config, c.Type)
		values := ankinote.Values(c, rendered.Get(c.ID), media)
		fields := map[string]string{}
		for i, f := range nt.Fields {
			fields[f] = values[i]
		}
		tmpl := templates(c.Type)[0]
		front := fillTemplate(tmpl.Q, fields, "", false)
		back := fillTemplate(tmpl.A, fields, front, true)
		doc := "<!doctype html><html><head><meta charset=utf-8>" +
			`<meta name="viewport" content="width=device-width, initial-scale=1">` +
			"<style>" + CSS() + "</style></head><body class=\"card card1\"><div id=qa>" + back + "</div></body></html>"
		path := filepath.Join(dir, c.ID+".html")
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(bctx, chromedp.Navigate("file://"+filepath.ToSlash(path))); err != nil {
			t.Fatal(err)
		}
		for _, width := range []int{375, 1200} {
			for _, night := range []bool{false, true} {
				js := fmt.Sprintf(`(() => {
  document.body.classList.toggle("nightMode", %t);
  document.body.classList.toggle("night_mode", %t);
  const meta = document.querySelector(".meta"), text = document.querySelector(".answer, .cloze-text");
  return {Doc: document.documentElement.scrollWidth, Screen: window.innerWidth,
    Meta: meta.getBoundingClientRect().left, Text: text.getBoundingClientRect().left};
})()`, night, night)
				_, err := chromedp.Call(bctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
					Width: int64(width), Height: 800, DeviceScaleFactor: 1, Mobile: width < 600})
				if err != nil {
					t.Fatal(err)
				}
				got, err := chromedp.Run(bctx, chromedp.Evaluate[layout](js))
				if err != nil {
					t.Fatal(err)
				}
				mode := map[bool]string{false: "light", true: "night"}[night]
				if got.Doc > width {
					t.Errorf("card '%s' at %d px, %s mode: the card is %d px wide and scrolls sideways", c.ID, width, mode, got.Doc)
				}
				if d := got.Meta - got.Text; d > 1 || d < -1 {
					t.Errorf("card '%s' at %d px, %s mode: the footer starts at x=%.0f, the text at x=%.0f", c.ID, width, mode, got.Meta, got.Text)
				}
				if got.Doc > widestPx[width] {
					widestPx[width], widest[width] = got.Doc, c.ID
				}
			}
		}
	}
	for _, w := range []int{375, 1200} {
		t.Logf("at %d px the widest card is '%s', %d px", w, widest[w], widestPx[w])
	}
}

// layout is what the test measures of a rendered card.
type layout struct {
	Doc, Screen int
	Meta, Text  float64
}

var (
	sectionRE = regexp.MustCompile(`(?s)\{\{#(\w+)\}\}(.*?)\{\{/(\w+)\}\}`)
	fieldRE   = regexp.MustCompile(`\{\{(?:(cloze):)?(\w+)\}\}`)
	clozeRE   = regexp.MustCompile(`\{\{c\d+::(.*?)(?:::[^}]*)?\}\}`)
)

// fillTemplate substitutes fields into a card template as Anki does for the
// templates cardgen writes: sections, {{FrontSide}}, plain and cloze fields
// (every deletion shown, as on the back of the card).
func fillTemplate(tmpl string, fields map[string]string, front string, back bool) string {
	out := sectionRE.ReplaceAllStringFunc(tmpl, func(m string) string {
		sub := sectionRE.FindStringSubmatch(m)
		if strings.TrimSpace(fields[sub[1]]) == "" {
			return ""
		}
		return sub[2]
	})
	return fieldRE.ReplaceAllStringFunc(out, func(m string) string {
		sub := fieldRE.FindStringSubmatch(m)
		switch {
		case sub[2] == "FrontSide":
			return front
		case sub[1] == "cloze":
			return clozeRE.ReplaceAllStringFunc(fields[sub[2]], func(c string) string {
				if !back {
					return `<span class="cloze">[...]</span>`
				}
				return `<span class="cloze">` + clozeRE.FindStringSubmatch(c)[1] + `</span>`
			})
		}
		return fields[sub[2]]
	})
}
