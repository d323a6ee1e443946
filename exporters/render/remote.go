package render

import (
	"net/url"
	"regexp"
	"strings"

	xhtml "golang.org/x/net/html"
)

// RemotePrefix starts the entry Render adds to its stripped list for each
// source an element would load from outside the deck ("remote source
// https://x/y.png"): exporters.Stripped turns it into an error.
const RemotePrefix = "remote source "

// LocalPrefix starts the entry Render adds for each relative image source,
// so the caller can check it against the media files the card resolved
// ("local source media/x.png", the path as rendered).
const LocalPrefix = "local source "

// sourceAttrs are the attributes whose URL a browser loads as the page shows.
var sourceAttrs = map[string]bool{"src": true, "srcset": true, "poster": true, "background": true, "data": true, "lowsrc": true, "dynsrc": true}

var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

// remoteSources finds, in rendered HTML, every src (as LocalPrefix entries)
// and every source attribute that is not a relative path inside the deck: a URL with a scheme, a protocol-relative
// //host/…, an absolute path. The HTML, not the Markdown, is read, so every
// way of writing an image (reference links, titles, raw HTML) is covered.
func remoteSources(h string) []string {
	if !strings.Contains(h, "<") {
		return nil
	}
	var out []string
	z := xhtml.NewTokenizer(strings.NewReader(h))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return out
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			_, more := z.TagName()
			for more {
				var key, val []byte
				key, val, more = z.TagAttr()
				switch {
				case !sourceAttrs[strings.ToLower(string(key))]:
				case !IsLocalSource(string(val)):
					out = append(out, RemotePrefix+string(val))
				case strings.EqualFold(string(key), "src"):
					out = append(out, LocalPrefix+string(val))
				}
			}
		}
	}
}

// IsLocalSource reports whether src, as an HTML attribute holds it, is a
// relative path that stays inside the folder (no scheme, host or root).
func IsLocalSource(src string) bool {
	s := strings.TrimSpace(src)
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	s = strings.ReplaceAll(s, "\\", "/")
	return s != "" && !schemeRE.MatchString(s) && !strings.HasPrefix(s, "/") && !strings.ContainsAny(s, "\x00\n\r\t")
}

// DecodedSource is an image src as rendered, with the percent-encoding the
// renderer adds (to non-ASCII letters, '%', spaces) undone: the path as
// written in the card, for finding the media file it names.
func DecodedSource(src string) string {
	if u, err := url.PathUnescape(src); err == nil {
		return u
	}
	return src
}
