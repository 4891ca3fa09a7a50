// Second opinion on statement validation: a complete statement is mutated at every
// property (removed, or replaced by values of every JSON type and common xAPI formats),
// and the LRS's validator must reach the same accept/reject verdict as
// @learninglocker/xapi-validation, except where this LRS follows the spec more strictly
// (listed below with the reason).
import { describe, expect, it } from 'vitest';
import llValidation from '@learninglocker/xapi-validation';
import { validateStatement } from '../../src/lrs/validate.ts';

const llValidate: (s: unknown) => unknown[] = (llValidation as any).default ?? llValidation;

const full = () => ({
  id: '5f2d1ac4-3f0a-4c1b-9a8e-2c6f1d0b7a11',
  actor: { objectType: 'Agent', name: 'A', mbox: 'mailto:a@example.org' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered' } },
  object: {
    objectType: 'Activity',
    id: 'http://example.org/q',
    definition: {
      name: { 'en-US': 'Q' },
      description: { 'en-US': 'd' },
      type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
      moreInfo: 'http://example.org/more',
      interactionType: 'choice',
      correctResponsesPattern: ['a'],
      choices: [{ id: 'a', description: { 'en-US': 'A' } }],
      extensions: { 'http://example.org/e': 1 },
    },
  },
  result: { score: { scaled: 0.5, raw: 5, min: 0, max: 10 }, success: true, completion: true, response: 'a', duration: 'PT1S', extensions: { 'http://example.org/r': 1 } },
  context: {
    registration: '6f2d1ac4-3f0a-4c1b-9a8e-2c6f1d0b7a11',
    instructor: { mbox: 'mailto:i@example.org' },
    team: { objectType: 'Group', member: [{ mbox: 'mailto:m@example.org' }] },
    contextActivities: { parent: [{ id: 'http://example.org/p' }] },
    revision: 'r',
    platform: 'p',
    language: 'en-US',
    statement: { objectType: 'StatementRef', id: '7f2d1ac4-3f0a-4c1b-9a8e-2c6f1d0b7a11' },
    extensions: { 'http://example.org/c': 1 },
  },
  timestamp: '2024-01-01T00:00:00.000Z',
  version: '1.0.0',
});

const REMOVE = Symbol('remove');
const VALUES: unknown[] = [REMOVE, null, 1, -1, 2, 0.5, '', 'x', 'http://x.y/z', 'mailto:a@b.c', true, [], {}, [1], '2024-01-01T00:00:00Z', 'PT1S', 'en-US', '5f2d1ac4-3f0a-4c1b-9a8e-2c6f1d0b7a11'];

// Where the spec requires something Learning Locker lets through.
const STRICTER = new Map<string, string>([
  ['context.team.objectType=REMOVE', 'a Group must say objectType "Group" (Data 2.4.2.2)'],
  ['context.statement.objectType=REMOVE', 'a StatementRef must say objectType "StatementRef" (Data 2.4.4.3)'],
]);

function paths(o: unknown, prefix: string[] = []): string[][] {
  if (!o || typeof o !== 'object') return [];
  return Object.entries(o).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}

describe('statement validation agrees with @learninglocker/xapi-validation', () => {
  it('on every single-property mutation of a complete statement', () => {
    expect(validateStatement(full())).toEqual([]);
    expect(llValidate(full())).toEqual([]);
    const disagreements: string[] = [];
    let checked = 0;
    for (const path of paths(full())) {
      for (const value of VALUES) {
        const st: any = full();
        let parent = st;
        for (const k of path.slice(0, -1)) parent = parent[k];
        const last = path[path.length - 1]!;
        if (value === REMOVE) {
          if (Array.isArray(parent)) parent.splice(Number(last), 1);
          else delete parent[last];
        } else parent[last] = value;
        const label = `${path.join('.')}=${value === REMOVE ? 'REMOVE' : JSON.stringify(value)}`;
        const ours = validateStatement(st).length > 0;
        const theirs = llValidate(st).length > 0;
        checked++;
        if (ours !== theirs && !(ours && STRICTER.has(label))) disagreements.push(`${label}: ours ${ours ? 'rejects' : 'accepts'}`);
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(disagreements).toEqual([]);
  });
});
