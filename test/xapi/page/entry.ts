// A minimal page for the browser test: the real profile builders and outbox, bundled by
// esbuild, configured from the query string, using the page's own localStorage.
import { createOutbox } from '../../../src/xapi/outbox.ts';
import * as P from '../../../src/xapi/profile.ts';

const q = new URLSearchParams(location.search);
const session: P.Session = {
  actor: { objectType: 'Agent', name: 'Browser Learner', mbox: 'mailto:browser@example.org' },
  registration: q.get('registration')!,
  course: { iri: 'https://courses.example.org/dignity', title: 'Dignity in care', version: '1.0.0', language: 'en-GB' },
  module: { id: 'respect', title: 'Respect' },
  platform: 'coursepack test page',
};
const outbox = createOutbox({
  endpoint: q.get('endpoint')!,
  auth: q.get('auth')!,
  actor: session.actor,
  registration: session.registration,
  storage: localStorage,
  batchDelayMs: Number(q.get('batchDelayMs') ?? 50),
  retryBaseMs: 200,
  retryMaxMs: 1000,
});

(window as any).xapiTest = {
  enqueue(n: number): string[] {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const st = i % 2 ? P.experiencedPage(session, { id: `p${i}`, title: `Page ${i}` }, { durationMs: 1000 * i }) : P.progressed(session, i);
      outbox.enqueue(st);
      ids.push(st.id);
    }
    return ids;
  },
  state: () => outbox.state(),
  pending: () => outbox.pending().map((s) => s.id),
};
