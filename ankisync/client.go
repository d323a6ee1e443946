// Package ankisync brings a running Anki in line with a deck over
// AnkiConnect (add-on 2055492159): HTTP + JSON, API version 6. It imports
// the package `cardgen build` writes through Anki's own importer, moves or
// deletes retired notes, and predicts all of it for a dry run.
package ankisync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// APIVersion is the AnkiConnect API version every request asks for.
const APIVersion = 6

// DefaultURL is where AnkiConnect listens unless its config says otherwise.
const DefaultURL = "http://127.0.0.1:8765"

// AddonCode is the code that installs AnkiConnect from Anki's add-on dialog.
const AddonCode = "2055492159"

// AnkiConnect's error strings (plugin/__init__.py), matched to tell the user what to do.
const (
	errKey         = "valid api key must be provided"
	errUnsupported = "unsupported action"
)

// Client talks to one AnkiConnect. Every call takes a context, so the
// caller decides timeouts.
type Client struct {
	URL  string
	Key  string
	HTTP *http.Client
}

// NewClient returns a client for url with the API key key ("" for none).
func NewClient(url, key string) *Client {
	return &Client{URL: url, Key: key, HTTP: &http.Client{}}
}

type request struct {
	Action  string `json:"action"`
	Version int    `json:"version"`
	Params  any    `json:"params,omitempty"`
	Key     string `json:"key,omitempty"`
}

type reply struct {
	Result json.RawMessage `json:"result"`
	Error  *string         `json:"error"`
}

// Error is an error AnkiConnect answered for an action.
type Error struct {
	Action string
	// Message is AnkiConnect's error string, verbatim.
	Message string
}

func (e *Error) Error() string {
	switch e.Message {
	case errKey:
		return "AnkiConnect refused the API key: pass the key set in AnkiConnect's config (Tools → Add-ons → AnkiConnect → Config, \"apiKey\") with --key or $" + EnvKey
	case errUnsupported:
		return fmt.Sprintf("this AnkiConnect has no action %q: update the add-on (Tools → Add-ons → Check for Updates; code %s)", e.Action, AddonCode)
	}
	return fmt.Sprintf("AnkiConnect %s: %s", e.Action, e.Message)
}

// EnvKey names the environment variable read when --key is not given.
const EnvKey = "CARDGEN_ANKICONNECT_KEY"

// Call runs one action and decodes its result into out (nil to ignore it).
func (c *Client) Call(ctx context.Context, action string, params, out any) error {
	body, err := json.Marshal(request{Action: action, Version: APIVersion, Params: params, Key: c.Key})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("--url %s: %w", c.URL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return c.transportError(action, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<30))
	if err != nil {
		return c.transportError(action, err)
	}
	if resp.StatusCode != http.StatusOK {
		hint := ""
		if resp.StatusCode == http.StatusForbidden {
			hint = " (AnkiConnect refuses this origin: see webCorsOriginList in its config)"
		}
		return fmt.Errorf("AnkiConnect at %s answered %s with HTTP %s%s", c.URL, action, resp.Status, hint)
	}
	var r reply
	if err := json.Unmarshal(data, &r); err != nil || (r.Error == nil && r.Result == nil && !bytes.Contains(data, []byte(`"error"`))) {
		return fmt.Errorf("the server at %s answered %s with %s, not AnkiConnect's JSON; is --url the AnkiConnect address?", c.URL, action, excerpt(data))
	}
	if r.Error != nil {
		return &Error{Action: action, Message: *r.Error}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(r.Result, out); err != nil {
		return fmt.Errorf("AnkiConnect %s answered %s: %w", action, excerpt(r.Result), err)
	}
	return nil
}

// transportError says why no answer came: nothing listening, a timeout or a broken connection.
func (c *Client) transportError(action string, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("AnkiConnect at %s did not answer %s in time (--timeout): is Anki busy, or a dialog open? Run the sync again once it is idle", c.URL, action)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("cannot reach AnkiConnect at %s: start Anki, and install the AnkiConnect add-on if it is not (Tools → Add-ons → Get Add-ons, code %s)", c.URL, AddonCode)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("AnkiConnect at %s closed the connection during %s (did Anki quit?); start Anki and run the sync again: it continues from what Anki holds", c.URL, action)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("AnkiConnect at %s, %s: %v; start Anki (with the AnkiConnect add-on, code %s) and run the sync again", c.URL, action, err, AddonCode)
}

func excerpt(b []byte) string {
	s := strings.ToValidUTF8(string(b), "?")
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	if s == "" {
		return "an empty body"
	}
	return fmt.Sprintf("%q", s)
}

// Permission is requestPermission's answer.
type Permission struct {
	Permission    string `json:"permission"`
	RequireAPIKey bool   `json:"requireApikey"`
	Version       int    `json:"version"`
}

// RequestPermission asks whether this client may use AnkiConnect; it needs no key.
func (c *Client) RequestPermission(ctx context.Context) (Permission, error) {
	var p Permission
	err := c.Call(ctx, "requestPermission", nil, &p)
	return p, err
}

// Version is AnkiConnect's API version.
func (c *Client) Version(ctx context.Context) (int, error) {
	var v int
	err := c.Call(ctx, "version", nil, &v)
	return v, err
}

// MissingActions returns the names among actions this AnkiConnect lacks (apiReflect).
func (c *Client) MissingActions(ctx context.Context, actions []string) ([]string, error) {
	var r struct {
		Actions []string `json:"actions"`
	}
	if err := c.Call(ctx, "apiReflect", map[string]any{"scopes": []string{"actions"}, "actions": actions}, &r); err != nil {
		return nil, err
	}
	var missing []string
	for _, a := range actions {
		found := false
		for _, b := range r.Actions {
			found = found || a == b
		}
		if !found {
			missing = append(missing, a)
		}
	}
	return missing, nil
}

// StoreMediaFile writes data into Anki's media folder as name and returns
// the name Anki used (it renames on a clash).
func (c *Client) StoreMediaFile(ctx context.Context, name string, data []byte) (string, error) {
	var stored string
	err := c.Call(ctx, "storeMediaFile", map[string]any{"filename": name, "data": data, "deleteExisting": true}, &stored)
	return stored, err
}

// StoreMediaFilePath has Anki copy the file at path, a path on Anki's
// machine, into its media folder as name; it returns the name Anki used.
func (c *Client) StoreMediaFilePath(ctx context.Context, name, path string) (string, error) {
	var stored string
	err := c.Call(ctx, "storeMediaFile", map[string]any{"filename": name, "path": path, "deleteExisting": true}, &stored)
	return stored, err
}

// DeleteMediaFile moves a media file to Anki's media trash.
func (c *Client) DeleteMediaFile(ctx context.Context, name string) error {
	return c.Call(ctx, "deleteMediaFile", map[string]any{"filename": name}, nil)
}

// MediaFileNames lists the media files whose names match a glob pattern.
func (c *Client) MediaFileNames(ctx context.Context, pattern string) ([]string, error) {
	var names []string
	err := c.Call(ctx, "getMediaFilesNames", map[string]any{"pattern": pattern}, &names)
	return names, err
}

// MediaDirPath is the absolute path of the media folder on Anki's machine.
func (c *Client) MediaDirPath(ctx context.Context) (string, error) {
	var dir string
	err := c.Call(ctx, "getMediaDirPath", nil, &dir)
	return dir, err
}

// ImportPackage imports the .apkg at path, a path on Anki's machine.
func (c *Client) ImportPackage(ctx context.Context, path string) error {
	var ok bool
	if err := c.Call(ctx, "importPackage", map[string]any{"path": path}, &ok); err != nil {
		return err
	}
	if !ok {
		return errors.New("AnkiConnect importPackage: no collection is open in Anki (open a profile)")
	}
	return nil
}

// FindNotes runs an Anki search for notes.
func (c *Client) FindNotes(ctx context.Context, query string) ([]int64, error) {
	var ids []int64
	err := c.Call(ctx, "findNotes", map[string]any{"query": query}, &ids)
	return ids, err
}

// FindCards runs an Anki search for cards.
func (c *Client) FindCards(ctx context.Context, query string) ([]int64, error) {
	var ids []int64
	err := c.Call(ctx, "findCards", map[string]any{"query": query}, &ids)
	return ids, err
}

// NoteInfo is one entry of notesInfo. AnkiConnect reports no GUID; Mod is
// absent (zero) before the versions of 2024.
type NoteInfo struct {
	NoteID int64 `json:"noteId"`
	Tags   []string
	Fields map[string]struct {
		Value string `json:"value"`
		Order int    `json:"order"`
	} `json:"fields"`
	ModelName string  `json:"modelName"`
	Mod       int64   `json:"mod"`
	Cards     []int64 `json:"cards"`
}

// NotesInfo returns the notes' fields, tags, note type name and cards.
func (c *Client) NotesInfo(ctx context.Context, ids []int64) ([]NoteInfo, error) {
	var out []NoteInfo
	err := c.Call(ctx, "notesInfo", map[string]any{"notes": ids}, &out)
	return out, err
}

// DeleteNotes deletes notes and their cards.
func (c *Client) DeleteNotes(ctx context.Context, ids []int64) error {
	return c.Call(ctx, "deleteNotes", map[string]any{"notes": ids}, nil)
}

// ChangeDeck moves cards to deck (created if missing), keeping their scheduling.
func (c *Client) ChangeDeck(ctx context.Context, cards []int64, deck string) error {
	return c.Call(ctx, "changeDeck", map[string]any{"cards": cards, "deck": deck}, nil)
}

// Sync runs Anki's sync with AnkiWeb.
func (c *Client) Sync(ctx context.Context) error {
	return c.Call(ctx, "sync", nil, nil)
}

// Action is one action of a multi call.
type Action struct {
	Action string `json:"action"`
	Params any    `json:"params,omitempty"`
}

// Multi runs several actions in one request; results[i] receives the result of actions[i].
func (c *Client) Multi(ctx context.Context, actions []Action, results []any) error {
	reqs := make([]request, len(actions))
	for i, a := range actions {
		reqs[i] = request{Action: a.Action, Version: APIVersion, Params: a.Params, Key: c.Key}
	}
	var replies []reply
	if err := c.Call(ctx, "multi", map[string]any{"actions": reqs}, &replies); err != nil {
		return err
	}
	if len(replies) != len(actions) {
		return fmt.Errorf("AnkiConnect multi answered %d results for %d actions", len(replies), len(actions))
	}
	for i, r := range replies {
		if r.Error != nil {
			return &Error{Action: actions[i].Action, Message: *r.Error}
		}
		if err := json.Unmarshal(r.Result, results[i]); err != nil {
			return fmt.Errorf("AnkiConnect %s answered %s: %w", actions[i].Action, excerpt(r.Result), err)
		}
	}
	return nil
}

// timeoutContext is ctx with d added, when d is positive.
func timeoutContext(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
