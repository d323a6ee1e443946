// Command peerbench measures cardgen against the programs a deck could be
// written with instead, on one synthetic set, in one run:
//
//	go run ./tools/peerbench -n 100000 -rounds 3
//
// It generates the set from a seed (internal/synth), builds cardgen, then
// runs, interleaved, round after round:
//
//   - "sqlite3 + zip": the sqlite3 shell inserts the rows of cardgen's own
//     collection in one transaction, then `zip -6` packs it: the floor of
//     writing those rows;
//   - genanki (Python, from PyPI) and genanki-js (npm) on the same notes
//     (guid, fields, tags and note type read from cardgen's package);
//   - cardgen writing the .apkg with --no-cache, cold (an empty cache, which
//     it fills), and warm (the cache of the cold build, one card edited);
//   - cardgen writing every format of the config, with --no-cache.
//
// and prints the median wall time, CPU time (user + system), peak RSS and
// output size of each, with ratios to the minimal writer and to cardgen.
// The peers are installed at run time into -peers (a venv and an npm
// folder), never into the repository. -only picks variants by name prefix.
package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/cardgen/cardgen/internal/synth"
)

// Versions of the peers, pinned so runs compare.
const (
	genankiVersion   = "0.13.1"
	genankiJSVersion = "2.0.0"
)

type variant struct {
	name    string
	out     string           // the file whose size is reported
	prepare func() error     // before each round, untimed
	cmd     func() *exec.Cmd // the timed command
	after   func() error     // after each round, untimed
	runs    []sample
}

type sample struct {
	wall, cpu time.Duration
	rssKB     int64
	size      int64
}

func main() {
	n := flag.Int("n", 100000, "number of cards")
	seed := flag.Uint64("seed", 1, "seed of the synthetic set")
	rounds := flag.Int("rounds", 3, "rounds; each runs every variant once")
	work := flag.String("work", "/tmp/cardgen-peerbench", "folder for sets and outputs")
	peers := flag.String("peers", "/tmp/cardgen-peers", "folder the peers are installed into")
	only := flag.String("only", "", "comma-separated name prefixes of the variants to run (default all)")
	bin := flag.String("cardgen", "", "cardgen binary to measure (default: built from this tree)")
	flag.Parse()
	if err := run(*n, *seed, *rounds, *work, *peers, *only, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "peerbench:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, rounds int, work, peers, only, bin string) error {
	set := filepath.Join(work, fmt.Sprintf("set-%d-%d", n, seed))
	if _, err := os.Stat(filepath.Join(set, "config.toml")); err != nil {
		fmt.Fprintf(os.Stderr, "generating %d cards (seed %d) in %s\n", n, seed, set)
		if err := synth.Write(set, n, seed); err != nil {
			return err
		}
	}
	if bin == "" {
		bin = filepath.Join(work, "cardgen")
		if err := sh("", "go", "build", "-o", bin, "./cmd/cardgen"); err != nil {
			return err
		}
	}
	cfg := filepath.Join(set, "config.toml")
	cache := filepath.Join(set, "cache")
	dist := filepath.Join(set, "dist")
	full := filepath.Join(set, "dist-full")
	topic := filepath.Join(set, "cards", "topic-00.toml")
	original, err := os.ReadFile(topic)
	if err != nil {
		return err
	}
	cardgen := func(out string, args ...string) func() *exec.Cmd {
		return func() *exec.Cmd {
			c := exec.Command(bin, append([]string{"build", "--config", cfg, "--out", out, "-q"}, args...)...)
			c.Env = append(os.Environ(), "CARDGEN_CACHE_DIR="+cache)
			return c
		}
	}
	// A first build writes the lock and the package the peers' rows come from.
	if err := cardgen(dist, "--format", "apkg", "--no-cache")().Run(); err != nil {
		return fmt.Errorf("first cardgen build: %w", err)
	}
	apkgPath := filepath.Join(dist, "synth.apkg")
	rows := filepath.Join(work, "rows")
	if err := exportRows(apkgPath, rows); err != nil {
		return err
	}

	edits := 0
	vs := []*variant{
		{name: "sqlite3 + zip", out: filepath.Join(rows, "min.apkg"),
			prepare: func() error {
				os.Remove(filepath.Join(rows, "min.apkg"))
				return os.Remove(filepath.Join(rows, "min", "collection.anki2"))
			},
			cmd: func() *exec.Cmd {
				c := exec.Command("sh", "-c", "sqlite3 collection.anki2 < ../rows.sql && zip -q -6 ../min.apkg collection.anki2 media")
				c.Dir = filepath.Join(rows, "min")
				return c
			}},
		{name: "genanki " + genankiVersion, out: filepath.Join(rows, "genanki.apkg"),
			cmd: func() *exec.Cmd {
				return exec.Command(filepath.Join(peers, "venv", "bin", "python"), filepath.Join(peers, "node", "genanki_peer.py"),
					filepath.Join(rows, "notes.jsonl"), filepath.Join(rows, "genanki.apkg"))
			}},
		{name: "genanki-js " + genankiJSVersion, out: filepath.Join(rows, "genanki-js.apkg"),
			cmd: func() *exec.Cmd {
				return exec.Command("node", filepath.Join(peers, "node", "genanki_js_peer.mjs"),
					filepath.Join(rows, "notes.jsonl"), filepath.Join(rows, "genanki-js.apkg"))
			}},
		{name: "cardgen apkg --no-cache", out: apkgPath, cmd: cardgen(dist, "--format", "apkg", "--no-cache")},
		{name: "cardgen apkg cold", out: apkgPath, prepare: func() error { return os.RemoveAll(cache) },
			cmd: cardgen(dist, "--format", "apkg")},
		// Runs right after the cold build, whose cache it uses.
		{name: "cardgen apkg warm, 1 edit", out: apkgPath,
			prepare: func() error {
				edits++
				edited := bytes.Replace(original, []byte("answer = '''\n"), fmt.Appendf(nil, "answer = '''\nedit %d.\n", edits), 1)
				return os.WriteFile(topic, edited, 0o644)
			},
			cmd:   cardgen(dist, "--format", "apkg"),
			after: func() error { return os.WriteFile(topic, original, 0o644) }},
		{name: "cardgen all formats --no-cache", out: full, cmd: cardgen(full, "--no-cache")},
	}
	if only != "" {
		vs = slices.DeleteFunc(vs, func(v *variant) bool {
			for _, p := range strings.Split(only, ",") {
				if strings.HasPrefix(v.name, strings.TrimSpace(p)) {
					return false
				}
			}
			return true
		})
	}
	if slices.ContainsFunc(vs, func(v *variant) bool { return strings.HasPrefix(v.name, "genanki") }) {
		if err := installPeers(peers); err != nil {
			return err
		}
	}
	fmt.Printf("machine: %d cores, %s, %s, %s; load before: %s\n", runtime.NumCPU(), cpuModel(), memTotal(), runtime.Version(), loadavg())
	fmt.Printf("set: %d cards, seed %d (%s)\n", n, seed, set)
	for r := 1; r <= rounds; r++ {
		for _, v := range vs {
			if v.prepare != nil {
				if err := v.prepare(); err != nil && !errors.Is(err, os.ErrNotExist) {
					return err
				}
			}
			s, err := measure(v.cmd())
			if err != nil {
				return fmt.Errorf("%s: %w", v.name, err)
			}
			if s.size, err = size(v.out); err != nil {
				return err
			}
			if v.after != nil {
				if err := v.after(); err != nil {
					return err
				}
			}
			v.runs = append(v.runs, s)
			fmt.Fprintf(os.Stderr, "round %d: %-32s %7.2f s wall %7.2f s CPU %6d MB\n", r, v.name, s.wall.Seconds(), s.cpu.Seconds(), s.rssKB/1024)
		}
	}
	fmt.Printf("load after: %s\n\n", loadavg())
	printTable(vs, rounds)
	return nil
}

// measure runs c and returns its wall time, CPU time and peak RSS (of the
// process and the children it waited for).
func measure(c *exec.Cmd) (sample, error) {
	var stderr bytes.Buffer
	c.Stdout, c.Stderr = io.Discard, &stderr
	start := time.Now()
	err := c.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%w\n%s", err, stderr.String())
	}
	ru := c.ProcessState.SysUsage().(*syscall.Rusage)
	return sample{wall: wall, cpu: c.ProcessState.UserTime() + c.ProcessState.SystemTime(), rssKB: ru.Maxrss}, nil
}

func median(runs []sample) sample {
	pick := func(f func(sample) int64) int64 {
		xs := make([]int64, len(runs))
		for i, s := range runs {
			xs[i] = f(s)
		}
		slices.Sort(xs)
		return xs[len(xs)/2]
	}
	return sample{
		wall:  time.Duration(pick(func(s sample) int64 { return int64(s.wall) })),
		cpu:   time.Duration(pick(func(s sample) int64 { return int64(s.cpu) })),
		rssKB: pick(func(s sample) int64 { return s.rssKB }),
		size:  pick(func(s sample) int64 { return s.size }),
	}
}

func printTable(vs []*variant, rounds int) {
	var base, cg *sample
	meds := make([]sample, len(vs))
	for i, v := range vs {
		meds[i] = median(v.runs)
		switch v.name {
		case "sqlite3 + zip":
			base = &meds[i]
		case "cardgen apkg cold":
			cg = &meds[i]
		}
	}
	ratio := func(a, b time.Duration) string {
		if b <= 0 {
			return "–"
		}
		return fmt.Sprintf("%.2fx", float64(a)/float64(b))
	}
	fmt.Printf("medians of %d rounds; min–max of wall time in brackets\n\n", rounds)
	fmt.Println("| program | wall | CPU | peak RSS | output | wall, CPU / sqlite3+zip | wall, CPU / cardgen cold |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
	for i, v := range vs {
		m := meds[i]
		lo, hi := v.runs[0].wall, v.runs[0].wall
		for _, s := range v.runs {
			lo, hi = min(lo, s.wall), max(hi, s.wall)
		}
		vsBase, vsCG := "–", "–"
		if base != nil {
			vsBase = ratio(m.wall, base.wall) + ", " + ratio(m.cpu, base.cpu)
		}
		if cg != nil {
			vsCG = ratio(m.wall, cg.wall) + ", " + ratio(m.cpu, cg.cpu)
		}
		fmt.Printf("| %s | %.2f s (%.2f–%.2f) | %.2f s | %d MB | %.1f MB | %s | %s |\n", v.name, m.wall.Seconds(), lo.Seconds(), hi.Seconds(),
			m.cpu.Seconds(), m.rssKB/1024, float64(m.size)/(1<<20), vsBase, vsCG)
	}
}

// exportRows unpacks cardgen's package into dir: rows.sql (the sqlite3
// shell's dump of the collection, one transaction), min/media for the
// minimal writer, and notes.jsonl for the peers.
func exportRows(apkgPath, dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	unz := filepath.Join(dir, "unzipped")
	if err := os.MkdirAll(filepath.Join(dir, "min"), 0o755); err != nil {
		return err
	}
	if err := sh("", "unzip", "-q", "-d", unz, apkgPath); err != nil {
		return err
	}
	col := filepath.Join(unz, "collection.anki2")
	dump, err := os.Create(filepath.Join(dir, "rows.sql"))
	if err != nil {
		return err
	}
	c := exec.Command("sqlite3", col, ".dump")
	c.Stdout, c.Stderr = dump, os.Stderr
	if err := c.Run(); err != nil {
		dump.Close()
		return fmt.Errorf("sqlite3 .dump: %w", err)
	}
	if err := dump.Close(); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(unz, "media"), filepath.Join(dir, "min", "media")); err != nil {
		return err
	}
	return exportNotes(col, filepath.Join(dir, "notes.jsonl"))
}

func exportNotes(col, out string) error {
	db, err := sql.Open("sqlite3", "file:"+col+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var modelsJSON, decksJSON string
	if err := db.QueryRow("SELECT models, decks FROM col").Scan(&modelsJSON, &decksJSON); err != nil {
		return err
	}
	var models map[string]struct {
		ID    int64                   `json:"id"`
		Name  string                  `json:"name"`
		Type  int                     `json:"type"`
		CSS   string                  `json:"css"`
		Req   json.RawMessage         `json:"req"`
		Flds  []struct{ Name string } `json:"flds"`
		Tmpls []struct {
			Name string `json:"name"`
			Qfmt string `json:"qfmt"`
			Afmt string `json:"afmt"`
		} `json:"tmpls"`
	}
	if err := json.Unmarshal([]byte(modelsJSON), &models); err != nil {
		return err
	}
	var decks map[string]struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(decksJSON), &decks); err != nil {
		return err
	}
	var mid, did int64
	if err := db.QueryRow("SELECT n.mid, c.did FROM notes n JOIN cards c ON c.nid = n.id LIMIT 1").Scan(&mid, &did); err != nil {
		return err
	}
	var others int
	if err := db.QueryRow("SELECT count(*) FROM notes WHERE mid != ?", mid).Scan(&others); err != nil || others > 0 {
		return fmt.Errorf("the set's notes use more than one note type (%d others, %v)", others, err)
	}
	m := models[fmt.Sprint(mid)]
	type tmpl struct {
		Name string `json:"name"`
		Qfmt string `json:"qfmt"`
		Afmt string `json:"afmt"`
	}
	head := struct {
		DeckID   int64  `json:"deck_id"`
		DeckName string `json:"deck_name"`
		Model    struct {
			ID        int64           `json:"id"`
			Name      string          `json:"name"`
			Type      int             `json:"type"`
			CSS       string          `json:"css"`
			Req       json.RawMessage `json:"req"`
			Fields    []string        `json:"fields"`
			Templates []tmpl          `json:"templates"`
		} `json:"model"`
	}{DeckID: did, DeckName: decks[fmt.Sprint(did)].Name}
	head.Model.ID, head.Model.Name, head.Model.Type, head.Model.CSS, head.Model.Req = m.ID, m.Name, m.Type, m.CSS, m.Req
	for _, f := range m.Flds {
		head.Model.Fields = append(head.Model.Fields, f.Name)
	}
	for _, t := range m.Tmpls {
		head.Model.Templates = append(head.Model.Templates, tmpl(t))
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(head); err != nil {
		return err
	}
	rs, err := db.Query("SELECT guid, flds, tags FROM notes ORDER BY id")
	if err != nil {
		return err
	}
	defer rs.Close()
	type note struct {
		GUID   string   `json:"guid"`
		Fields []string `json:"fields"`
		Tags   []string `json:"tags"`
	}
	for rs.Next() {
		var guid, flds, tags string
		if err := rs.Scan(&guid, &flds, &tags); err != nil {
			return err
		}
		if err := enc.Encode(note{GUID: guid, Fields: strings.Split(flds, "\x1f"), Tags: strings.Fields(tags)}); err != nil {
			return err
		}
	}
	if err := rs.Err(); err != nil {
		return err
	}
	return f.Close()
}

// installPeers puts genanki in a venv and genanki-js in an npm folder under
// dir, once, and copies the two drivers next to them.
func installPeers(dir string) error {
	venv := filepath.Join(dir, "venv")
	nodeDir := filepath.Join(dir, "node")
	if err := os.MkdirAll(nodeDir, 0o755); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(venv, "bin", "python")); err != nil {
		if err := sh("", "python3", "-m", "venv", venv); err != nil {
			return err
		}
	}
	if sh("", filepath.Join(venv, "bin", "python"), "-c", "import genanki") != nil {
		if err := sh("", filepath.Join(venv, "bin", "pip"), "install", "-q", "genanki=="+genankiVersion); err != nil {
			return err
		}
	}
	lib := filepath.Join(nodeDir, "node_modules", "genanki-js", "dist", "genanki.js")
	if _, err := os.Stat(lib); err != nil {
		if _, err := os.Stat(filepath.Join(nodeDir, "package.json")); err != nil {
			if err := os.WriteFile(filepath.Join(nodeDir, "package.json"), []byte("{\"private\": true}\n"), 0o644); err != nil {
				return err
			}
		}
		if err := sh(nodeDir, "npm", "install", "--no-audit", "--no-fund", "genanki-js@"+genankiJSVersion); err != nil {
			return err
		}
	}
	// The library imports file-saver (CommonJS) by a named export, which
	// only a bundler accepts; Node takes the same binding from its default export.
	src, err := os.ReadFile(lib)
	if err != nil {
		return err
	}
	src = bytes.Replace(src, []byte(`import { saveAs } from "file-saver";`), []byte(`import fileSaver from "file-saver"; const { saveAs } = fileSaver;`), 1)
	if err := os.WriteFile(filepath.Join(nodeDir, "genanki.mjs"), src, 0o644); err != nil {
		return err
	}
	for _, name := range []string{"genanki_peer.py", "genanki_js_peer.mjs"} {
		if err := copyFile(filepath.Join("tools", "peerbench", "peers", name), filepath.Join(nodeDir, name)); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

func size(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	if !fi.IsDir() {
		return fi.Size(), nil
	}
	var total int64
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			total += info.Size()
		}
		return err
	})
	return total, err
}

func sh(dir, name string, args ...string) error {
	c := exec.Command(name, args...)
	c.Dir, c.Stdout, c.Stderr = dir, os.Stderr, os.Stderr
	if err := c.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func memTotal() string {
	b, _ := os.ReadFile("/proc/meminfo")
	var kb int64
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "MemTotal:") {
			fmt.Sscan(strings.TrimPrefix(l, "MemTotal:"), &kb)
		}
	}
	return fmt.Sprintf("%.0f GB", float64(kb)/(1<<20))
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
