// A strict SCORM 1.2 checker for tests: wraps an LMS API object (scorm-again in the
// test LMS page) and records a violation for every call Moodle's SCORM 1.2 data model
// would reject — element names and read/write rules, CMIString255/4096 lengths,
// CMITimespan/CMITime/CMIDecimal formats and ranges, vocabularies, call order — because
// scorm-again alone is lenient. Browser-safe (no Node imports): bundled into the LMS page.
// It also models what an LMS keeps: only values carried by a successful LMSCommit,
// and the lesson_status Moodle stores on LMSFinish (see moodleStatus).

type Rule = { re: RegExp; range?: [number, number] };

const STRING255 = /^[\s\S]{0,255}$/;
const STRING4096 = /^[\s\S]{0,4096}$/;
const TIMESPAN = /^([0-9]{2,4}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,2})?$/;
const TIME = /^([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(\.[0-9]{1,2})?$/;
const DECIMAL = /^-?([0-9]{1,3})(\.[0-9]+)?$/;
const IDENTIFIER = /^[\u0021-\u007E]{1,255}$/;
const STATUS = /^(passed|completed|failed|incomplete|browsed)$/;
const EXIT = /^(time-out|suspend|logout|)$/;
const TYPE = /^(true-false|choice|fill-in|matching|performance|sequencing|likert|numeric)$/;
const RESULT = /^(correct|wrong|unanticipated|neutral|[0-9]{1,3}(\.[0-9]+)?)$/;

/** Elements a SCO may write, with their format (SCORM 1.2 RTE 3.4, as Moodle enforces it). */
const WRITABLE: [RegExp, Rule][] = [
  [/^cmi\.core\.lesson_location$/, { re: STRING255 }],
  [/^cmi\.core\.lesson_status$/, { re: STATUS }],
  [/^cmi\.core\.score\.(raw|min|max)$/, { re: DECIMAL, range: [0, 100] }],
  [/^cmi\.core\.exit$/, { re: EXIT }],
  [/^cmi\.core\.session_time$/, { re: TIMESPAN }],
  [/^cmi\.suspend_data$/, { re: STRING4096 }],
  [/^cmi\.comments$/, { re: STRING4096 }],
  [/^cmi\.student_preference\.audio$/, { re: /^-?[0-9]+$/, range: [-1, 100] }],
  [/^cmi\.student_preference\.language$/, { re: STRING255 }],
  [/^cmi\.student_preference\.speed$/, { re: /^-?[0-9]+$/, range: [-100, 100] }],
  [/^cmi\.student_preference\.text$/, { re: /^-?[0-9]+$/, range: [-1, 1] }],
  [/^cmi\.objectives\.\d+\.id$/, { re: IDENTIFIER }],
  [/^cmi\.objectives\.\d+\.score\.(raw|min|max)$/, { re: DECIMAL, range: [0, 100] }],
  [/^cmi\.objectives\.\d+\.status$/, { re: STATUS }],
  [/^cmi\.interactions\.\d+\.id$/, { re: IDENTIFIER }],
  [/^cmi\.interactions\.\d+\.objectives\.\d+\.id$/, { re: IDENTIFIER }],
  [/^cmi\.interactions\.\d+\.time$/, { re: TIME }],
  [/^cmi\.interactions\.\d+\.type$/, { re: TYPE }],
  [/^cmi\.interactions\.\d+\.correct_responses\.\d+\.pattern$/, { re: STRING255 }],
  [/^cmi\.interactions\.\d+\.weighting$/, { re: DECIMAL, range: [-100, 100] }],
  [/^cmi\.interactions\.\d+\.student_response$/, { re: STRING255 }],
  [/^cmi\.interactions\.\d+\.result$/, { re: RESULT }],
  [/^cmi\.interactions\.\d+\.latency$/, { re: TIMESPAN }],
];

/** Elements a SCO may read (write-only ones are left out). */
const READABLE = [
  /^cmi\.core\.(_children|student_id|student_name|lesson_location|credit|lesson_status|entry|total_time|lesson_mode)$/,
  /^cmi\.core\.score\.(_children|raw|min|max)$/,
  /^cmi\.(suspend_data|launch_data|comments|comments_from_lms)$/,
  /^cmi\.student_data\.(_children|mastery_score|max_time_allowed|time_limit_action)$/,
  /^cmi\.student_preference\.(_children|audio|language|speed|text)$/,
  /^cmi\.(objectives|interactions)\.(_children|_count)$/,
  /^cmi\.objectives\.\d+\.(id|status|score\._children|score\.raw|score\.min|score\.max)$/,
  /^cmi\.interactions\.\d+\.(objectives|correct_responses)\._count$/,
];

export interface CheckContext {
  /** Interactions written so far (the next new index must equal this). */
  interactions: number;
}

/** Why Moodle would refuse LMSSetValue(element, value), or null when it is acceptable. */
export function checkSetValue(element: unknown, value: unknown, ctx: CheckContext = { interactions: 0 }): string | null {
  if (typeof element !== 'string') return `element name is not a string: ${String(element)}`;
  if (typeof value !== 'string') return `${element}: value is a ${typeof value}, not a string`;
  const rule = WRITABLE.find(([re]) => re.test(element))?.[1];
  if (!rule) {
    return READABLE.some((re) => re.test(element)) ? `${element} is read-only` : `${element} is not a SCORM 1.2 element`;
  }
  if (!rule.re.test(value)) return `${element}: ${JSON.stringify(value.length > 60 ? value.slice(0, 60) + '…' : value)} is not a valid value (${value.length} characters)`;
  if (rule.range) {
    const n = Number(value);
    if (n < rule.range[0] || n > rule.range[1]) return `${element}: ${value} is outside ${rule.range[0]}..${rule.range[1]}`;
  }
  const m = /^cmi\.interactions\.(\d+)\./.exec(element);
  if (m && Number(m[1]) > ctx.interactions) return `${element}: index ${m[1]} skips ahead of _count ${ctx.interactions}`;
  if (m && Number(m[1]) === ctx.interactions && !element.endsWith('.id')) return `${element}: a new interaction must start with its id`;
  return null;
}

export function checkGetValue(element: unknown): string | null {
  if (typeof element !== 'string') return 'element name is not a string';
  if (READABLE.some((re) => re.test(element))) return null;
  return WRITABLE.some(([re]) => re.test(element)) ? `${element} is write-only` : `${element} is not a SCORM 1.2 element`;
}

export interface Scorm12Like {
  LMSInitialize(a: string): string;
  LMSFinish(a: string): string;
  LMSGetValue(e: string): string;
  LMSSetValue(e: string, v: string): string;
  LMSCommit(a: string): string;
  LMSGetLastError(): string;
  LMSGetErrorString(c: string): string;
  LMSGetDiagnostic(c: string): string;
}

export interface StrictLms {
  api: Scorm12Like;
  violations: string[];
  /** Every call, in order: [function, ...arguments, result]. */
  calls: string[][];
  /** What the LMS has kept: values carried by successful commits (and LMSFinish). */
  committed: Record<string, string>;
  /** While true, LMSCommit and LMSFinish return "false" with error 101, as an LMS losing its server would. */
  failing: boolean;
  /**
   * While true, LMSInitialize returns "false" with error 101, as an LMS that cannot
   * start the session yet would. A refused call does not initialise, so calling
   * LMSInitialize again later is allowed (RTE 3.3: the session starts on success).
   */
  refuseInitialize: boolean;
  /** LMSInitialize calls refused while refuseInitialize was on. */
  initRefused: number;
  /** Successful LMSInitialize calls. */
  initialised: number;
  finished: number;
  commits: { ok: number; failed: number };
  /**
   * The lesson_status Moodle would store at a successful LMSFinish ('' before then):
   * mod/scorm/datamodels/scorm_12.js StoreData turns 'not attempted' into 'completed',
   * then in normal mode with credit (and "mastery score overrides status", Moodle's
   * default) sets passed/failed from score.raw against the mastery score.
   */
  moodleStatus: string;
}

/** Moodle's StoreData(cmi, true) rules for lesson_status on LMSFinish, in Moodle's order. */
export function moodleFinishStatus(v: { status: string; mode: string; credit: string; mastery: string; raw: string }): string {
  let status = v.status || 'not attempted';
  if (status === 'not attempted') status = 'completed';
  if (v.mode === 'normal' && v.credit === 'credit' && v.mastery !== '' && v.raw !== '') {
    status = parseFloat(v.raw) >= parseFloat(v.mastery) ? 'passed' : 'failed';
  }
  return status;
}

export function strictLms(inner: Scorm12Like): StrictLms {
  let pending: Record<string, string> = {};
  let forcedError: string | null = null;
  const ctx: CheckContext = { interactions: 0 };
  const s: StrictLms = {
    api: undefined as unknown as Scorm12Like,
    violations: [],
    calls: [],
    committed: {},
    failing: false,
    refuseInitialize: false,
    initRefused: 0,
    initialised: 0,
    finished: 0,
    commits: { ok: 0, failed: 0 },
    moodleStatus: '',
  };
  const peek = (e: string): string => {
    try {
      return String(inner.LMSGetValue(e) ?? '');
    } catch {
      return '';
    }
  };
  const live = (fn: string): boolean => {
    if (s.initialised === 0) s.violations.push(`${fn} before LMSInitialize`);
    else if (s.finished > 0) s.violations.push(`${fn} after LMSFinish`);
    else return true;
    return false;
  };
  const record = (args: string[], result: string): string => {
    s.calls.push([...args, result]);
    return result;
  };
  const commit = (): void => {
    Object.assign(s.committed, pending);
    pending = {};
  };
  s.api = {
    LMSInitialize(a) {
      forcedError = null;
      if (a !== '') s.violations.push(`LMSInitialize(${JSON.stringify(a)}): argument must be ""`);
      if (s.initialised > 0) s.violations.push('LMSInitialize called more than once');
      if (s.refuseInitialize) {
        s.initRefused++;
        forcedError = '101';
        return record(['LMSInitialize'], 'false');
      }
      s.initialised++;
      const r = inner.LMSInitialize(a);
      // Interactions an earlier session left count: the next new index is the LMS's _count.
      ctx.interactions = parseInt(peek('cmi.interactions._count'), 10) || 0;
      return record(['LMSInitialize'], r);
    },
    LMSFinish(a) {
      forcedError = null;
      if (s.finished > 0) s.violations.push('LMSFinish called more than once');
      else if (s.initialised === 0) s.violations.push('LMSFinish before LMSInitialize');
      s.finished++;
      if (s.failing) {
        forcedError = '101';
        return record(['LMSFinish'], 'false');
      }
      // An LMS stores what a SCO set before finishing, as Moodle does on LMSFinish.
      const final = s.initialised > 0 ? moodleFinishStatus({
        status: peek('cmi.core.lesson_status'),
        mode: peek('cmi.core.lesson_mode'),
        credit: peek('cmi.core.credit'),
        mastery: peek('cmi.student_data.mastery_score'),
        raw: peek('cmi.core.score.raw'),
      }) : '';
      const r = inner.LMSFinish(a);
      if (r === 'true') {
        commit();
        s.moodleStatus = final;
      }
      return record(['LMSFinish'], r);
    },
    LMSGetValue(e) {
      forcedError = null;
      live('LMSGetValue');
      const problem = checkGetValue(e);
      if (problem) s.violations.push(`LMSGetValue: ${problem}`);
      return record(['LMSGetValue', e], inner.LMSGetValue(e));
    },
    LMSSetValue(e, v) {
      forcedError = null;
      live('LMSSetValue');
      const problem = checkSetValue(e, v, ctx);
      if (problem) s.violations.push(`LMSSetValue: ${problem}`);
      const r = inner.LMSSetValue(e, v);
      if (r === 'true') {
        pending[e] = v;
        const m = /^cmi\.interactions\.(\d+)\.id$/.exec(e);
        if (m && Number(m[1]) === ctx.interactions) ctx.interactions++;
      }
      return record(['LMSSetValue', e, v], r);
    },
    LMSCommit(a) {
      forcedError = null;
      live('LMSCommit');
      if (s.failing) {
        s.commits.failed++;
        forcedError = '101';
        return record(['LMSCommit'], 'false');
      }
      const r = inner.LMSCommit(a);
      if (r === 'true') {
        s.commits.ok++;
        commit();
      }
      return record(['LMSCommit'], r);
    },
    LMSGetLastError() {
      return forcedError ?? inner.LMSGetLastError();
    },
    LMSGetErrorString: (c) => inner.LMSGetErrorString(c),
    LMSGetDiagnostic: (c) => inner.LMSGetDiagnostic(c),
  };
  return s;
}
