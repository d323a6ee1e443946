"""Writes the notes of notes.jsonl with genanki, for tools/peerbench.

usage: python genanki_peer.py NOTES.jsonl OUT.apkg

The first line of NOTES.jsonl is the deck and note type, every other line one
note (guid, fields, tags), as tools/peerbench exports them from cardgen's own
package, so both write the same notes.
"""

import json
import sys

import genanki


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        head = json.loads(f.readline())
        m = head["model"]
        model = genanki.Model(
            m["id"],
            m["name"],
            fields=[{"name": n} for n in m["fields"]],
            templates=[{"name": t["name"], "qfmt": t["qfmt"], "afmt": t["afmt"]} for t in m["templates"]],
            css=m["css"],
            model_type=genanki.Model.CLOZE if m["type"] == 1 else genanki.Model.FRONT_BACK,
        )
        deck = genanki.Deck(head["deck_id"], head["deck_name"])
        for line in f:
            n = json.loads(line)
            deck.add_note(genanki.Note(model=model, fields=n["fields"], guid=n["guid"], tags=n["tags"]))
    genanki.Package(deck).write_to_file(out)


if __name__ == "__main__":
    main()
