package builder

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cardgen/cardgen/cards"
)

// The files the checksum stage writes into the output folder, beside the artifacts.
const (
	SumsName     = "SHA256SUMS"
	ManifestName = "manifest.json"
)

// ManifestVersion is the layout of manifest.json; it changes only when a key changes meaning.
const ManifestVersion = 1

// Manifest is manifest.json: what a build wrote, for tools and release pages.
// It holds no time and no path outside the output folder, so two builds of
// the same inputs by the same cardgen write the same bytes.
type Manifest struct {
	ManifestVersion int `json:"manifest_version"`
	// Cardgen is the version that built the deck, as `cardgen version` prints it.
	Cardgen   string             `json:"cardgen"`
	Deck      string             `json:"deck"`
	Artifacts []ManifestArtifact `json:"artifacts"`
}

// ManifestArtifact is one file of the build, in file name order.
type ManifestArtifact struct {
	File   string `json:"file"`
	Format string `json:"format"`
	Target string `json:"target"`
	// Topics are the topics the target selects, or the topics of its cards
	// when it selects by none (the full deck, a tag selection); in config order.
	Topics []string `json:"topics"`
	Cards  int      `json:"cards"`
	SHA256 string   `json:"sha256"`
	// Reproducible is false for a format whose bytes differ between builds of the same inputs.
	Reproducible bool `json:"reproducible"`
}

// notReproducible lists the format families that are not byte-reproducible:
// the browser that prints a PDF embeds its own creation date and document id.
var notReproducible = []string{"pdf"}

// Reproducible reports whether two builds of the same inputs write the same
// bytes in format. Formats are named <family>[-<layout>], e.g. "pdf-quiz".
func Reproducible(format string) bool {
	family, _, _ := strings.Cut(format, "-")
	return !slices.Contains(notReproducible, family)
}

// topicsOf lists, in config order, the topics a target selects, or, for a
// target that selects none (the full deck, a tag selection), the topics of its cards.
func topicsOf(t cards.Target, d *cards.Deck) []string {
	out := []string{}
	for _, topic := range d.Config.Topics {
		if len(t.Topics) > 0 {
			if slices.Contains(t.Topics, topic.ID) {
				out = append(out, topic.ID)
			}
			continue
		}
		for _, c := range d.Cards {
			if c.HasTopic(topic.ID) {
				out = append(out, topic.ID)
				break
			}
		}
	}
	return out
}

// writeChecksums is the build stage after the exporters: from the sums the
// exporters' files were hashed to as they were written, it writes SHA256SUMS
// and manifest.json as temporary files too, so they are renamed into place
// together with the artifacts or not at all.
func writeChecksums(outDir string, cfg *cards.Config, arts []Artifact, pending []pendingFile) ([]pendingFile, error) {
	tmpOf := make(map[string]string, len(pending))
	for _, p := range pending {
		tmpOf[p.final] = p.tmp
	}
	order := make([]int, len(arts))
	for i := range arts {
		if _, ok := tmpOf[arts[i].Path]; !ok || arts[i].SHA256 == "" {
			return nil, fmt.Errorf("%s: no file was written for it", arts[i].Path)
		}
		order[i] = i
	}
	// Sorted by file name, so the order of targets and formats in the config does not show.
	slices.SortStableFunc(order, func(a, b int) int {
		return strings.Compare(filepath.Base(arts[a].Path), filepath.Base(arts[b].Path))
	})

	var sums bytes.Buffer
	m := Manifest{ManifestVersion: ManifestVersion, Cardgen: Version(), Deck: cfg.Deck.ID, Artifacts: []ManifestArtifact{}}
	for _, i := range order {
		a := arts[i]
		name := filepath.Base(a.Path)
		if strings.ContainsAny(name, "\\\n\r") {
			return nil, fmt.Errorf("%s: a file name with a backslash or line break cannot be listed in %s", a.Path, SumsName)
		}
		// Two spaces: the text-mode line sha256sum writes and `sha256sum -c` reads.
		fmt.Fprintf(&sums, "%s  %s\n", a.SHA256, name)
		topics := a.Topics
		if topics == nil {
			topics = []string{}
		}
		m.Artifacts = append(m.Artifacts, ManifestArtifact{File: name, Format: a.Format, Target: a.Target,
			Topics: topics, Cards: a.Cards, SHA256: a.SHA256, Reproducible: Reproducible(a.Format)})
	}
	manifest, err := marshalManifest(m)
	if err != nil {
		return nil, err
	}

	var out []pendingFile
	for _, f := range []struct {
		name string
		data []byte
	}{{SumsName, sums.Bytes()}, {ManifestName, manifest}} {
		final := filepath.Join(outDir, f.name)
		tmp, err := writeTemp(final, func(w io.Writer) error { _, err := w.Write(f.data); return err })
		if err != nil {
			for _, p := range out {
				os.Remove(p.tmp)
			}
			return nil, fmt.Errorf("%s: %w", final, err)
		}
		out = append(out, pendingFile{tmp: tmp, final: final})
	}
	return out, nil
}

// marshalManifest writes the manifest with two-space indentation, keys in
// struct order, '<' and '&' unescaped, and a trailing newline.
func marshalManifest(m Manifest) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
