package render

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// AudioExtensions are the media types Anki plays as sound rather than shows.
var AudioExtensions = []string{".mp3", ".ogg", ".wav", ".m4a"}

// IsAudio reports whether a media reference names a sound file.
func IsAudio(src string) bool {
	return slices.Contains(AudioExtensions, strings.ToLower(filepath.Ext(src)))
}

var (
	imgTagRE = regexp.MustCompile(`<img\b[^>]*>`)
	imgAltRE = regexp.MustCompile(`\balt="([^"]*)"`)
	soundRE  = regexp.MustCompile(`\[sound:([^\]\s]+)\]`)
)

// RewriteAudio replaces every reference to a sound file in rendered HTML
// (an <img> of an audio file, which is how Markdown's ![…](a.mp3) renders,
// or Anki's literal [sound:a.mp3]) with fn(src, alt).
func RewriteAudio(h string, fn func(src, alt string) string) string {
	if strings.Contains(h, "<img") {
		h = imgTagRE.ReplaceAllStringFunc(h, func(tag string) string {
			m := imgSrcRE.FindStringSubmatch(tag)
			if m == nil || !IsAudio(unescapeAttr(m[2])) {
				return tag
			}
			alt := ""
			if a := imgAltRE.FindStringSubmatch(tag); a != nil {
				alt = unescapeAttr(a[1])
			}
			return fn(unescapeAttr(m[2]), alt)
		})
	}
	if strings.Contains(h, "[sound:") {
		h = soundRE.ReplaceAllStringFunc(h, func(m string) string {
			return fn(soundRE.FindStringSubmatch(m)[1], "")
		})
	}
	return h
}
