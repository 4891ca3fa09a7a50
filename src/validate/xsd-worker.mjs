// The XSD validator's worker thread (started by xsd.ts). It owns the libxml2-wasm
// instance and the compiled schema sets for the life of the process, so each schema
// set is compiled once and every later validation reuses it.
//
// Why a worker, and why plain JavaScript: under tsx (the CLI and the bench run the
// TypeScript sources through it) importing libxml2-wasm on the main thread costs
// ~400 ms and ~150 MB, because tsx rewrites the dynamic import() inside its 1 MB
// WASM wrapper and builds a source map for it. A worker loads it natively in ~30 ms,
// and the schema compile then overlaps with loading and rendering the course.
//
// Messages in:  { id, op: 'compile', name, driver, files: { [rel]: Uint8Array } }
//               { id, op: 'validate', name, xml, url }
// Messages out: { id, ok: true } | { id, stage: 'parse' | 'validate' | 'compile', details, message }
import { parentPort } from 'node:worker_threads';
import {
  ParseOption,
  XmlBufferInputProvider,
  XmlDocument,
  XmlLibError,
  XsdValidator,
  xmlRegisterInputProvider,
} from 'libxml2-wasm';

/**
 * libxml2 loads imported schemas through input providers. This one serves only the
 * schema files it is given, from memory, under a URL scheme of its own: libxml2 never
 * reads a schema from disk or the network, and a document cannot make it read anything.
 */
const STORE = 'coursepack-schemas:/';
const store = new XmlBufferInputProvider({});
xmlRegisterInputProvider(store);

// xmllint's defaults: line numbers past 65535 stay right; never fetch anything over the network.
const PARSE_OPTIONS = ParseOption.XML_PARSE_COMPACT | ParseOption.XML_PARSE_BIG_LINES | ParseOption.XML_PARSE_NONET;

/** name → compiled XsdValidator */
const validators = new Map();

function details(err) {
  if (err instanceof XmlLibError) return err.details.map((d) => ({ message: d.message, level: d.level, line: d.line, file: d.file }));
  return [];
}

function compile({ name, driver, files }) {
  for (const [rel, bytes] of Object.entries(files)) store.addBuffer(STORE + rel, bytes);
  let xsd;
  try {
    xsd = XmlDocument.fromBuffer(files[driver], { url: STORE + driver });
  } catch (err) {
    return { stage: 'compile', details: details(err), message: String(err?.message ?? err) };
  }
  try {
    validators.set(name, XsdValidator.fromDoc(xsd));
    return { ok: true };
  } catch (err) {
    return { stage: 'compile', details: details(err), message: String(err?.message ?? err) };
  } finally {
    // The compiled schema keeps what it needs; the schema document can go.
    xsd.dispose();
  }
}

function validate({ name, xml, url }) {
  const validator = validators.get(name);
  if (!validator) return { stage: 'compile', details: [], message: `schema set ${name} is not compiled` };
  let doc;
  try {
    doc = XmlDocument.fromString(xml, { url, option: PARSE_OPTIONS });
  } catch (err) {
    return { stage: 'parse', details: details(err), message: String(err?.message ?? err) };
  }
  try {
    validator.validate(doc);
    return { ok: true };
  } catch (err) {
    return { stage: 'validate', details: details(err), message: String(err?.message ?? err) };
  } finally {
    doc.dispose();
  }
}

parentPort.on('message', (msg) => {
  let reply;
  try {
    reply = msg.op === 'compile' ? compile(msg) : validate(msg);
  } catch (err) {
    // The WASM run itself failed (e.g. out of memory): report it, never as "valid".
    reply = { stage: 'crash', details: [], message: String(err?.message ?? err) };
  }
  parentPort.postMessage({ id: msg.id, ...reply });
});
