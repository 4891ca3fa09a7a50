// The strict SCORM 1.2 checker used by the browser tests must itself catch what
// Moodle rejects, or the end-to-end tests would prove nothing.
import { describe, expect, it } from 'vitest';
import { checkGetValue, checkSetValue, moodleFinishStatus, strictLms, type Scorm12Like } from '../../helpers/strict-scorm12.ts';

describe('checkSetValue', () => {
  it('accepts well-formed values for writable elements', () => {
    const ok: [string, string][] = [
      ['cmi.core.lesson_location', 'x'.repeat(255)],
      ['cmi.core.lesson_status', 'incomplete'],
      ['cmi.core.lesson_status', 'passed'],
      ['cmi.core.score.raw', '87.5'],
      ['cmi.core.score.min', '0'],
      ['cmi.core.score.max', '100'],
      ['cmi.core.exit', 'suspend'],
      ['cmi.core.exit', ''],
      ['cmi.core.session_time', '0000:01:30.50'],
      ['cmi.core.session_time', '12:00:00'],
      ['cmi.suspend_data', 'y'.repeat(4096)],
      ['cmi.comments', 'Nice module'],
    ];
    for (const [e, v] of ok) expect(checkSetValue(e, v), `${e}=${v}`).toBeNull();
  });

  it('rejects what Moodle rejects', () => {
    const bad: [string, unknown, RegExp][] = [
      ['cmi.core.lesson_location', 'x'.repeat(256), /not a valid value/],
      ['cmi.core.lesson_status', 'not attempted', /not a valid value/],
      ['cmi.core.lesson_status', 'Completed', /not a valid value/],
      ['cmi.core.score.raw', '101', /outside 0..100/],
      ['cmi.core.score.raw', '-1', /outside 0..100/],
      ['cmi.core.score.raw', '1e2', /not a valid value/],
      ['cmi.core.score.raw', '', /not a valid value/],
      ['cmi.core.exit', 'normal', /not a valid value/],
      ['cmi.core.session_time', '1:00:00', /not a valid value/],
      ['cmi.core.session_time', '00001:00:00', /not a valid value/],
      ['cmi.core.session_time', '00:01:30.505', /not a valid value/],
      ['cmi.core.session_time', 'PT1M30S', /not a valid value/],
      ['cmi.suspend_data', 'y'.repeat(4097), /not a valid value/],
      ['cmi.comments', 'c'.repeat(4097), /not a valid value/],
      ['cmi.core.student_id', 'me', /read-only/],
      ['cmi.core.entry', 'resume', /read-only/],
      ['cmi.core.total_time', '00:00:00', /read-only/],
      ['cmi.interactions._count', '1', /read-only/],
      ['cmi.completion_status', 'completed', /not a SCORM 1.2 element/],
      ['cmi.core.score.raw', 50 as unknown as string, /not a string/],
    ];
    for (const [e, v, why] of bad) expect(checkSetValue(e, v), `${e}=${String(v)}`).toMatch(why);
  });

  it('checks interaction formats, vocabularies and order', () => {
    expect(checkSetValue('cmi.interactions.0.id', 'quiz.q1')).toBeNull();
    expect(checkSetValue('cmi.interactions.0.id', 'has space')).toMatch(/not a valid value/);
    expect(checkSetValue('cmi.interactions.0.type', 'choice', { interactions: 1 })).toBeNull();
    expect(checkSetValue('cmi.interactions.0.type', 'multiple-choice', { interactions: 1 })).toMatch(/not a valid value/);
    expect(checkSetValue('cmi.interactions.0.result', 'incorrect', { interactions: 1 })).toMatch(/not a valid value/);
    expect(checkSetValue('cmi.interactions.0.result', 'wrong', { interactions: 1 })).toBeNull();
    expect(checkSetValue('cmi.interactions.0.time', '24:00:00', { interactions: 1 })).toMatch(/not a valid value/);
    expect(checkSetValue('cmi.interactions.0.time', '2026-01-01T10:00:00', { interactions: 1 })).toMatch(/not a valid value/);
    expect(checkSetValue('cmi.interactions.0.latency', '0000:00:12.30', { interactions: 1 })).toBeNull();
    expect(checkSetValue('cmi.interactions.0.weighting', '101', { interactions: 1 })).toMatch(/outside/);
    expect(checkSetValue('cmi.interactions.0.student_response', 'z'.repeat(256), { interactions: 1 })).toMatch(/not a valid value/);
    expect(checkSetValue('cmi.interactions.0.correct_responses.0.pattern', 'a,c', { interactions: 1 })).toBeNull();
    expect(checkSetValue('cmi.interactions.2.id', 'x', { interactions: 1 })).toMatch(/skips ahead/);
    expect(checkSetValue('cmi.interactions.1.type', 'choice', { interactions: 1 })).toMatch(/must start with its id/);
  });

  it('treats interactions as write-only', () => {
    expect(checkGetValue('cmi.interactions.0.result')).toMatch(/write-only/);
    expect(checkGetValue('cmi.core.session_time')).toMatch(/write-only/);
    expect(checkGetValue('cmi.interactions._count')).toBeNull();
    expect(checkGetValue('cmi.core.entry')).toBeNull();
  });
});

function fakeLms(): Scorm12Like & { values: Record<string, string> } {
  const values: Record<string, string> = {};
  return {
    values,
    LMSInitialize: () => 'true',
    LMSFinish: () => 'true',
    LMSGetValue: (e) => values[e] ?? '',
    LMSSetValue: (e, v) => ((values[e] = v), 'true'),
    LMSCommit: () => 'true',
    LMSGetLastError: () => '0',
    LMSGetErrorString: () => '',
    LMSGetDiagnostic: () => '',
  };
}

describe('strictLms', () => {
  it('flags calls out of order and a second LMSFinish', () => {
    const s = strictLms(fakeLms());
    s.api.LMSSetValue('cmi.core.lesson_status', 'incomplete');
    s.api.LMSInitialize('');
    s.api.LMSInitialize('');
    s.api.LMSFinish('');
    s.api.LMSFinish('');
    s.api.LMSCommit('');
    expect(s.violations).toEqual([
      'LMSSetValue before LMSInitialize',
      'LMSInitialize called more than once',
      'LMSFinish called more than once',
      'LMSCommit after LMSFinish',
    ]);
  });

  it('keeps only committed values, and fails commits with error 101 while told to', () => {
    const s = strictLms(fakeLms());
    s.api.LMSInitialize('');
    s.api.LMSSetValue('cmi.core.lesson_location', 'p1');
    expect(s.committed).toEqual({});
    s.failing = true;
    expect(s.api.LMSCommit('')).toBe('false');
    expect(s.api.LMSGetLastError()).toBe('101');
    expect(s.committed).toEqual({});
    s.failing = false;
    expect(s.api.LMSCommit('')).toBe('true');
    expect(s.api.LMSGetLastError()).toBe('0');
    expect(s.committed).toEqual({ 'cmi.core.lesson_location': 'p1' });
    expect(s.commits).toEqual({ ok: 1, failed: 1 });
  });
});

describe('moodleFinishStatus (what Moodle stores on LMSFinish)', () => {
  const base = { status: 'incomplete', mode: 'normal', credit: 'credit', mastery: '', raw: '' };
  it('turns an untouched status into completed, in every mode', () => {
    for (const mode of ['normal', 'browse', 'review']) expect(moodleFinishStatus({ ...base, mode, status: 'not attempted' })).toBe('completed');
  });
  it('lets the score decide passed/failed against the mastery score in a normal credit launch only', () => {
    expect(moodleFinishStatus({ ...base, status: 'passed', mastery: '80', raw: '66.67' })).toBe('failed');
    expect(moodleFinishStatus({ ...base, status: 'incomplete', mastery: '80', raw: '80' })).toBe('passed');
    expect(moodleFinishStatus({ ...base, status: 'passed', mastery: '80', raw: '50', credit: 'no-credit' })).toBe('passed');
    expect(moodleFinishStatus({ ...base, status: 'browsed', mastery: '80', raw: '50', mode: 'browse' })).toBe('browsed');
    expect(moodleFinishStatus({ ...base, status: 'incomplete', raw: '50' })).toBe('incomplete');
  });
});
