// Package pdf prints the page of the html exporter to PDF with a locally
// installed Chrome or Chromium, driven headless over the DevTools protocol.
// The browser runs offline with a throw-away profile; nothing is fetched.
// docs/html.md tells how the browser is found.
package pdf

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/html"
)

// Exporter prints the HTML page of one layout; each layout is its own format.
type Exporter struct{ Layout html.Layout }

// Format implements exporters.Exporter: "pdf", "pdf-quiz" or "pdf-cards".
func (e Exporter) Format() string { return "pdf" + e.Layout.Suffix() }

// Extension implements exporters.Exporter: ".pdf", ".quiz.pdf" or ".cards.pdf".
func (e Exporter) Extension() string { return html.Extension(e.Layout, ".pdf") }

// Export implements exporters.Exporter. Without a browser it returns an
// *exporters.UnavailableError, so the build writes the other formats.
func (e Exporter) Export(w io.Writer, in *exporters.Input) error {
	chrome, err := FindBrowser()
	if err != nil {
		return err
	}
	doc, err := html.Document(in, e.Layout)
	if err != nil {
		return err
	}
	var relayout func(html.Parts) ([]byte, error)
	if e.Layout == html.Cards {
		relayout = func(p html.Parts) ([]byte, error) { return html.CardsDocument(in, p) }
	}
	res, err := Print(context.Background(), chrome, doc, relayout)
	if err != nil {
		return err
	}
	for _, id := range res.Overflow {
		in.Warnf("card '%s' has a block too large for a card even in %d pt type; the printed card is cut off: print it in the study layout (--format pdf)", id, minFitPoints)
	}
	_, err = w.Write(res.PDF)
	return err
}

// printTimeout bounds one print, browser start included.
const printTimeout = 3 * time.Minute

// Result is a printed document.
type Result struct {
	PDF []byte
	// Overflow lists the cards (by id) whose cell content is cut off even at
	// the smallest type, when fitting.
	Overflow []string
}

// Print loads the HTML document doc in the browser at chrome and prints it
// with the page size and margins of its CSS. With relayout (the cards
// layout), a back that does not fit its card at a readable size is split
// between blocks and continued on the next card: relayout returns the page
// with those parts, and the page is measured again until every back fits.
func Print(ctx context.Context, chrome string, doc []byte, relayout func(html.Parts) ([]byte, error)) (*Result, error) {
	dir, err := os.MkdirTemp("", "cardgen-pdf-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	loads := 0

	ctx, cancel := context.WithTimeout(ctx, printTimeout)
	defer cancel()
	bctx, cancelBrowser := Start(ctx, chrome, filepath.Join(dir, "profile"))
	defer cancelBrowser()

	fail := func(step string, err error) (*Result, error) {
		if ctx.Err() != nil {
			err = fmt.Errorf("timed out after %s", printTimeout)
		}
		if step == "" {
			return nil, fmt.Errorf("printing with %s: %w", chrome, err)
		}
		return nil, fmt.Errorf("printing with %s: %s: %w", chrome, step, err)
	}
	load := func() error {
		// A new file each time, so the browser never shows an older page.
		loads++
		pagePath := filepath.Join(dir, fmt.Sprintf("deck-%d.html", loads))
		if err := os.WriteFile(pagePath, doc, 0o600); err != nil {
			return err
		}
		if err := chromedp.Do(bctx, chromedp.Navigate(fileURL(pagePath))); err != nil {
			return fmt.Errorf("loading the page: %w", err)
		}
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
			return fmt.Errorf("waiting for fonts: %w", err)
		}
		return nil
	}
	if err := load(); err != nil {
		return fail("", err)
	}
	res := &Result{}
	if relayout == nil {
		if _, err := chromedp.Call(bctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			return fail("emulating print media", err)
		}
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[int](longScript)); err != nil {
			return fail("measuring cards", err)
		}
	}
	if relayout != nil {
		// Measure with the print stylesheet, which is what the PDF shows.
		if _, err := chromedp.Call(bctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			return fail("emulating print media", err)
		}
		parts := html.Parts{}
		for round := 0; ; round++ {
			splits, err := chromedp.Run(bctx, chromedp.Evaluate[[]split](splitScript))
			if err != nil {
				return fail("splitting long cards", err)
			}
			if len(splits) == 0 || round == maxSplitRounds {
				break
			}
			// Later parts first, so a split does not move the parts still to split.
			slices.SortStableFunc(splits, func(a, b split) int { return b.Part - a.Part })
			for _, s := range splits {
				ps := parts[s.Card]
				if len(ps) == 0 {
					ps = []string{""}
				}
				if s.Part < 0 || s.Part >= len(ps) {
					return fail("splitting long cards", fmt.Errorf("card '%s' has no part %d", s.Card, s.Part))
				}
				parts[s.Card] = slices.Concat(ps[:s.Part], []string{s.First, s.Rest}, ps[s.Part+1:])
			}
			if doc, err = relayout(parts); err != nil {
				return nil, err
			}
			if err := load(); err != nil {
				return fail("", err)
			}
		}
		over, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](fitScript))
		if err != nil {
			return fail("fitting cards", err)
		}
		res.Overflow = over
	}
	version, err := chromedp.CallBrowser(bctx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		return fail("reading the browser version", err)
	}
	params := page.PrintToPDFParams{
		PrintBackground:         ptr(true),
		PreferCSSPageSize:       ptr(true),
		GenerateDocumentOutline: ptr(true),
		GenerateTaggedPDF:       ptr(true),
		DisplayHeaderFooter:     ptr(false),
	}
	if major(version.Product) < firstMarginBoxes {
		// Older browsers ignore the page numbers of the stylesheet's @page
		// margin boxes; draw them in the footer instead.
		params.DisplayHeaderFooter = ptr(true)
		params.HeaderTemplate = `<span></span>`
		params.FooterTemplate = `<div style="width:100%;text-align:center;font-size:8pt;color:#777"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`
	}
	out, err := chromedp.Call(bctx, page.PrintToPDF, params)
	if err != nil {
		return fail("printing", err)
	}
	res.PDF = out.Data
	return res, nil
}

// firstMarginBoxes is the first Chrome version that prints @page margin boxes.
const firstMarginBoxes = 131

var majorRE = regexp.MustCompile(`/(\d+)\.`)

// major reads the major version of a product string like "HeadlessChrome/131.0.6778.85".
func major(product string) int {
	m := majorRE.FindStringSubmatch(product)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// longScript marks the cards of the study and quiz layouts that are taller
// than a third of a page "long", which lets them break across pages: kept
// whole, each would leave the rest of a page empty. It returns their count.
const longScript = `(() => {
  const probe = document.createElement("div");
  probe.style.height = "var(--page-height)";
  document.body.appendChild(probe);
  const page = probe.getBoundingClientRect().height;
  probe.remove();
  let n = 0;
  for (const card of document.querySelectorAll("article.card")) {
    if (page > 0 && card.getBoundingClientRect().height > page / 3) {
      card.classList.add("long");
      n++;
    }
  }
  return n;
})()`

// split is one back cut in two by splitScript: Part of Card becomes First and Rest.
type split struct {
	Card        string
	Part        int
	First, Rest string
}

// maxSplitRounds bounds the measure-and-split rounds; each round splits
// every back that still overflows once.
const maxSplitRounds = 40

// splitScript shrinks each back to a readable floor and splits the backs
// that still overflow; see split.js.
//
//go:embed split.js
var splitScript string

// minFitPoints is the smallest type fitting shrinks to.
const minFitPoints = 5

// fitScript shrinks the type of each card cell that overflows, a quarter
// pixel at a time, and returns the ids of the cards that still overflow.
//
//go:embed fit.js
var fitScript string

// Start launches the browser at chrome headless, offline and with the
// throw-away profile folder profile; the returned context drives its first
// tab, and cancel stops the browser.
func Start(ctx context.Context, chrome, profile string) (context.Context, context.CancelFunc) {
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, browserOptions(chrome, profile)...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	return bctx, func() { cancelBrowser(); cancelAlloc() }
}

// browserOptions starts the browser headless, offline and with a fresh
// profile, so that the printout depends on nothing but the page.
func browserOptions(chrome, profile string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		// The sandbox cannot start as root, which is how containers and CI run.
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints,AutofillServerCommunication"),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("force-color-profile", "srgb"),
		// No host name resolves: even a stray URL in a card cannot reach the network.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
	}
}

func fileURL(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

func ptr[T any](v T) *T { return &v }
