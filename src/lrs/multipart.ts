// multipart/mixed for statements with attachments (xAPI 1.0.3 "Attachments"): the first
// part is the statement JSON, each further part is one attachment's raw bytes with an
// X-Experience-API-Hash header (its SHA-2). Parsing works on bytes, never decoding
// attachment content as text.
import { createHash } from 'node:crypto';
import { httpError } from './http.ts';

export interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

export function boundaryOf(contentType: string): string {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const b = m?.[1] ?? m?.[2];
  if (!b) throw httpError(400, 'LRS_MULTIPART', 'multipart/mixed needs a boundary parameter');
  return b;
}

export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delim = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delim);
  if (pos < 0) throw httpError(400, 'LRS_MULTIPART', 'multipart body has no boundary line');
  for (;;) {
    pos += delim.length;
    if (body.subarray(pos, pos + 2).toString() === '--') return parts;
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') throw httpError(400, 'LRS_MULTIPART', 'malformed multipart boundary line');
    pos += 2;
    const headEnd = body.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) throw httpError(400, 'LRS_MULTIPART', 'multipart part without a header end');
    const headers: Record<string, string> = {};
    for (const line of body.subarray(pos, headEnd).toString('latin1').split('\r\n')) {
      if (!line) continue;
      const colon = line.indexOf(':');
      if (colon < 0) throw httpError(400, 'LRS_MULTIPART', `malformed multipart header "${line}"`);
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), headEnd + 4);
    if (next < 0) throw httpError(400, 'LRS_MULTIPART', 'multipart body is not closed by its boundary');
    parts.push({ headers, body: body.subarray(headEnd + 4, next) });
    pos = next + 2;
  }
}

/** SHA-2 of the right length for the given hex digest (SHA-224/256/384/512). */
export function sha2Matches(content: Buffer, hex: string): boolean {
  const alg = ({ 56: 'sha224', 64: 'sha256', 96: 'sha384', 128: 'sha512' } as Record<number, string>)[hex.length];
  return !!alg && createHash(alg).update(content).digest('hex') === hex.toLowerCase();
}

/** `jsonText` is the first part, already serialised (the statements GET splices stored JSON). */
export function buildMultipart(jsonText: string, attachments: Array<{ sha2: string; contentType: string; content: Buffer }>): { type: string; body: Buffer } {
  const boundary = `coursepack-${createHash('sha1').update(String(Math.random())).digest('hex').slice(0, 16)}`;
  const chunks: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${jsonText}\r\n`)];
  for (const a of attachments) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Type: ${a.contentType}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${a.sha2}\r\n\r\n`),
      a.content,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { type: `multipart/mixed; boundary=${boundary}`, body: Buffer.concat(chunks) };
}
