"""A thin JSON driver over Anki's own Python library, for cardgen's tests.

Usage: anki_driver.py COLLECTION_PATH

Opens (or creates) the collection, then reads one JSON request per line on
stdin, {"cmd": NAME, ...arguments}, and writes one JSON line per request on
stdout: {"ok": true, "result": ...} or {"ok": false, "error": Anki's message,
"kind": the exception's class}. Every command calls Anki's public API and
reports facts; the tests decide what is right.
"""

import base64
import json
import os
import sys
import traceback

# Anki and its deprecation shims may print: keep stdout for the replies.
_REPLY = sys.stdout
sys.stdout = sys.stderr

from anki.collection import (  # noqa: E402  (first: it sets up anki's modules)
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.buildinfo import version as anki_version  # noqa: E402
from anki.cards import Card  # noqa: E402
from anki.import_export_pb2 import (  # noqa: E402
    ImportAnkiPackageUpdateCondition,
    ImportCsvRequest,
)
from anki.scheduler.v3 import CardAnswer  # noqa: E402
from google.protobuf.json_format import MessageToDict  # noqa: E402

UPDATE_CONDITIONS = {
    "if_newer": ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
    "always": ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS,
    "never": ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_NEVER,
}

RATINGS = {
    "again": CardAnswer.AGAIN,
    "hard": CardAnswer.HARD,
    "good": CardAnswer.GOOD,
    "easy": CardAnswer.EASY,
}

LOG_KINDS = [
    "new",
    "updated",
    "duplicate",
    "conflicting",
    "first_field_match",
    "missing_notetype",
    "missing_deck",
    "empty_first_field",
]


class Driver:
    def __init__(self, path):
        self.path = path
        self.col = Collection(path)

    # --- import ---------------------------------------------------------

    def import_package(self, req):
        # Unset options keep what Anki's import dialog starts with.
        defaults = self.col._backend.get_import_anki_package_presets()

        def option(name):
            return req[name] if name in req else getattr(defaults, name)

        def condition(name):
            return UPDATE_CONDITIONS[req[name]] if name in req else getattr(defaults, name)

        opts = ImportAnkiPackageOptions(
            merge_notetypes=option("merge_notetypes"),
            with_scheduling=option("with_scheduling"),
            with_deck_configs=option("with_deck_configs"),
            update_notes=condition("update_notes"),
            update_notetypes=condition("update_notetypes"),
        )
        out = self.col.import_anki_package(
            ImportAnkiPackageRequest(package_path=req["path"], options=opts)
        )
        return import_log(out.log)

    def import_package_legacy(self, req):
        # The importer add-ons such as AnkiConnect call; it reports no log.
        from anki.importing import AnkiPackageImporter

        AnkiPackageImporter(self.col, req["path"]).run()
        return None

    def import_presets(self, req):
        return MessageToDict(
            self.col._backend.get_import_anki_package_presets(),
            preserving_proto_field_name=True,
            always_print_fields_with_no_presence=True,
            use_integers_for_enums=False,
        )

    def csv_metadata(self, req):
        meta = self.col.get_csv_metadata(req["path"], None)
        return MessageToDict(meta, preserving_proto_field_name=True)

    def import_csv(self, req):
        meta = self.col.get_csv_metadata(req["path"], None)
        out = self.col.import_csv(ImportCsvRequest(path=req["path"], metadata=meta))
        return import_log(out.log)

    # --- export ---------------------------------------------------------

    def export_package(self, req):
        from anki.collection import DeckIdLimit

        limit = None
        if req.get("deck"):
            did = self.col.decks.id_for_name(req["deck"])
            if did is None:
                raise ValueError("no deck named %r" % req["deck"])
            limit = DeckIdLimit(did)
        count = self.col.export_anki_package(
            out_path=req["path"],
            options=ExportAnkiPackageOptions(
                with_scheduling=req.get("with_scheduling", False),
                with_deck_configs=req.get("with_deck_configs", False),
                with_media=req.get("with_media", True),
                legacy=req.get("legacy", False),
            ),
            limit=limit,
        )
        return {"notes": count}

    def export_collection(self, req):
        # Exporting a .colpkg closes the collection; reopen it afterwards.
        try:
            self.col.export_collection_package(
                req["path"],
                include_media=req.get("include_media", True),
                legacy=req.get("legacy", False),
            )
        finally:
            self.col = Collection(self.path)
        return None

    # --- maintenance ----------------------------------------------------

    def fix_integrity(self, req):
        report, ok = self.col.fix_integrity()
        return {"ok": ok, "report": report}

    def check_media(self, req):
        out = self.col.media.check()
        return {
            "missing": list(out.missing),
            "unused": list(out.unused),
            "report": out.report,
        }

    # --- study ----------------------------------------------------------

    def review_all(self, req):
        """Answers every card the scheduler offers until none is left."""
        rating = RATINGS[req.get("rating", "easy")]
        limit = req.get("daily_limit", 9999)  # the most Anki allows
        for conf in self.col.decks.all_config():
            conf["new"]["perDay"] = limit
            conf["rev"]["perDay"] = limit
            self.col.decks.update_config(conf)
        answered = []
        # The scheduler studies the selected deck and its subdecks: study each top-level deck in turn.
        for deck in self.col.decks.all_names_and_ids():
            if "::" in deck.name:
                continue
            self.col.decks.select(deck.id)
            while len(answered) < req.get("max", 100000):
                queued = self.col.sched.get_queued_cards(fetch_limit=1)
                if not queued.cards:
                    break
                top = queued.cards[0]
                card = Card(self.col, backend_card=top.card)
                card.start_timer()
                answer = self.col.sched.build_answer(card=card, states=top.states, rating=rating)
                self.col.sched.answer_card(answer)
                answered.append(card.id)
        return {"answered": answered}

    # --- rendering ------------------------------------------------------

    def render(self, req):
        ids = req.get("cards") or list(self.col.find_cards(""))
        out = []
        for cid in ids:
            card = self.col.get_card(cid)
            out.append({"id": cid, "question": card.question(), "answer": card.answer()})
        return out

    # --- read-back ------------------------------------------------------

    def notes(self, req):
        out = []
        for nid in self.col.find_notes(""):
            n = self.col.get_note(nid)
            out.append(
                {
                    "id": n.id,
                    "guid": n.guid,
                    "mid": n.mid,
                    "mod": n.mod,
                    "usn": n.usn,
                    "fields": list(n.fields),
                    "tags": list(n.tags),
                }
            )
        return out

    def cards(self, req):
        rows = self.col.db.all(
            "select id, nid, did, ord, mod, type, queue, ivl, due, factor, reps, lapses, odid"
            " from cards order by id"
        )
        keys = ["id", "nid", "did", "ord", "mod", "type", "queue", "ivl", "due", "factor", "reps", "lapses", "odid"]
        return [dict(zip(keys, r)) for r in rows]

    def revlog(self, req):
        rows = self.col.db.all("select id, cid, ease, ivl, type from revlog order by id")
        return [dict(zip(["id", "cid", "ease", "ivl", "type"], r)) for r in rows]

    def decks(self, req):
        return [{"id": d.id, "name": d.name} for d in self.col.decks.all_names_and_ids()]

    def notetypes(self, req):
        out = []
        for nt in self.col.models.all():
            out.append(
                {
                    "id": nt["id"],
                    "name": nt["name"],
                    "cloze": nt["type"] == 1,
                    "mod": nt["mod"],
                    "fields": [f["name"] for f in nt["flds"]],
                    "templates": [
                        {"name": t["name"], "qfmt": t["qfmt"], "afmt": t["afmt"]} for t in nt["tmpls"]
                    ],
                    "css": nt["css"],
                }
            )
        return out

    def media(self, req):
        folder = self.col.media.dir()
        return sorted(f for f in os.listdir(folder) if os.path.isfile(os.path.join(folder, f)))

    def info(self, req):
        return {"version": anki_version, "path": self.path}

    # --- making content -------------------------------------------------

    def add_notetype(self, req):
        mm = self.col.models
        nt = mm.new(req["name"])
        if req.get("cloze"):
            nt["type"] = 1
        for name in req["fields"]:
            mm.add_field(nt, mm.new_field(name))
        for t in req["templates"]:
            tmpl = mm.new_template(t["name"])
            tmpl["qfmt"] = t["qfmt"]
            tmpl["afmt"] = t["afmt"]
            mm.add_template(nt, tmpl)
        if "css" in req:
            nt["css"] = req["css"]
        return {"id": mm.add_dict(nt).id}

    def add_deck(self, req):
        return {"id": self.col.decks.id(req["name"], create=True)}

    def add_notes(self, req):
        ids = []
        for spec in req["notes"]:
            nt = self.col.models.by_name(spec["notetype"])
            if nt is None:
                raise ValueError("no note type named %r" % spec["notetype"])
            note = self.col.new_note(nt)
            fields = spec["fields"]
            if len(fields) != len(note.fields):
                raise ValueError("note type %r has %d fields, got %d" % (spec["notetype"], len(note.fields), len(fields)))
            note.fields = list(fields)
            note.tags = list(spec.get("tags", []))
            if spec.get("guid"):
                note.guid = spec["guid"]
            self.col.add_note(note, self.col.decks.id(spec.get("deck", "Default"), create=True))
            ids.append(note.id)
        return {"ids": ids}

    def update_note(self, req):
        note = self.col.get_note(req["id"])
        if "fields" in req:
            note.fields = list(req["fields"])
        if "tags" in req:
            note.tags = list(req["tags"])
        self.col.update_note(note)
        return None

    def add_media(self, req):
        data = base64.b64decode(req["data"])
        return {"name": self.col.media.write_data(req["name"], data)}

    def close(self, req):
        self.col.close()
        self.col = None
        return None


def import_log(log):
    out = {"found_notes": log.found_notes}
    for kind in LOG_KINDS:
        out[kind] = [{"id": n.id.nid, "fields": list(n.fields)} for n in getattr(log, kind)]
    return out


def reply(obj):
    _REPLY.write(json.dumps(obj, ensure_ascii=False) + "\n")
    _REPLY.flush()


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: anki_driver.py COLLECTION_PATH\n")
        return 2
    try:
        driver = Driver(sys.argv[1])
    except Exception as err:  # the collection cannot be opened
        reply({"ok": False, "error": str(err), "kind": type(err).__name__})
        return 1
    reply({"ok": True, "result": {"version": anki_version}})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            method = getattr(driver, req["cmd"], None)
            if method is None or req["cmd"].startswith("_"):
                raise ValueError("unknown command %r" % req["cmd"])
            result = method(req)
            reply({"ok": True, "result": result})
            if req["cmd"] == "close":
                return 0
        except Exception as err:
            traceback.print_exc(file=sys.stderr)
            reply({"ok": False, "error": str(err), "kind": type(err).__name__})
    if driver.col is not None:
        driver.col.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
