package ankisync_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/ankisync"
	"github.com/cardgen/cardgen/internal/ankitest"
	"github.com/cardgen/cardgen/internal/projlock"
)

// oneLine fails unless err is a single line holding every part of want.
func oneLine(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one naming %q", want)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error spans lines: %q", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not say %q", msg, w)
		}
	}
}

// leftovers lists the packages a sync left in Anki's media folder.
func leftovers(t *testing.T, collection string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(strings.TrimSuffix(collection, ".anki2")+".media", "cardgen-sync-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A server that dies in the middle of a sync, before or after the import:
// the sync fails with one clear line, and a rerun converges.
func TestSyncServerStoppedMidSync(t *testing.T) {
	for _, exitOn := range []string{"storeMediaFile", "importPackage:before", "importPackage", "changeDeck:before", "changeDeck"} {
		t.Run(exitOn, func(t *testing.T) {
			config := shippedDeck(t)
			ids := cardIDs(t, config)
			col := filepath.Join(t.TempDir(), "collection.anki2")
			action, _, _ := strings.Cut(exitOn, ":")
			if action == "changeDeck" { // changeDeck runs only when a retired note is moved
				srv := ankitest.StartConnect(t, ankitest.ConnectOptions{Collection: col})
				mustSync(t, srv, config, nil)
				srv.Stop()
				removeCard(t, filepath.Join(filepath.Dir(config), "cards", "normalization.toml"), "syncbn")
			}
			srv := ankitest.StartConnect(t, ankitest.ConnectOptions{Collection: col, ExitOn: exitOn})
			r := sync(t, srv, config, nil)
			oneLine(t, r.err, srv.URL, action, "run the sync again")
			srv.Stop()
			if !srv.Exited() {
				t.Fatal("the server did not stop")
			}

			srv = ankitest.StartConnect(t, ankitest.ConnectOptions{Collection: col})
			rerun := mustSync(t, srv, config, nil)
			snap := srv.Snapshot(t)
			checkNoDuplicates(t, snap)
			want := len(ids)
			if action == "changeDeck" {
				want = len(ids) // syncbn is kept as a retired note
				if !strings.HasSuffix(snap.ByID("syncbn")[0].Cards[0].Deck, "已删除 (retired)") {
					t.Errorf("the rerun did not move the retired card: %+v", snap.ByID("syncbn"))
				}
				if exitOn == "changeDeck:before" && len(rerun.Retired) != 1 {
					t.Errorf("the rerun should finish moving syncbn: %+v", rerun)
				}
			}
			if len(snap.Notes) != want {
				t.Errorf("%d notes after the rerun, want %d", len(snap.Notes), want)
			}
			if again := mustSync(t, srv, config, nil); again.Changes() {
				t.Errorf("the sync after the rerun still changes things: %+v", again)
			}
			if l := leftovers(t, col); len(l) != 0 {
				t.Errorf("packages left in the media folder: %v", l)
			}
		})
	}
}

func TestSyncAPIKey(t *testing.T) {
	srv := ankitest.StartConnect(t, ankitest.ConnectOptions{Key: "s3cret"})
	config := shippedDeck(t)
	r := sync(t, srv, config, func(o *ankisync.Options) { o.Key = "" })
	oneLine(t, r.err, "requires an API key", "--key", ankisync.EnvKey)
	r = sync(t, srv, config, func(o *ankisync.Options) { o.Key = "wrong" })
	oneLine(t, r.err, "refused the API key", "--key")
	if n := len(srv.Snapshot(t).Notes); n != 0 {
		t.Errorf("a sync with a bad key changed the collection: %d notes", n)
	}
	mustSync(t, srv, config, nil) // the right key works
}

func TestSyncPermissionDenied(t *testing.T) {
	srv := ankitest.StartConnect(t, ankitest.ConnectOptions{DenyPermission: true})
	r := sync(t, srv, shippedDeck(t), nil)
	oneLine(t, r.err, "denied permission")
}

func TestSyncSlowServer(t *testing.T) {
	srv := ankitest.StartConnect(t, ankitest.ConnectOptions{Delay: 3 * time.Second})
	r := sync(t, srv, shippedDeck(t), func(o *ankisync.Options) { o.Timeout = 200 * time.Millisecond })
	oneLine(t, r.err, "did not answer requestPermission in time", "--timeout")
}

// Servers that are not a working AnkiConnect: one clear line each, no panic.
func TestSyncBrokenServers(t *testing.T) {
	config := shippedDeck(t)
	for _, c := range []struct {
		name    string
		handler http.HandlerFunc
		want    []string
	}{
		{"html", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html><body>router login</body></html>"))
		},
			[]string{"not AnkiConnect's JSON", "<html>"}},
		{"truncated", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"result": {"permis`)) },
			[]string{"not AnkiConnect's JSON"}},
		{"empty", func(w http.ResponseWriter, r *http.Request) {}, []string{"an empty body"}},
		{"http error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) },
			[]string{"HTTP 500"}},
		{"forbidden", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) },
			[]string{"HTTP 403", "webCorsOriginList"}},
		{"wrong type", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"result": [1,2], "error": null}`)) },
			[]string{"requestPermission", "[1,2]"}},
		{"hang up", func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, []string{"requestPermission", "run the sync again"}},
		{"old AnkiConnect", oldAnkiConnect, []string{"no action \"apiReflect\"", "2055492159"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(c.handler)
			defer srv.Close()
			r := sync(t, &ankitest.Connect{URL: srv.URL}, config, nil)
			oneLine(t, r.err, c.want...)
		})
	}
}

// oldAnkiConnect answers like an AnkiConnect that predates apiReflect.
func oldAnkiConnect(w http.ResponseWriter, r *http.Request) {
	var body [512]byte
	n, _ := r.Body.Read(body[:])
	switch s := string(body[:n]); {
	case strings.Contains(s, `"requestPermission"`):
		w.Write([]byte(`{"result": {"permission": "granted", "requireApikey": false, "version": 6}, "error": null}`))
	case strings.Contains(s, `"version"`) && !strings.Contains(s, `"apiReflect"`):
		w.Write([]byte(`{"result": 6, "error": null}`))
	default:
		w.Write([]byte(`{"result": null, "error": "unsupported action"}`))
	}
}

func TestSyncAnkiNotRunning(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	r := sync(t, &ankitest.Connect{URL: url}, shippedDeck(t), nil)
	oneLine(t, r.err, "cannot reach AnkiConnect at "+url, "start Anki", "2055492159")
}

// A dry run writes nothing into the deck's repository, even with a stale lock.
func TestSyncDryRunLeavesLock(t *testing.T) {
	srv := ankitest.StartConnect(t, ankitest.ConnectOptions{})
	config := shippedDeck(t)
	lockPath := filepath.Join(filepath.Dir(config), "cardgen.lock")
	replaceIn(t, filepath.Join(filepath.Dir(config), "cards", "normalization.toml"), "**核心**:BatchNorm", "**核心(修订)**:BatchNorm")
	before, _ := os.ReadFile(lockPath)
	files := func() []string {
		entries, err := os.ReadDir(filepath.Dir(config))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			// The builder's OS lock, which any build takes, holds nothing.
			if e.Name() != projlock.Name {
				names = append(names, e.Name())
			}
		}
		return names
	}
	listed := files()
	mustSync(t, srv, config, dryRun)
	after, _ := os.ReadFile(lockPath)
	if string(before) != string(after) {
		t.Error("the dry run rewrote cardgen.lock")
	}
	if now := files(); !slices.Equal(listed, now) {
		t.Errorf("the dry run changed the deck's folder: %v, then %v", listed, now)
	}
	mustSync(t, srv, config, nil)
	after, _ = os.ReadFile(lockPath)
	if string(before) == string(after) {
		t.Error("the sync did not record the changed card in cardgen.lock, so the next sync would update it again")
	}
}

// Anki on another machine cannot read the package by path: it goes in the
// request instead, and the sync is the same.
func TestSyncRemoteAnki(t *testing.T) {
	srv := ankitest.StartConnect(t, ankitest.ConnectOptions{Remote: true})
	config := shippedDeck(t)
	p := mustSync(t, srv, config, nil)
	if want := cardIDs(t, config); len(p.Added) != len(want) || len(srv.Snapshot(t).Notes) != len(want) {
		t.Fatalf("added %d notes, Anki holds %d, want %d", len(p.Added), len(srv.Snapshot(t).Notes), len(want))
	}
	if again := mustSync(t, srv, config, nil); again.Changes() {
		t.Errorf("second sync: %+v", again)
	}
	if l := leftovers(t, srv.Collection); len(l) != 0 {
		t.Errorf("packages left in the media folder: %v", l)
	}
}
