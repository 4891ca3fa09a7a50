// The reporter's cmi5 judging rules across sessions of one registration, driven through
// the real tracker and the xAPI progress store with the example module's data (no
// browser needed): completed/passed/failed at most once, a failed learner may still
// pass in a later session, nothing is judged after passed, and every statement stays
// valid under the profile schema, Learning Locker's validator and the LRS rules.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCourse } from '../../../src/course/load.ts';
import { renderModule } from '../../../src/render/index.ts';
import { createTracker } from '../../../src/runtime/tracker.ts';
import { xapiStore } from '../../../src/runtime/xapi-store.ts';
import { createReporter, CMI5_CATEGORY, MOVEON_CATEGORY } from '../../../src/runtime/xapi-reporter.ts';
import type { ModuleData, QuestionData } from '../../../src/runtime/module-data.ts';
import type { Answer } from '../../../src/runtime/suspend-data.ts';
import type { Statement } from '../../../src/xapi/profile.ts';
import { moduleDataOf } from '../../helpers/learner.ts';
import { problemsOf } from '../../xapi/fixtures.ts';

const V = (v: string) => `http://adlnet.gov/expapi/verbs/${v}`;
const AU = 'https://lms.example.org/activities/au-1';
let data: ModuleData;

beforeAll(async () => {
  const { course } = await loadCourse('course');
  const files = await renderModule(course, course.modules[0]!, { target: 'cmi5' });
  data = moduleDataOf(files.get('index.html')!.toString());
});

function memory(): Storage {
  const m = new Map<string, string>();
  return { length: 0, clear: () => m.clear(), key: () => null, getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}

function answerFor(q: QuestionData, right: boolean): Answer {
  switch (q.type) {
    case 'single-choice':
      return right ? q.correct : (q.correct + 1) % q.choices.length;
    case 'multiple-response':
      return right ? q.correct : q.choices.map((_, i) => i).filter((i) => !q.correct.includes(i));
    case 'true-false':
      return right ? q.correct : !q.correct;
    case 'fill-in':
      return right ? q.answers[0]! : 'certainly not this';
    case 'matching':
      return Array.from({ length: q.pairs }, (_, k) => (right ? k : (k + 1) % q.pairs));
  }
}

/** One AU session: every view shown, every question answered right or wrong, then finish. */
function session(storage: Storage, opts: { right: boolean; mode?: 'normal' | 'browse' }): Statement[] {
  const sent: Statement[] = [];
  const store = xapiStore({ key: 'k', storage, remoteValues: null, mode: opts.mode ?? 'normal', masteryScore: '80', notify: () => {} });
  const tracker = createTracker(data, store);
  const sessionId = crypto.randomUUID();
  const r = createReporter({
    data,
    tracker,
    store,
    enqueue: (s) => sent.push(s),
    session: {
      actor: { objectType: 'Agent', account: { homePage: 'https://lms.example.org', name: 'ada' } },
      registration: '9d7c2b1a-0f3e-4d5c-8b6a-7e9f0a1b2c3d',
      course: data.xapi!.course,
      module: data.xapi!.module,
      platform: data.xapi!.platform,
      contextTemplate: { extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': sessionId } },
    },
    cmi5: { activityId: AU, masteryScore: 0.8 },
  });
  r.start();
  data.views.forEach((_, i) => r.tracker.show(i));
  data.questions.forEach((q, i) => r.tracker.answer(i, answerFor(q, opts.right), 1000));
  r.tracker.finish();
  // After terminated nothing more goes out.
  r.tracker.show(0);
  r.glossary(data.xapi!.glossary[0]!.id);
  return sent;
}

const verbs = (s: Statement[]) => s.filter((x) => x.object.id === AU).map((x) => x.verb.id);

describe('cmi5 judging across the sessions of a registration', () => {
  it('failed, then passed in a later session, then nothing judged again; completed once', () => {
    const storage = memory();
    const first = session(storage, { right: false });
    expect(verbs(first)).toEqual([V('initialized'), V('completed'), V('failed'), V('terminated')]);
    const second = session(storage, { right: true });
    expect(verbs(second)).toEqual([V('initialized'), V('passed'), V('terminated')]);
    const third = session(storage, { right: false });
    expect(verbs(third)).toEqual([V('initialized'), V('terminated')]);
    for (const st of [...first, ...second, ...third]) {
      expect(problemsOf(st), `${st.verb.id} ${st.object.id}`).toEqual({ profile: [], learningLocker: [], lrs: [] });
      const cats = (st.context.contextActivities.category ?? []).map((a) => a.id);
      expect(cats.includes(CMI5_CATEGORY)).toBe(st.object.id === AU);
      expect(cats.includes(MOVEON_CATEGORY)).toBe(st.object.id === AU && [V('completed'), V('passed'), V('failed')].includes(st.verb.id));
    }
    expect(first.at(-1)!.verb.id).toBe(V('terminated'));
    const failed = first.find((s) => s.verb.id === V('failed'))!;
    expect(failed.result!.score!.scaled).toBeLessThan(0.8);
    expect(second.find((s) => s.verb.id === V('passed'))!.result!.score!.scaled).toBeGreaterThanOrEqual(0.8);
  });

  it('a Browse session sends no completed, passed or failed, and a later Normal session still can', () => {
    const storage = memory();
    expect(verbs(session(storage, { right: true, mode: 'browse' }))).toEqual([V('initialized'), V('terminated')]);
    expect(verbs(session(storage, { right: true }))).toEqual([V('initialized'), V('completed'), V('passed'), V('terminated')]);
  });
});
