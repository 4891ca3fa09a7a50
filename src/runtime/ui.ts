// The learner page's behaviour: one view visible at a time, table of contents,
// previous/next, progress, quiz checking with feedback, reflections, the comment
// form and Exit. Learner text only ever goes through value/textContent.
import type { ModuleData, QuestionData } from './module-data.ts';
import type { Answer } from './suspend-data.ts';
import type { Tracker } from './tracker.ts';
import type { Feedback } from './feedback.ts';
import { isCorrect } from './cmi-format.ts';
import { score } from './status.ts';

const $ = <T extends Element = HTMLElement>(sel: string, root: ParentNode = document): T | null => root.querySelector<T>(sel);
const $$ = <T extends Element = HTMLElement>(sel: string, root: ParentNode = document): T[] => Array.from(root.querySelectorAll<T>(sel));

export interface Ui {
  /** Show a notice under the header ('' hides it): 'warn' when progress may be lost, 'info' for how this launch records. */
  notice(text: string, tone?: 'warn' | 'info'): void;
  /** Show what the tracker's state holds now (after a merge with an LMS reached late), leaving alone what the learner is editing. */
  refresh(): void;
}

export function startUi(data: ModuleData, tracker: Tracker, feedback?: Feedback): Ui {
  const views = data.views.map((id) => document.getElementById(id) as HTMLElement);
  const prev = $<HTMLButtonElement>('#cp-prev');
  const next = $<HTMLButtonElement>('#cp-next');
  const noticeEl = $('#cp-notice');
  const shownAt: number[] = [];
  let current = -1;

  const updateProgress = (): void => {
    const seen = data.pages.filter((_, i) => tracker.state.visited[i]).length;
    const bar = $<HTMLProgressElement>('#cp-progress');
    if (bar) bar.value = seen;
    const text = $('#cp-progress-text');
    if (text) text.textContent = `${seen} of ${data.pages.length} pages viewed`;
    $$('[data-view]').forEach((a) => {
      const i = Number(a.getAttribute('data-view'));
      if (i === current) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
      a.classList.toggle('cp-seen', !!tracker.state.visited[i]);
    });
  };

  const show = (i: number, focus: HTMLElement | null): void => {
    if (i < 0 || i >= views.length || !views[i]) return;
    // Switching views is like opening a new page: it appears at its place at once. The
    // stylesheet's smooth scrolling is only for moves within the view on screen; animating
    // from the old view's scroll position moved the contents under the learner's pointer
    // for a few hundred milliseconds after a glossary look-up, so a click there missed.
    const behavior: ScrollBehavior = i === current ? 'auto' : 'instant';
    views.forEach((v, k) => (v.hidden = k !== i));
    current = i;
    if (shownAt[i] === undefined) shownAt[i] = Date.now();
    if (prev) prev.disabled = i === 0;
    if (next) next.disabled = i === views.length - 1;
    const pos = $('#cp-pos');
    if (pos) pos.textContent = i < data.pages.length ? `Page ${i + 1} of ${data.pages.length}` : '';
    tracker.show(i);
    updateProgress();
    if (focus) {
      // A new page starts at the top, with the header and progress in view; a term is scrolled to.
      focus.focus({ preventScroll: true });
      if (focus === heading(i)) window.scrollTo({ top: 0, left: 0, behavior });
      else focus.scrollIntoView({ block: 'start', behavior });
    }
  };
  const heading = (i: number): HTMLElement | null => (views[i] ? $('h2', views[i]) : null);

  prev?.addEventListener('click', () => show(current - 1, heading(current - 1)));
  next?.addEventListener('click', () => show(current + 1, heading(current + 1)));

  // In-page links (contents, glossary terms, "back") switch views instead of scrolling a hidden section.
  document.addEventListener('click', (e) => {
    const a = (e.target as Element).closest?.('a[href^="#"]');
    if (!a) return;
    let id = a.getAttribute('href')!.slice(1);
    try {
      id = decodeURIComponent(id);
    } catch {
      // not percent-encoded: use as written
    }
    const target = document.getElementById(id);
    const view = target?.closest('.cp-view') as HTMLElement | null;
    if (!target || !view) return;
    e.preventDefault();
    const back = $<HTMLAnchorElement>('.cp-back', view);
    if (back && current >= 0 && views[current] !== view) {
      back.href = '#' + data.views[current];
      back.hidden = false;
    }
    if (!target.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
      target.setAttribute('tabindex', '-1');
    }
    show(views.indexOf(view), target === view ? heading(views.indexOf(view)) : target);
    if (a.closest('details.cp-toc') && window.matchMedia('(max-width: 50em)').matches) {
      (a.closest('details') as HTMLDetailsElement).open = false;
    }
  });

  const refreshQuestions = wireQuestions(data, tracker, shownAt, views);
  const refreshReflections = wireReflections(data, tracker);
  wireComments(data, tracker, feedback);

  const exit = $<HTMLButtonElement>('#cp-exit');
  exit?.addEventListener('click', () => {
    tracker.finish();
    exit.disabled = true;
    // The session is over: answers given now would be lost without a word, so the
    // controls that record something stop working; pages can still be read.
    $$<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | HTMLButtonElement>(
      '.cp-main input, .cp-main select, .cp-main textarea, .cp-main form button, .cp-check',
    ).forEach((el) => (el.disabled = true));
    const saved = tracker.mode() === 'review' ? '' : isLms(data) ? 'Your progress has been saved. ' : 'Your progress is saved in this browser. ';
    ui.notice(saved + 'You can now close this window.', 'info');
    if (window.opener && window.top === window) window.close();
  });

  if (window.matchMedia('(max-width: 50em)').matches) {
    const toc = $<HTMLDetailsElement>('details.cp-toc');
    if (toc) toc.open = false;
  }

  const ui: Ui = {
    notice(text, tone = 'warn') {
      if (noticeEl && noticeEl.textContent !== text) noticeEl.textContent = text;
      noticeEl?.classList.toggle('cp-notice-on', text !== '' && tone === 'warn');
      noticeEl?.classList.toggle('cp-notice-info', text !== '' && tone === 'info');
    },
    refresh() {
      refreshQuestions();
      refreshReflections();
      if (tracker.state.view !== current) show(Math.min(tracker.state.view, views.length - 1), null);
      else updateProgress();
    },
  };
  show(Math.min(tracker.state.view, views.length - 1), null);
  return ui;
}

const isLms = (data: ModuleData): boolean => data.target === 'scorm12';

function readAnswer(q: QuestionData, box: HTMLElement): Answer | undefined {
  const checked = $$<HTMLInputElement>('input:checked', box).map((i) => i.value);
  switch (q.type) {
    case 'single-choice':
      return checked.length ? Number(checked[0]) : undefined;
    case 'multiple-response':
      return checked.length ? checked.map(Number).sort((a, b) => a - b) : undefined;
    case 'true-false':
      return checked.length ? checked[0] === 't' : undefined;
    case 'fill-in': {
      const v = $<HTMLInputElement>('input', box)?.value ?? '';
      return v.trim() ? v.slice(0, q.maxLength) : undefined;
    }
    case 'matching': {
      const got = $$<HTMLSelectElement>('select', box).map((s) => (s.value === '' ? null : Number(s.value)));
      return got.every((v) => v === null) ? undefined : got;
    }
  }
}

function writeAnswer(q: QuestionData, box: HTMLElement, a: Answer): void {
  switch (q.type) {
    case 'single-choice':
    case 'multiple-response':
    case 'true-false': {
      const on = q.type === 'true-false' ? [a ? 't' : 'f'] : ([] as number[]).concat(a as number | number[]).map(String);
      $$<HTMLInputElement>('input', box).forEach((i) => (i.checked = on.includes(i.value)));
      break;
    }
    case 'fill-in': {
      const input = $<HTMLInputElement>('input', box);
      if (input) input.value = String(a);
      break;
    }
    case 'matching':
      $$<HTMLSelectElement>('select', box).forEach((s, k) => {
        const t = (a as (number | null)[])[k];
        s.value = t === null || t === undefined ? '' : String(t);
      });
  }
}

function showFeedback(box: HTMLElement, correct: boolean): void {
  const region = $('.cp-fb', box);
  const tpl = $<HTMLTemplateElement>(`template[data-fb="${correct ? 'correct' : 'incorrect'}"]`, box);
  if (!region) return;
  const label = correct ? 'Correct' : 'Not quite';
  const body = tpl ? tpl.content.cloneNode(true) : null;
  // The verdict is always said in words (not only by colour), unless the author's feedback already opens with it.
  const opens = (body?.textContent ?? '').trim().toLowerCase().startsWith(label.toLowerCase());
  const head = document.createElement('strong');
  head.textContent = label + '. ';
  // textContent + append rather than replaceChildren, which older mobile Safari lacks.
  region.textContent = '';
  if (!opens) region.append(head);
  else if (body) boldLead(body, label);
  if (body) region.append(body);
  region.className = 'cp-fb ' + (correct ? 'cp-ok' : 'cp-no');
}

/** The author's own opening verdict ("Correct: …") in bold, as the runtime's own one is. */
function boldLead(body: Node, label: string): void {
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  let node = walker.nextNode() as Text | null;
  while (node && !(node.textContent ?? '').trim()) node = walker.nextNode() as Text | null;
  if (!node) return;
  const text = node.textContent ?? '';
  const at = text.length - text.trimStart().length;
  if (text.slice(at, at + label.length).toLowerCase() !== label.toLowerCase()) return;
  node.splitText(at + label.length);
  const lead = node.splitText(at);
  const strong = document.createElement('strong');
  strong.textContent = lead.textContent;
  lead.replaceWith(strong);
}

function updateScores(data: ModuleData, tracker: Tracker): void {
  $$('.cp-score').forEach((el) => {
    const quiz = el.getAttribute('data-quiz');
    let total = 0, got = 0, answered = 0, count = 0;
    data.questions.forEach((q, i) => {
      if (q.quiz !== quiz) return;
      count++;
      total += q.weighting;
      const a = tracker.state.answers[i];
      if (a === undefined) return;
      answered++;
      if (isCorrect(q, a)) got += q.weighting;
    });
    const pct = total > 0 ? Math.round((got / total) * 100) : 0;
    el.textContent = answered === 0 ? '' : `Answered ${answered} of ${count}. Score: ${pct}%.` + bestNote(data, tracker, quiz);
  });
}

/** The recorded score never goes down (see tracker.ts); say so when the answers on screen are worth less. */
function bestNote(data: ModuleData, tracker: Tracker, quiz: string | null): string {
  const recorded = tracker.recordedScore();
  if (recorded === null || !data.questions.some((q) => q.quiz === quiz && q.scored)) return '';
  const now = score(data, tracker.state);
  return now && now.raw < recorded ? ` Your recorded score stays at your best result, ${Math.round(recorded)}%.` : '';
}

function clearFeedback(box: HTMLElement): void {
  const region = $('.cp-fb', box);
  if (region && region.textContent !== '') {
    region.textContent = '';
    region.className = 'cp-fb';
  }
}

/** Wires every question; returns what shows answers restored later (a question being changed is left alone). */
function wireQuestions(data: ModuleData, tracker: Tracker, shownAt: number[], views: HTMLElement[]): () => void {
  const restorers: (() => void)[] = [];
  data.questions.forEach((q, i) => {
    const box = document.getElementById(q.dom);
    if (!box) return;
    let firstTouch = 0;
    // A changed answer is not checked yet: the verdict under it would describe the old one.
    const touched = (): void => {
      firstTouch = firstTouch || Date.now();
      clearFeedback(box);
    };
    box.addEventListener('input', touched);
    box.addEventListener('change', touched);
    const restore = (): void => {
      const saved = tracker.state.answers[i];
      if (saved === undefined || firstTouch) return;
      if (JSON.stringify(readAnswer(q, box)) === JSON.stringify(saved) && $('.cp-fb', box)?.textContent) return;
      writeAnswer(q, box, saved);
      showFeedback(box, isCorrect(q, saved));
    };
    restore();
    restorers.push(restore);
    $('.cp-check', box)?.addEventListener('click', () => {
      const a = readAnswer(q, box);
      if (a === undefined) {
        const region = $('.cp-fb', box);
        if (region) {
          region.textContent = 'Choose or type an answer first.';
          region.className = 'cp-fb';
        }
        return;
      }
      const view = views.findIndex((v) => v.contains(box));
      const since = firstTouch || shownAt[view] || Date.now();
      tracker.answer(i, a, Date.now() - since);
      firstTouch = 0;
      showFeedback(box, isCorrect(q, a));
      updateScores(data, tracker);
    });
  });
  updateScores(data, tracker);
  return () => {
    restorers.forEach((r) => r());
    updateScores(data, tracker);
  };
}

/** Wires every reflection; returns what fills in reflections restored later, into empty boxes only. */
function wireReflections(data: ModuleData, tracker: Tracker): () => void {
  const restorers: (() => void)[] = [];
  data.reflections.forEach((r, i) => {
    const form = document.getElementById(r.dom) as HTMLFormElement | null;
    if (!form) return;
    const area = $<HTMLTextAreaElement>('textarea', form)!;
    const status = $('.cp-refl-status', form);
    const guidance = $('.cp-guidance', form);
    const restore = (): void => {
      const saved = tracker.state.reflections[i];
      if (saved === undefined || area.value !== '') return;
      area.value = saved;
      if (guidance) guidance.hidden = false;
    };
    restore();
    restorers.push(restore);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const saved = tracker.reflect(i, area.value);
      if (status) status.textContent = saved ? 'Reflection saved.' : 'Review mode: your reflection is not saved.';
      if (guidance) guidance.hidden = false;
    });
  });
  return () => restorers.forEach((r) => r());
}

function wireComments(data: ModuleData, tracker: Tracker, feedback?: Feedback): void {
  const form = $<HTMLFormElement>('#cp-comment');
  if (!form) return;
  const status = $('#cp-comment-status');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const area = $<HTMLTextAreaElement>('textarea', form)!;
    const rating = $<HTMLInputElement>('input[name="cp-rating"]:checked', form)?.value;
    const text = area.value.trim();
    if (!text && !rating) {
      if (status) status.textContent = 'Write a comment or choose a rating first.';
      return;
    }
    const body = (rating ? `Rating ${rating}/5. ` : '') + text;
    // With the feedback hook (feedback.ts) the author's destinations decide; without it, cmi.comments then email.
    const result = feedback?.submit(rating ? { comment: text, rating: Number(rating) } : { comment: text });
    const kept = result ? result.kept.length > 0 : tracker.comment(`[${data.moduleId}] ${body}`);
    const mailto = result
      ? result.mailto
      : data.feedback.email
        ? `mailto:${data.feedback.email}?subject=${encodeURIComponent(data.feedback.subject)}&body=${encodeURIComponent(body)}`
        : null;
    if (kept) {
      if (status) status.textContent = 'Thank you, your comment has been sent.';
      form.reset();
    } else if (mailto) {
      window.open(mailto, '_blank');
      if (status) status.textContent = 'Your email program has been opened with your comment.';
    } else if (status) {
      status.textContent = 'Your comment could not be sent from here.';
    }
  });
}
