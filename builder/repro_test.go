package builder

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/cardgen/cardgen/lock"
)

// reproFormats is every format this cardgen writes whose bytes must not vary.
func reproFormats() []string {
	var out []string
	for _, f := range Formats() {
		if Reproducible(f) {
			out = append(out, f)
		}
	}
	return out
}

// machine is what differs between two build hosts that cardgen must not let show.
type machine struct {
	procs int            // GOMAXPROCS: renders finish in another order
	zone  *time.Location // the local time zone
	now   time.Time      // the wall clock
	rel   bool           // config named relative to the working directory, not by absolute path
}

// buildOn builds the deck in dir as the given machine would.
func buildOn(t *testing.T, dir string, m machine, epoch time.Time) *Result {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(m.procs))
	saved := time.Local
	time.Local = m.zone
	defer func() { time.Local = saved }()
	cfg := filepath.Join(dir, "config.toml")
	if m.rel {
		t.Chdir(dir)
		cfg = "config.toml"
	}
	var stderr bytes.Buffer
	res, err := Run(Options{ConfigPath: cfg, Formats: reproFormats(), Epoch: epoch, Now: func() time.Time { return m.now }, Stderr: &stderr})
	if err != nil {
		t.Fatalf("build in %s: %v\n%s", dir, err, stderr.String())
	}
	return res
}

// twoDecks copies the test deck into two folders and gives both the same
// lock, made by an earlier build at another time.
func twoDecks(t *testing.T) (a, b string) {
	t.Helper()
	seed := t.TempDir()
	decktest.CopyTree(t, "testdata/repro", seed)
	buildOn(t, seed, machine{procs: 2, zone: time.UTC, now: time.Unix(1600000000, 0)}, time.Time{})
	lockData, err := os.ReadFile(filepath.Join(seed, "cardgen.lock"))
	if err != nil {
		t.Fatal(err)
	}
	a, b = t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		decktest.CopyTree(t, "testdata/repro", d)
		if err := os.WriteFile(filepath.Join(d, "cardgen.lock"), lockData, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return a, b
}

// sameBytes fails unless both folders hold the same output files with the same bytes.
func sameBytes(t *testing.T, a, b string) {
	t.Helper()
	names := func(dir string) []string {
		var out []string
		entries, err := os.ReadDir(filepath.Join(dir, "dist"))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			out = append(out, filepath.Join("dist", e.Name()))
		}
		return append(out, "cardgen.lock", "README.md")
	}
	na, nb := names(a), names(b)
	if !slices.Equal(na, nb) {
		t.Fatalf("the builds wrote different files:\n%v\n%v", na, nb)
	}
	for _, n := range na {
		da, err := os.ReadFile(filepath.Join(a, n))
		if err != nil {
			t.Fatal(err)
		}
		db, err := os.ReadFile(filepath.Join(b, n))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(da, db) {
			t.Errorf("%s differs between the two builds (%d and %d bytes)", n, len(da), len(db))
		}
	}
}

func TestBuildsAreByteIdentical(t *testing.T) {
	a, b := twoDecks(t)
	epoch := time.Unix(1700000000, 0).UTC()
	first := machine{procs: 1, zone: time.UTC, now: time.Unix(1750000000, 0), rel: true}
	second := machine{procs: 8, zone: time.FixedZone("UTC+13", 13*3600), now: time.Unix(1750000000+3*86400+37, 0)}

	res := buildOn(t, a, first, epoch)
	// Some real time passes too, for any clock read the injected one does not cover.
	time.Sleep(1100 * time.Millisecond)
	buildOn(t, b, second, epoch)
	sameBytes(t, a, b)

	formats := map[string]bool{}
	for _, art := range res.Artifacts {
		formats[art.Format] = true
	}
	for _, f := range reproFormats() {
		if !formats[f] {
			t.Errorf("format %s was not built, so its reproducibility is untested", f)
		}
	}

	// No SOURCE_DATE_EPOCH, an up-to-date lock: the clock does not show either.
	buildOn(t, a, first, time.Time{})
	buildOn(t, b, second, time.Time{})
	sameBytes(t, a, b)
}

// An out-of-date lock is brought up to date from Epoch, never from the clock.
func TestOutOfDateLockIsUpdatedFromEpoch(t *testing.T) {
	a, b := twoDecks(t)
	for _, d := range []string{a, b} {
		path := filepath.Join(d, "cards", "normalization.toml")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, bytes.Replace(data, []byte(`answer = "LayerNorm"`), []byte(`answer = "LayerNorm (and RMSNorm)"`), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	epoch := time.Unix(1800000000, 0).UTC()
	buildOn(t, a, machine{procs: 1, zone: time.UTC, now: time.Unix(1810000000, 0)}, epoch)
	buildOn(t, b, machine{procs: 4, zone: time.FixedZone("UTC-9", -9*3600), now: time.Unix(1820000000, 0)}, epoch)
	sameBytes(t, a, b)
	l, err := lock.Load(filepath.Join(a, "cardgen.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Cards["layernorm"].Mod; got != epoch.Unix() {
		t.Errorf("edited card's mod = %d, want the epoch %d", got, epoch.Unix())
	}
	if got := l.Cards["batchnorm"].Mod; got == epoch.Unix() {
		t.Errorf("unchanged card's mod moved to the epoch")
	}
}

// readSums parses SHA256SUMS into file name -> digest, in file order.
func readSums(t *testing.T, path string) (names []string, sums map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums = map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 || strings.ContainsAny(name, `/\`) {
			t.Fatalf("%s: bad line %q", path, sc.Text())
		}
		names = append(names, name)
		sums[name] = sum
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return names, sums
}

func TestChecksumsAndManifest(t *testing.T) {
	dir := t.TempDir()
	decktest.CopyTree(t, "testdata/repro", dir)
	res := buildOn(t, dir, machine{procs: 2, zone: time.UTC, now: time.Unix(1700000000, 0)}, time.Time{})
	dist := filepath.Join(dir, "dist")

	names, sums := readSums(t, filepath.Join(dist, SumsName))
	if !slices.IsSorted(names) {
		t.Errorf("%s is not sorted by file name: %v", SumsName, names)
	}
	var want []string
	for _, a := range res.Artifacts {
		want = append(want, filepath.Base(a.Path))
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("%s lists %v, want the artifacts %v", SumsName, names, want)
	}
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dist, n))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != sums[n] {
			t.Errorf("%s: SHA256SUMS says %s, the file hashes to %s", n, sums[n], got)
		}
	}
	if sha, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command(sha, "-c", "--strict", SumsName)
		cmd.Dir = dist
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("sha256sum -c in dist/: %v\n%s", err, out)
		}
	} else {
		t.Log("sha256sum not found; checked the sums in Go only")
	}

	data, err := os.ReadFile(filepath.Join(dist, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(data, []byte("}\n")) || !bytes.Contains(data, []byte("\n  \"cardgen\": ")) {
		t.Errorf("manifest.json is not indented JSON with a trailing newline:\n%s", data)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	if m.ManifestVersion != ManifestVersion || m.Deck != "repro" || m.Cardgen != Version() {
		t.Errorf("manifest header = %d %q %q", m.ManifestVersion, m.Deck, m.Cardgen)
	}
	if len(m.Artifacts) != len(names) {
		t.Fatalf("manifest lists %d artifacts, SHA256SUMS %d", len(m.Artifacts), len(names))
	}
	for i, a := range m.Artifacts {
		if a.File != names[i] || a.SHA256 != sums[a.File] || !a.Reproducible {
			t.Errorf("manifest artifact %d = %+v, want file %s with sha256 %s", i, a, names[i], sums[names[i]])
		}
		switch a.Target {
		case "all":
			if a.Cards != 5 || !slices.Equal(a.Topics, []string{"detection", "normalization"}) {
				t.Errorf("%s: %d cards, topics %v", a.File, a.Cards, a.Topics)
			}
		case "normalization":
			if a.Cards != 2 || !slices.Equal(a.Topics, []string{"normalization"}) {
				t.Errorf("%s: %d cards, topics %v", a.File, a.Cards, a.Topics)
			}
		default:
			t.Errorf("%s: unexpected target %q", a.File, a.Target)
		}
	}
}

// A failed build leaves the previous checksums and manifest, and no temporary file.
func TestFailedBuildKeepsChecksums(t *testing.T) {
	dir := t.TempDir()
	decktest.CopyTree(t, "testdata/repro", dir)
	buildOn(t, dir, machine{procs: 2, zone: time.UTC, now: time.Unix(1700000000, 0)}, time.Time{})
	dist := filepath.Join(dir, "dist")
	before, err := os.ReadFile(filepath.Join(dist, SumsName))
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dist)

	opts := Options{ConfigPath: filepath.Join(dir, "config.toml"), Formats: []string{"csv"}}
	opts.Filter.Tags = []string{"no-such-tag"}
	if _, err := Run(opts); err == nil {
		t.Fatal("a build selecting no cards succeeded")
	}
	after, err := os.ReadFile(filepath.Join(dist, SumsName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("a failed build changed SHA256SUMS")
	}
	if now, _ := os.ReadDir(dist); len(now) != len(entries) {
		t.Errorf("a failed build left files behind: %d entries, had %d", len(now), len(entries))
	}
}
