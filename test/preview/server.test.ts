// The preview server without a browser: builds are coalesced, open pages hear about
// every build over Server-Sent Events, only loopback Host names and GET/HEAD are
// served, and close() really lets go (streams ended, port free).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPreview, type PreviewEvent, type PreviewServer } from '../../src/preview/server.ts';

const COURSE_DIR = fileURLToPath(new URL('../../course', import.meta.url));
let tmp: string;
let courseDir: string;
let server: PreviewServer;
const events: PreviewEvent[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'coursepack-preview-server-'));
  courseDir = join(tmp, 'course');
  cpSync(COURSE_DIR, courseDir, { recursive: true });
  server = await startPreview({ courseDir, debounceMs: 150, onEvent: (e) => events.push(e) });
});

afterAll(async () => {
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function raw(method: string, path: string, host?: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads Server-Sent Events from /_preview/events until `until` says stop. */
async function readEvents(until: (seen: { event: string; data: string }[]) => boolean, during?: () => void): Promise<{ event: string; data: string }[]> {
  const ctrl = new AbortController();
  const res = await fetch(`${server.url}_preview/events`, { signal: ctrl.signal });
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const reader = res.body!.getReader();
  const seen: { event: string; data: string }[] = [];
  let buffer = '';
  let triggered = false;
  const timeout = setTimeout(() => ctrl.abort(), 10000);
  try {
    while (!until(seen)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += new TextDecoder().decode(value);
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event) seen.push({ event, data: data ?? '' });
      }
      if (!triggered && seen.length && during) {
        triggered = true;
        during();
      }
    }
  } finally {
    clearTimeout(timeout);
    ctrl.abort();
  }
  return seen;
}

describe('preview server', () => {
  it('a burst of file changes makes one rebuild, not one per file', async () => {
    const before = server.state().build;
    const changes = events.filter((e) => e.type === 'building' && e.reason === 'change').length;
    const pages = join(courseDir, 'involving-patients/pages');
    for (const f of ['01-introduction.md', '02-patient-voice.md', '03-two-streams.md', '04-evidence.md']) {
      writeFileSync(join(pages, f), readFileSync(join(pages, f), 'utf8') + '\nOne more line.\n');
    }
    await expect.poll(() => server.state().build, { timeout: 10000 }).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 500)); // nothing else is coming
    expect(server.state().build).toBe(before + 1);
    expect(events.filter((e) => e.type === 'building' && e.reason === 'change').length).toBe(changes + 1);
    expect(server.state().ok).toBe(true);
  });

  it('rebuild requests during a build are folded into one more build', async () => {
    const before = server.state().build;
    const pending = [server.rebuild(), server.rebuild(), server.rebuild()];
    expect(server.state().building).toBe(true);
    const all = await Promise.all(pending);
    expect(server.state().building).toBe(false);
    expect(server.state().build).toBe(before + 2);
    expect(all.map((s) => s.build)).toEqual([before + 2, before + 2, before + 2]);
  });

  it('an open page hears the current build at once, then "building" and the new build', async () => {
    const current = server.state().build;
    const seen = await readEvents(
      (s) => s.some((e) => e.event === 'build' && JSON.parse(e.data).build === current + 1),
      () => void server.rebuild(),
    );
    expect(seen[0]).toEqual({ event: 'build', data: JSON.stringify({ build: current, ok: true }) });
    const building = seen.findIndex((e) => e.event === 'building');
    const built = seen.findIndex((e) => e.event === 'build' && JSON.parse(e.data).build === current + 1);
    expect(building).toBeGreaterThan(0);
    expect(built).toBeGreaterThan(building);
  });

  it('answers only loopback Host names and only GET and HEAD; package paths cannot leave the package', async () => {
    expect((await raw('GET', '/', `127.0.0.1:${server.port}`)).status).toBe(200);
    expect((await raw('GET', '/', `localhost:${server.port}`)).status).toBe(200);
    expect((await raw('GET', '/', `attacker.example:${server.port}`)).status).toBe(403);
    expect((await raw('GET', '/', '127.0.0.1')).status).toBe(403);
    expect((await raw('POST', '/', `127.0.0.1:${server.port}`)).status).toBe(405);
    const head = await raw('HEAD', '/pkg/imsmanifest.xml', `127.0.0.1:${server.port}`);
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-type']).toBe('application/xml');
    expect((await raw('GET', '/pkg/../course.yaml', `127.0.0.1:${server.port}`)).status).toBe(404);
    expect((await raw('GET', '/pkg/%2e%2e/course.yaml', `127.0.0.1:${server.port}`)).status).toBe(404);
    expect((await raw('GET', '/_preview/../../package.json', `127.0.0.1:${server.port}`)).status).toBe(404);
    expect((await raw('GET', '/_preview/nope.js', `127.0.0.1:${server.port}`)).status).toBe(404);
  });

  it('close() ends open event streams and frees the port', async () => {
    const other = await startPreview({ courseDir, watch: false });
    const res = await fetch(`${other.url}_preview/events`);
    const reader = res.body!.getReader();
    await reader.read(); // the first event
    await other.close();
    let done = false;
    for (let i = 0; i < 5 && !done; i++) done = (await reader.read()).done;
    expect(done).toBe(true);
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(other.port, '127.0.0.1', () => resolve());
    });
    probe.close();
  });
});
