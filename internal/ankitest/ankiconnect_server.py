"""An AnkiConnect-protocol server over a real Anki collection, for cardgen's tests.

AnkiConnect (add-on 2055492159) runs inside the Anki desktop app, which tests
cannot start. This server answers the same HTTP + JSON protocol (API version 6)
for exactly the actions `cardgen sync` uses, each implemented the way
AnkiConnect's plugin/__init__.py and plugin/web.py implement it, on top of
Anki's own library (the `anki` package) and a collection file given on the
command line. Request and reply shapes, the API key check and the error
strings are AnkiConnect's.

Actions whose name starts with `cardgenTest` are not AnkiConnect's: tests use
them to inspect the collection, add a note by hand and answer cards.

Usage:
    python ankiconnect_server.py --collection PATH [--port 0] [--key KEY]
        [--delay SECONDS] [--exit-on ACTION] [--deny-permission] [--remote]

On start it prints one line, `listening on http://127.0.0.1:PORT`, and then
serves until killed. --exit-on ACTION ends the process, without replying,
right after handling ACTION, and --exit-on ACTION:before just before it (a
server that dies in the middle of a sync). --remote plays an Anki on another
machine: storeMediaFile cannot read the client's files by path.
"""

import argparse
import base64
import glob
import hashlib
import http.server
import json
import os
import sys
import time

from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.errors import NotFoundError
from anki.utils import ids2str, int_time

API_VERSION = 6


def api(func):
    """Marks a method as an action, as AnkiConnect's util.api() does."""
    func.api = True
    return func


class AnkiConnect:
    def __init__(self, col, key, deny_permission, remote):
        self.col = col
        self.key = key
        self.deny_permission = deny_permission
        self.remote = remote

    # AnkiConnect.handler: key check first (requestPermission is exempt), then
    # the action by name, called with params as keyword arguments; any
    # exception becomes {"result": null, "error": str(exception)}.
    def handler(self, request):
        name = request.get("action", "")
        version = request.get("version", 4)
        params = request.get("params", {})
        key = request.get("key")
        try:
            if key != self.key and name != "requestPermission":
                raise Exception("valid api key must be provided")
            method = getattr(self, name, None)
            if method is None or not getattr(method, "api", False):
                raise Exception("unsupported action")
            return format_success_reply(version, method(**params))
        except Exception as e:
            return format_exception_reply(version, e)

    # requestPermission: a request without an Origin header is allowed, and the
    # reply says whether a key is needed; a denied origin gets only "denied".
    @api
    def requestPermission(self, origin="", allowed=True):
        if not allowed or self.deny_permission:
            return {"permission": "denied"}
        return {"permission": "granted", "requireApikey": bool(self.key), "version": API_VERSION}

    # version: the apiVersion setting, 6.
    @api
    def version(self):
        return API_VERSION

    # apiReflect: which of the named actions exist.
    @api
    def apiReflect(self, scopes=None, actions=None):
        if not isinstance(scopes, list):
            raise Exception("scopes has invalid value")
        if not (actions is None or isinstance(actions, list)):
            raise Exception("actions has invalid value")
        result = {"scopes": []}
        if "actions" in scopes:
            names = actions if actions is not None else dir(type(self))
            result["scopes"].append("actions")
            result["actions"] = [
                n for n in names
                if isinstance(n, str) and getattr(getattr(type(self), n, None), "api", False)
                and not n.startswith("cardgenTest")
            ]
        return result

    # multi: each action through the handler, so each has its own key check
    # and its own {"result", "error"}.
    @api
    def multi(self, actions):
        return [self.handler(a) for a in actions]

    # getMediaDirPath: the absolute path of the collection's media folder.
    @api
    def getMediaDirPath(self):
        return os.path.abspath(self.col.media.dir())

    # storeMediaFile: base64 data (or a path); deleteExisting trashes a file of
    # that name first; returns the name written (Anki renames on a clash).
    @api
    def storeMediaFile(self, filename, data=None, path=None, url=None, skipHash=None, deleteExisting=True):
        if not (data or path or url):
            raise Exception('You must provide a "data", "path", or "url" field.')
        if data:
            media = base64.b64decode(data)
        elif path:
            if self.remote:
                # Not AnkiConnect: Anki on another machine, where the client's files are not.
                raise FileNotFoundError(2, "No such file or directory", path)
            with open(path, "rb") as f:
                media = f.read()
        else:
            raise Exception("url downloads are not available in this server")
        if skipHash is not None and skipHash == hashlib.md5(media).hexdigest():
            return None
        if deleteExisting:
            self.deleteMediaFile(filename)
        return self.col.media.write_data(filename, media)

    # getMediaFilesNames: names in the media folder matching a glob pattern.
    @api
    def getMediaFilesNames(self, pattern="*"):
        return [os.path.basename(p) for p in glob.glob(os.path.join(self.col.media.dir(), pattern))]

    # deleteMediaFile: moves the file to the media trash.
    @api
    def deleteMediaFile(self, filename):
        self.col.media.trash_files([filename])

    # importPackage: anki.importing.AnkiPackageImporter(col, path).run(). In
    # Anki 23.10+ that is the legacy shim over Collection.import_anki_package
    # with merge_notetypes, with_scheduling and with_deck_configs on and the
    # default update condition (if newer). The path is used as given.
    @api
    def importPackage(self, path):
        self.col.import_anki_package(
            ImportAnkiPackageRequest(
                package_path=path,
                options=ImportAnkiPackageOptions(
                    merge_notetypes=True, with_scheduling=True, with_deck_configs=True
                ),
            )
        )
        return True

    # findNotes / findCards: Anki's search; no query gives [].
    @api
    def findNotes(self, query=None):
        if query is None:
            return []
        return list(map(int, self.col.find_notes(query)))

    @api
    def findCards(self, query=None):
        if query is None:
            return []
        return list(map(int, self.col.find_cards(query)))

    # notesInfo: noteId, profile, tags, fields {name: {value, order}},
    # modelName, mod and card ids (by template order); {} for an unknown id.
    # No GUID: AnkiConnect never reports one.
    @api
    def notesInfo(self, notes=None, query=None):
        if notes is None and query is None:
            raise Exception('Must provide either "notes" or a "query"')
        if query is not None:
            notes = self.findNotes(query)
        result = []
        for nid in notes:
            try:
                note = self.col.get_note(nid)
            except NotFoundError:
                result.append({})
                continue
            model = note.note_type()
            fields = {f["name"]: {"value": note.fields[f["ord"]], "order": f["ord"]} for f in model["flds"]}
            result.append({
                "noteId": note.id,
                "profile": "User 1",
                "tags": note.tags,
                "fields": fields,
                "modelName": model["name"],
                "mod": note.mod,
                "cards": self.col.db.list("select id from cards where nid = ? order by ord", note.id),
            })
        return result

    # modelNamesAndIds: every note type's name and id.
    @api
    def modelNamesAndIds(self):
        return {m.name: int(m.id) for m in self.col.models.all_names_and_ids()}

    # modelFieldNames / modelTemplates / modelStyling: a note type by name;
    # templates as {name: {"Front": qfmt, "Back": afmt}}, styling as {"css": css}.
    def getModel(self, modelName):
        model = self.col.models.by_name(modelName)
        if model is None:
            raise Exception("model was not found: {}".format(modelName))
        return model

    @api
    def modelFieldNames(self, modelName):
        return [f["name"] for f in self.getModel(modelName)["flds"]]

    @api
    def modelTemplates(self, modelName):
        return {t["name"]: {"Front": t["qfmt"], "Back": t["afmt"]} for t in self.getModel(modelName)["tmpls"]}

    @api
    def modelStyling(self, modelName):
        return {"css": self.getModel(modelName)["css"]}

    # deleteNotes: Collection.remove_notes.
    @api
    def deleteNotes(self, notes):
        self.col.remove_notes(notes)

    # changeDeck: the deck is created if missing; cards leave any filtered
    # deck, then their did, mod and usn are set directly in SQL (scheduling
    # and history are untouched).
    @api
    def changeDeck(self, cards, deck):
        did = self.col.decks.id(deck)
        mod = int_time()
        usn = self.col.usn()
        self.col.sched.remFromDyn(cards)
        self.col.db.execute("update cards set usn=?, mod=?, did=? where id in " + ids2str(cards), usn, mod, did)

    # sync: without an AnkiWeb login AnkiConnect raises this error.
    @api
    def sync(self):
        raise Exception("sync: auth not configured")

    # answerCards: [{"cardId", "ease"}]; true per card answered, false for an
    # unknown card. Answers go through the scheduler, so revlog rows are real.
    @api
    def answerCards(self, answers):
        out = []
        for a in answers:
            try:
                card = self.col.get_card(a["cardId"])
            except NotFoundError:
                out.append(False)
                continue
            card.start_timer()
            self.col.sched.answerCard(card, a["ease"])
            out.append(True)
        return out

    # Not AnkiConnect: everything a test checks, read straight from the collection.
    @api
    def cardgenTestCollection(self):
        decks = {d.id: d.name for d in self.col.decks.all_names_and_ids()}
        notes = []
        for nid, guid, mid, mod, flds, tags in self.col.db.all("select id, guid, mid, mod, flds, tags from notes order by id"):
            cards = [
                {"id": cid, "ord": o, "deck": decks.get(did, ""), "reps": reps, "type": ty, "ivl": ivl}
                for cid, o, did, reps, ty, ivl in self.col.db.all(
                    "select id, ord, did, reps, type, ivl from cards where nid = ? order by ord", nid)
            ]
            notes.append({"id": nid, "guid": guid, "mid": mid, "mod": mod, "fields": flds.split("\x1f"),
                          "tags": tags.split(), "cards": cards})
        models = {str(m.id): m.name for m in self.col.models.all_names_and_ids()}
        mods = {str(m["id"]): m["mod"] for m in self.col.models.all()}
        return {"notes": notes, "models": models, "noteTypeMods": mods,
                "revlog": self.col.db.scalar("select count() from revlog")}

    # Not AnkiConnect: edits a note type's styling as the user does in Anki.
    @api
    def cardgenTestSetStyling(self, modelName, css):
        model = self.getModel(modelName)
        model["css"] = css
        self.col.models.update_dict(model)

    # Not AnkiConnect: adds a note the way a user does in the Add window.
    @api
    def cardgenTestAddNote(self, modelName, deckName, fields, tags=()):
        model = self.col.models.by_name(modelName)
        if model is None:
            raise Exception("model was not found: {}".format(modelName))
        note = self.col.new_note(model)
        for name, value in fields.items():
            note[name] = value
        note.tags = list(tags)
        self.col.add_note(note, self.col.decks.id(deckName))
        return note.id


# format_success_reply / format_exception_reply of plugin/web.py.
def format_success_reply(api_version, result):
    if api_version <= 4:
        return result
    return {"result": result, "error": None}


def format_exception_reply(_api_version, exception):
    return {"result": None, "error": str(exception)}


# plugin/web.py's request_schema, checked by hand (AnkiConnect uses jsonschema).
def schema_error(params):
    if not isinstance(params, dict):
        return "{} is not of type 'object'".format(json.dumps(params))
    if "action" not in params:
        return "'action' is a required property"
    if not isinstance(params["action"], str) or not params["action"]:
        return "{} is not a valid action".format(json.dumps(params["action"]))
    if "version" in params and (not isinstance(params["version"], int) or isinstance(params["version"], bool)):
        return "{} is not of type 'integer'".format(json.dumps(params["version"]))
    if "params" in params and not isinstance(params["params"], dict):
        return "{} is not of type 'object'".format(json.dumps(params["params"]))
    return None


def make_handler(anki, delay, exit_on):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if delay:
                time.sleep(delay)
            # WebServer.handlerWrapper: an empty body gets the version banner,
            # a body that is not a valid request gets an error reply.
            if not body:
                return self.reply("AnkiConnect v.{}".format(API_VERSION).encode())
            try:
                params = json.loads(body.decode("utf-8"))
                err = schema_error(params)
            except ValueError as e:
                params, err = None, str(e)
            if err is not None:
                return self.reply(json.dumps(format_exception_reply(API_VERSION, Exception(err))).encode())
            if params.get("action") == "requestPermission":
                params["params"] = dict(params.get("params", {}), allowed=True, origin=self.headers.get("Origin", ""))
            action = params.get("action")
            if exit_on == action + ":before":
                anki.col.close()
                os._exit(3)
            reply = anki.handler(params)
            if exit_on == action:
                anki.col.close()
                os._exit(3)
            self.reply(json.dumps(reply).encode("utf-8"))

        def reply(self, body):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Access-Control-Allow-Origin", "http://localhost")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--collection", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--key", default=None)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--exit-on", default=None)
    p.add_argument("--deny-permission", action="store_true")
    p.add_argument("--remote", action="store_true")
    args = p.parse_args()
    col = Collection(args.collection)
    anki = AnkiConnect(col, args.key, args.deny_permission, args.remote)
    # One request at a time, as AnkiConnect serves them on Anki's main thread.
    server = http.server.HTTPServer(("127.0.0.1", args.port), make_handler(anki, args.delay, args.exit_on))
    print("listening on http://127.0.0.1:{}".format(server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    finally:
        col.close()


if __name__ == "__main__":
    sys.exit(main())
