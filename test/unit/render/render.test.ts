// The renderer: what a learner's browser receives for one module.
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { renderModule } from '../../../src/render/index.ts';
import { renderMarkdown } from '../../../src/render/markdown.ts';
import type { ModuleData } from '../../../src/runtime/module-data.ts';
import { sampleCourse } from '../../helpers/sample-course.ts';

const course = sampleCourse();
const mod = course.modules[0];

async function render(target: 'scorm12' | 'web' = 'scorm12') {
  const files = await renderModule(course, mod, { target });
  return { files, index: files.get('index.html')!.toString('utf8'), print: files.get('print.html')!.toString('utf8') };
}

function embedded(html: string): ModuleData {
  const m = /<script type="application\/json" id="cp-data">([^<]*)<\/script>/.exec(html);
  return JSON.parse(m![1]);
}

describe('renderModule', () => {
  it('writes the launch page, print view, runtime, stylesheet and assets', async () => {
    const { files } = await render();
    expect([...files.keys()].sort()).toEqual(['assets/dot.png', 'coursepack.css', 'coursepack.js', 'index.html', 'print.html']);
    expect(files.get('assets/dot.png')!.subarray(1, 4).toString()).toBe('PNG');
  });

  it('is byte-identical for the same input', async () => {
    const a = await render();
    const b = await renderModule(sampleCourse(), sampleCourse().modules[0], { target: 'scorm12' });
    for (const [name, bytes] of a.files) expect(bytes.equals(b.get(name)!), name).toBe(true);
  });

  it('loads nothing from the network', async () => {
    const { index, print, files } = await render();
    for (const html of [index, print]) {
      expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)="(https?:)?\/\//i);
    }
    expect(files.get('coursepack.css')!.toString()).not.toMatch(/url\(|@import/);
  });

  it('escapes author text and raw HTML in Markdown', async () => {
    const { index } = await render();
    expect(index).toContain('Sample course &lt;&amp;&gt;');
    expect(index).not.toContain('<script>alert');
    expect(index).toContain('&lt;script&gt;alert');
  });

  it('links glossary terms to their definitions and shifts headings under the page title', async () => {
    const { index } = await render();
    expect(index).toContain('<a href="#term-lived-experience" class="cp-term">lived experience</a>');
    expect(index).toContain('<dt id="term-lived-experience">Lived experience</dt>');
    expect(index).toMatch(/<h2 id="page-intro-h"[^>]*>Introduction<\/h2>\s*<div class="cp-content">\s*<h3>Why involve patients<\/h3>/);
    const levels = [...index.matchAll(/<h([1-6])/g)].map((m) => Number(m[1]));
    levels.forEach((l, i) => i > 0 && expect(l - levels[i - 1]).toBeLessThanOrEqual(1));
  });

  it('turns remote images into links so nothing is fetched from the network', () => {
    const html = renderMarkdown('![A chart](https://example.org/c.png) ![Local](assets/a.png)', { glossary: new Map() });
    expect(html).toContain('<a href="https://example.org/c.png" target="_blank" rel="noopener noreferrer">A chart</a>');
    expect(html).toContain('<img src="assets/a.png" alt="Local">');
    expect(html).not.toContain('<img src="https');
  });

  it('leaves unknown glossary ids as plain text', () => {
    const html = renderMarkdown('See [[nothing here|missing]].', { glossary: new Map() });
    expect(html).toBe('<p>See nothing here.</p>\n');
  });

  it('opens web links outside the LMS frame', async () => {
    const { index } = await render();
    expect(index).toContain('<a href="https://example.org/seed" target="_blank" rel="noopener noreferrer">');
  });

  it('embeds module data with correct answers, completion rule and pass mark, safe inside <script>', async () => {
    const { index } = await render();
    const data = embedded(index);
    expect(data).toMatchObject({ target: 'scorm12', courseId: 'sample-course', moduleId: 'involving-patients', completion: 'all-required-pages', passMark: 60 });
    expect(data.questions.map((q) => q.type)).toEqual(['single-choice', 'multiple-response', 'true-false', 'fill-in', 'matching']);
    expect(data.questions[1]).toMatchObject({ correct: [0, 2], iid: 'quiz.q2' });
    expect(data.views).toEqual(['page-intro', 'page-streams', 'page-extra', 'page-reflect', 'page-check', 'cp-glossary', 'cp-reading', 'cp-feedback']);
    const nasty = sampleCourse({ id: 'x</script><script>alert(1)</script>' });
    const html = (await renderModule(nasty, nasty.modules[0], { target: 'web' })).get('index.html')!.toString();
    expect(html).not.toContain('</script><script>alert');
    expect(embedded(html).courseId).toBe(nasty.id);
  });

  it('links further reading to web pages and package files but never to other URL schemes', async () => {
    const c = sampleCourse();
    c.modules[0].furtherReading = [
      { title: 'Web', url: 'https://example.org/a' },
      { title: 'Local PDF', url: 'assets/paper.pdf' },
      { title: 'Evil', url: 'javascript:alert(1)' },
    ];
    const html = (await renderModule(c, c.modules[0], { target: 'web' })).get('index.html')!.toString();
    expect(html).toContain('<a href="https://example.org/a" target="_blank"');
    expect(html).toContain('<a href="assets/paper.pdf" target="_blank"');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<strong>Evil</strong>');
  });

  it('builds the mailto link with the module title in the subject', async () => {
    const { index } = await render();
    const subject = encodeURIComponent('Course feedback: Involving patients in health professions education');
    expect(index).toContain(`href="mailto:team@example.org?subject&#x3D;${subject}"`);
  });

  it('leaves out the comments view when comments can go nowhere', async () => {
    const c = sampleCourse({ feedback: { rating: true, scormComments: true } });
    const web = (await renderModule(c, c.modules[0], { target: 'web' })).get('index.html')!.toString();
    expect(web).not.toContain('id="cp-feedback"');
    expect(embedded(web).views).not.toContain('cp-feedback');
    const lms = (await renderModule(c, c.modules[0], { target: 'scorm12' })).get('index.html')!.toString();
    expect(lms).toContain('id="cp-feedback"');
    expect(lms).not.toContain('mailto:');
  });

  it('offers the comment form only when comments go to the LMS', async () => {
    expect((await render('scorm12')).index).toContain('id="cp-comment"');
    expect((await render('web')).index).not.toContain('id="cp-comment"');
  });

  it('gives every form control a label', async () => {
    const { index } = await render();
    const ids = [...index.matchAll(/<(?:input|select|textarea)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) expect(index, id).toMatch(new RegExp(`<label for="${id}"`));
  });

  it('shuffles matching targets in a stable order', async () => {
    const { index } = await render();
    const select = /<select id="q-quiz-q5-0">([\s\S]*?)<\/select>/.exec(index)![1];
    const values = [...select.matchAll(/value="(\d)"/g)].map((m) => m[1]);
    expect(values.sort()).toEqual(['0', '1', '2']);
  });

  it('lays out every page, the glossary and reading in the print view', async () => {
    const { print } = await render();
    for (const p of mod.pages) expect(print).toContain(`id="page-${p.id}"`);
    expect(print).toContain('Glossary');
    expect(print).toContain('Further reading');
    expect(print).not.toContain('cp-data');
  });

  it('says the title once when a one-module course is titled like its module, in the header and the browser tab', async () => {
    const c = sampleCourse({ title: 'Involving patients in health professions education' });
    const files = await renderModule(c, c.modules[0], { target: 'scorm12' });
    for (const [name, html] of [['index.html', files.get('index.html')!.toString()], ['print.html', files.get('print.html')!.toString()]]) {
      const title = /<title>([^<]*)<\/title>/.exec(html)![1];
      expect(title.split('Involving patients in health professions education').length - 1, name).toBe(1);
      expect(html, name).not.toContain('class="cp-course"');
      const header = /<header[\s\S]*?<\/header>/.exec(html)![0];
      expect(header.split('Involving patients in health professions education').length - 1, name).toBe(1);
    }
  });

  it('shows the course title beside the module title when they differ', async () => {
    const { index } = await render();
    expect(/<title>([^<]*)<\/title>/.exec(index)![1]).toBe('Involving patients in health professions education – Sample course &lt;&amp;&gt;');
    expect(index).toContain('<p class="cp-course">Sample course &lt;&amp;&gt;</p>');
  });

  it('keeps the runtime within 30 KB gzipped (JS + CSS)', async () => {
    const { files } = await render();
    const size = gzipSync(files.get('coursepack.js')!, { level: 9 }).length + gzipSync(files.get('coursepack.css')!, { level: 9 }).length;
    expect(size).toBeLessThanOrEqual(30 * 1024);
  });
});
