// Writes the notes of notes.jsonl with genanki-js, for tools/peerbench.
//
//   node genanki_js_peer.mjs NOTES.jsonl OUT.apkg
//
// tools/peerbench copies this file next to the installed package (genanki-js
// ships an ES module without declaring it one, so it is copied as
// genanki.mjs there). Package.writeToFile hands a Blob to the browser's
// "save as"; this does the same steps and writes the zip to a file instead.
import fs from "node:fs";
import readline from "node:readline";
import { createRequire } from "node:module";
import { Model, ClozeModel, Deck, Package, APKG_SCHEMA } from "./genanki.mjs";

const require = createRequire(import.meta.url);
const initSqlJs = require("sql.js");
const JSZip = require("jszip");

const [src, out] = process.argv.slice(2);
const lines = readline.createInterface({ input: fs.createReadStream(src, "utf8"), crlfDelay: Infinity });
let model, deck;
for await (const line of lines) {
  if (!line) continue;
  const v = JSON.parse(line);
  if (!model) {
    const m = v.model;
    const props = {
      id: m.id,
      name: m.name,
      flds: m.fields.map((name) => ({ name })),
      tmpls: m.templates.map((t) => ({ name: t.name, qfmt: t.qfmt, afmt: t.afmt })),
      css: m.css,
      req: m.req, // genanki computes it; genanki-js takes it from the caller
    };
    model = m.type === 1 ? new ClozeModel(props) : new Model(props);
    deck = new Deck(v.deck_id, v.deck_name);
    continue;
  }
  deck.addNote(model.note(v.fields, v.tags, v.guid));
}
const SQL = await initSqlJs();
const pkg = new Package();
pkg.addDeck(deck);
const db = new SQL.Database();
db.run(APKG_SCHEMA);
pkg.write(db);
const zip = new JSZip();
zip.file("collection.anki2", db.export());
zip.file("media", "{}");
fs.writeFileSync(out, await zip.generateAsync({ type: "nodebuffer" }));
