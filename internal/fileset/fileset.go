// Package fileset replaces a set of files all together or not at all, for a
// reader, a crash and a second process alike.
//
// A commit has three phases. Stage: every new file is already complete and
// synced as a temporary file beside its destination; the output folder's
// new state is assembled in a sibling folder (unchanged files hard-linked,
// new ones moved in), and the old version of every other file is linked to
// a backup. Decide: a journal naming every step is written and synced; this
// is the commit point. Switch: the staged folder is exchanged with the
// output folder in one atomic rename (renameat2 RENAME_EXCHANGE on Linux;
// elsewhere two renames, so a reader may briefly find no folder but never a
// mixed one), then every other file is renamed into place. A failure before
// the journal leaves everything as it was; a failure while switching is
// undone from the backups; a crash after the journal is finished by the
// next run (Recover), which also removes what an interrupted stage left.
package fileset

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cardgen/cardgen/internal/faultinject"
	"github.com/cardgen/cardgen/internal/safefile"
)

// File is one file of the set: Tmp is complete and synced, in Final's folder.
type File struct{ Tmp, Final string }

// Set is what one commit changes.
type Set struct {
	// Journal is where the commit's journal is written (in the project folder).
	Journal string
	// Dir is the output folder; DirFiles are the files of the set inside it.
	Dir      string
	DirFiles []File
	// Files are the files of the set outside Dir.
	Files []File
}

type journal struct {
	// Dir is swapped with Staged; StagedID identifies the new folder wherever it is.
	Dir      string `json:"dir,omitempty"`
	Staged   string `json:"staged,omitempty"`
	StagedID string `json:"staged_id,omitempty"`
	// Old is where the old folder goes when the OS cannot exchange two folders.
	Old   string  `json:"old,omitempty"`
	Files []jfile `json:"files"`
}

type jfile struct {
	Tmp    string `json:"tmp"`
	Final  string `json:"final"`
	Backup string `json:"backup,omitempty"`
}

// exchangeFolders is exchange; tests replace it to take the path of systems without one.
var exchangeFolders = exchange

// TempPrefix and TempSuffix frame every temporary name cardgen makes.
const (
	TempPrefix = ".cardgen-"
	TempSuffix = ".tmp"
)

// Commit replaces the set's files with their temporary files, all or none.
// On error nothing changed and the temporary files are removed (unless the
// error says the journal was left for the next run to finish).
func Commit(s Set) (err error) {
	j := &journal{}
	var cleanup []string
	defer func() {
		if err != nil {
			for _, p := range cleanup {
				os.RemoveAll(p)
			}
		}
	}()
	for _, f := range append(append([]File{}, s.DirFiles...), s.Files...) {
		cleanup = append(cleanup, f.Tmp)
	}
	if err := check(s); err != nil {
		return err
	}
	// The journal holds absolute paths: the next run may start elsewhere.
	if err := absolute(&s); err != nil {
		return err
	}
	files := s.Files
	if s.Dir != "" && len(s.DirFiles) > 0 {
		plain, err := plainFolder(s.Dir, s.Files)
		if err != nil {
			return err
		}
		if plain {
			staged, err := stage(s.Dir, s.DirFiles)
			if staged != "" {
				cleanup = append(cleanup, staged)
			}
			if err != nil {
				return err
			}
			id, err := fileID(staged)
			if err != nil {
				return err
			}
			j.Dir, j.Staged, j.StagedID = s.Dir, staged, id
			j.Old = tempName(filepath.Dir(s.Dir), filepath.Base(s.Dir)+"-old")
		} else {
			// A folder that also holds other folders (or the project) changes file by file.
			files = append(append([]File{}, s.DirFiles...), s.Files...)
		}
	}
	for _, f := range files {
		jf := jfile{Tmp: f.Tmp, Final: f.Final}
		if _, err := os.Lstat(f.Final); err == nil {
			jf.Backup = tempName(filepath.Dir(f.Final), "old")
			if err := linkOrCopy(f.Final, jf.Backup); err != nil {
				return fmt.Errorf("%s: %w", f.Final, err)
			}
			cleanup = append(cleanup, jf.Backup)
		}
		j.Files = append(j.Files, jf)
	}
	if err := writeJournal(s.Journal, j); err != nil {
		return err
	}
	if err := apply(j); err != nil {
		if rerr := rollback(j); rerr != nil {
			cleanup = nil
			return fmt.Errorf("%w; undoing it failed too (%v): the next cardgen build finishes it from %s", err, rerr, s.Journal)
		}
		os.Remove(s.Journal)
		syncDir(filepath.Dir(s.Journal))
		return err
	}
	cleanup = nil
	return finish(s.Journal, j)
}

// check fails, before anything changes, for a set that cannot be committed.
func check(s Set) error {
	seen := map[string]string{}
	for _, f := range append(append([]File{}, s.DirFiles...), s.Files...) {
		abs, err := filepath.Abs(f.Final)
		if err != nil {
			return err
		}
		if prev, ok := seen[abs]; ok {
			return fmt.Errorf("%q and %q are the same file; give them different names", prev, f.Final)
		}
		seen[abs] = f.Final
		fi, err := os.Lstat(f.Final)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return fmt.Errorf("%q: %w", f.Final, err)
		case !fi.Mode().IsRegular():
			return fmt.Errorf("%q is %s, not a file; move it away", f.Final, safefile.Kind(fi.Mode()))
		}
		if filepath.Dir(f.Tmp) != filepath.Dir(f.Final) {
			return fmt.Errorf("%q: temporary file %q is in another folder", f.Final, f.Tmp)
		}
	}
	return nil
}

func absolute(s *Set) error {
	var errs []error
	abs := func(p *string) {
		if *p == "" {
			return
		}
		a, err := filepath.Abs(*p)
		errs = append(errs, err)
		*p = a
	}
	abs(&s.Journal)
	abs(&s.Dir)
	for _, fs := range [][]File{s.DirFiles, s.Files} {
		for i := range fs {
			abs(&fs[i].Tmp)
			abs(&fs[i].Final)
		}
	}
	return errors.Join(errs...)
}

// plainFolder reports whether dir holds only regular files and none of the
// other files of the set, so it can be staged and swapped as a whole.
func plainFolder(dir string, others []File) (bool, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	for _, e := range ents {
		if isTemp(e.Name()) {
			continue
		}
		if !e.Type().IsRegular() {
			return false, nil
		}
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return false, err
	}
	for _, f := range others {
		if a, err := filepath.Abs(f.Final); err != nil || strings.HasPrefix(a, absDir+string(filepath.Separator)) {
			return false, err
		}
	}
	return true, nil
}

// stage assembles the new state of dir in a sibling folder: unchanged files
// hard-linked (copied where links are not possible), new files moved in.
func stage(dir string, files []File) (string, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return "", err
	}
	staged := tempName(filepath.Dir(dir), filepath.Base(dir))
	if err := faultinject.At("mkdir staged"); err != nil {
		return "", err
	}
	if err := os.Mkdir(staged, fi.Mode().Perm()); err != nil {
		return "", fmt.Errorf("cannot stage %s: %w", dir, err)
	}
	replaced := map[string]bool{}
	for _, f := range files {
		replaced[filepath.Base(f.Final)] = true
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return staged, err
	}
	for _, e := range ents {
		if isTemp(e.Name()) || replaced[e.Name()] {
			continue
		}
		if err := faultinject.At("link " + e.Name()); err != nil {
			return staged, err
		}
		if err := linkOrCopy(filepath.Join(dir, e.Name()), filepath.Join(staged, e.Name())); err != nil {
			return staged, fmt.Errorf("cannot stage %s: %w", filepath.Join(dir, e.Name()), err)
		}
	}
	for _, f := range files {
		if err := faultinject.At(faultinject.Point("stage", f.Final)); err != nil {
			return staged, err
		}
		if err := os.Rename(f.Tmp, filepath.Join(staged, filepath.Base(f.Final))); err != nil {
			return staged, fmt.Errorf("cannot stage %s: %w", f.Final, err)
		}
	}
	if err := faultinject.At("sync staged"); err != nil {
		return staged, err
	}
	return staged, syncDir(staged)
}

func writeJournal(path string, j *journal) error {
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	tmp := tempName(filepath.Dir(path), "journal")
	err = faultinject.At("write journal")
	if err == nil {
		err = os.WriteFile(tmp, data, 0o644)
	}
	if err == nil {
		err = faultinject.At("sync journal")
	}
	if err == nil {
		err = syncFile(tmp)
	}
	if err == nil {
		err = faultinject.At("rename journal")
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = faultinject.At("sync journal folder")
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		os.Remove(tmp)
		os.Remove(path)
		return fmt.Errorf("cannot write the commit journal %s: %w", path, err)
	}
	return nil
}

// apply switches to the new files, in journal order; it is also how Recover finishes a commit.
func apply(j *journal) error {
	if j.Staged != "" {
		done, err := swapped(j)
		if err != nil {
			return err
		}
		if !done {
			if err := faultinject.At(faultinject.Point("swap", j.Dir)); err != nil {
				return err
			}
			if err := swapFolders(j); err != nil {
				return fmt.Errorf("%s: %w", j.Dir, err)
			}
		}
		if err := faultinject.At(faultinject.Point("sync folder", filepath.Dir(j.Dir))); err != nil {
			return err
		}
		if err := syncDir(filepath.Dir(j.Dir)); err != nil {
			return err
		}
	}
	dirs := map[string]bool{}
	for _, f := range j.Files {
		if _, err := os.Lstat(f.Tmp); errors.Is(err, fs.ErrNotExist) {
			continue // renamed before an interruption
		}
		if err := faultinject.At(faultinject.Point("rename", f.Final)); err != nil {
			return err
		}
		if err := os.Rename(f.Tmp, f.Final); err != nil {
			return fmt.Errorf("%s: %w", f.Final, err)
		}
		dirs[filepath.Dir(f.Final)] = true
	}
	for d := range dirs {
		if err := faultinject.At(faultinject.Point("sync folder", d)); err != nil {
			return err
		}
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// swapped reports whether the staged folder is already the output folder.
func swapped(j *journal) (bool, error) {
	if id, err := fileID(j.Dir); err == nil && id == j.StagedID {
		return true, nil
	}
	if id, err := fileID(j.Staged); err != nil || id != j.StagedID {
		return false, fmt.Errorf("%s: the staged folder %s is gone; the commit cannot be finished: build again", j.Dir, j.Staged)
	}
	return false, nil
}

// swapFolders puts the staged folder at j.Dir and the old one at j.Staged
// (exchange) or j.Old (two renames).
func swapFolders(j *journal) error {
	if _, err := os.Lstat(j.Dir); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(j.Staged, j.Dir)
	}
	err := exchangeFolders(j.Dir, j.Staged)
	if err == nil || !errors.Is(err, errNoExchange) {
		return err
	}
	if err := os.Rename(j.Dir, j.Old); err != nil {
		return err
	}
	return os.Rename(j.Staged, j.Dir)
}

// rollback undoes what apply did after a failure (not a crash).
func rollback(j *journal) error {
	var errs []error
	for i := len(j.Files) - 1; i >= 0; i-- {
		f := j.Files[i]
		if _, err := os.Lstat(f.Tmp); err == nil {
			continue // never renamed
		}
		if f.Backup != "" {
			errs = append(errs, os.Rename(f.Backup, f.Final))
		} else {
			errs = append(errs, os.Remove(f.Final))
		}
	}
	if j.Staged != "" {
		if id, err := fileID(j.Dir); err == nil && id == j.StagedID {
			if _, err := os.Lstat(j.Old); err == nil {
				errs = append(errs, os.Rename(j.Dir, j.Staged), os.Rename(j.Old, j.Dir))
			} else {
				errs = append(errs, exchangeFolders(j.Dir, j.Staged))
			}
		} else if _, err := os.Lstat(j.Dir); errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, os.Rename(j.Old, j.Dir))
		}
		syncDir(filepath.Dir(j.Dir))
	}
	return errors.Join(errs...)
}

// finish removes the journal, then what the old state left behind. The
// new files are in place already: a journal that cannot be removed is
// finished (a no-op) and removed by the next run, not an error.
func finish(path string, j *journal) error {
	err := faultinject.At("remove journal")
	if err == nil {
		err = os.Remove(path)
	}
	if err != nil {
		return nil
	}
	syncDir(filepath.Dir(path))
	if j.Staged != "" {
		for _, old := range []string{j.Staged, j.Old} {
			if id, err := fileID(old); err == nil && id != j.StagedID {
				os.RemoveAll(old)
			}
		}
	}
	for _, f := range j.Files {
		if f.Backup != "" {
			os.Remove(f.Backup)
		}
	}
	return nil
}

// Recover finishes the commit an interrupted process left in the journal at
// path, if any. The journal is in the project folder, so it is checked as
// untrusted: it may only move cardgen's own temporary files onto siblings.
func Recover(path string) error {
	data, err := safefile.ReadFile(path, 1<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	j := &journal{}
	if err := json.Unmarshal(data, j); err != nil {
		return fmt.Errorf("%s: not a commit journal (%v); delete it", path, err)
	}
	if err := j.valid(); err != nil {
		return fmt.Errorf("%s: %v; delete it", path, err)
	}
	if err := apply(j); err != nil {
		return fmt.Errorf("cannot finish the build interrupted earlier (%s): %w", path, err)
	}
	return finish(path, j)
}

func (j *journal) valid() error {
	sibling := func(tmp, final string) error {
		if !isTemp(filepath.Base(tmp)) || filepath.Dir(tmp) != filepath.Dir(final) || filepath.Base(final) == "." {
			return fmt.Errorf("entry %q -> %q is not a cardgen temporary file beside its destination", tmp, final)
		}
		return nil
	}
	if j.Staged != "" {
		if err := sibling(j.Staged, j.Dir); err != nil {
			return err
		}
		if err := sibling(j.Old, j.Dir); err != nil {
			return err
		}
	}
	for _, f := range j.Files {
		if err := sibling(f.Tmp, f.Final); err != nil {
			return err
		}
		if f.Backup != "" {
			if err := sibling(f.Backup, f.Final); err != nil {
				return err
			}
		}
	}
	return nil
}

// Clean removes the temporary files and staged folders an interrupted run
// left in dirs (only names cardgen makes: .cardgen-*.tmp, and in the
// output folder's parent .cardgen-<output folder>-*.tmp). Call it after
// Recover, holding the project lock.
func Clean(outDir string, dirs ...string) {
	for _, d := range append(dirs, outDir) {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			if isTemp(e.Name()) && e.Type().IsRegular() {
				os.Remove(filepath.Join(d, e.Name()))
			}
		}
	}
	if outDir == "" {
		return
	}
	parent, base := filepath.Dir(outDir), filepath.Base(outDir)
	ents, _ := os.ReadDir(parent)
	for _, e := range ents {
		if n := e.Name(); e.IsDir() && isTemp(n) && strings.HasPrefix(n, TempPrefix+base+"-") {
			os.RemoveAll(filepath.Join(parent, n))
		}
	}
}

func isTemp(name string) bool {
	return strings.HasPrefix(name, TempPrefix) && strings.HasSuffix(name, TempSuffix)
}

// tempName is a fresh temporary name in dir: .cardgen-<what>-<random>.tmp.
func tempName(dir, what string) string {
	var b [8]byte
	rand.Read(b[:])
	return filepath.Join(dir, TempPrefix+what+"-"+hex.EncodeToString(b[:])+TempSuffix)
}

func linkOrCopy(from, to string) error {
	if err := os.Link(from, to); err == nil {
		return nil
	}
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(to)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(to)
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
