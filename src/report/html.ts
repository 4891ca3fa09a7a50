// The report page: one self-contained HTML file (inline CSS, inline SVG charts, a few
// lines of inline script for the comment filter; no external request of any kind), so it
// works opened from disk or attached to an email. Every table has a caption; every chart
// is an <svg role="img"> with a title and description and the same figures in a table.
// All data reaches the page through esc(): learner text is never HTML.
import { esc, dur, num, percent } from './format.ts';
import { barChart, hbarChart } from './svg.ts';
import { tablesOf, type Table } from './tables.ts';
import type { Report } from './types.ts';

function cell(t: Table, row: unknown): string {
  return t.columns
    .map((c) => {
      const v = c.value(row);
      const text = c.show ? c.show(v, row) : v === null || v === undefined ? '–' : String(v);
      return `<td${c.numeric ? ' class="n"' : ''}>${esc(text)}</td>`;
    })
    .join('');
}

/** Rows shown on the page per table; the CSV always has all of them (a page with 50,000 rows helps no one). */
export const MAX_ROWS = 2000;

export function tableHtml(t: Table, o: { rowAttrs?: (row: unknown) => string; empty?: string } = {}): string {
  if (t.rows.length === 0) return `<p class="empty">${esc(o.empty ?? `No data for “${t.caption}”.`)}</p>`;
  const head = t.columns.map((c) => `<th scope="col"${c.numeric ? ' class="n"' : ''}>${esc(c.label)}</th>`).join('');
  const rows = t.rows.slice(0, MAX_ROWS);
  const body = rows.map((r) => `<tr${o.rowAttrs ? o.rowAttrs(r) : ''}>${cell(t, r)}</tr>`).join('\n');
  const more = t.rows.length > rows.length ? `<p class="note">The first ${rows.length} of ${t.rows.length} rows; all of them are in <a href="${esc(t.id)}.csv">${esc(t.id)}.csv</a>.</p>` : '';
  return `<div class="scroll"><table id="t-${esc(t.id)}"><caption>${esc(t.caption)} <a class="csv" href="${esc(t.id)}.csv">CSV</a></caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${more}`;
}

const CSS = `
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff;margin:0}
main{max-width:1100px;margin:0 auto;padding:1rem 1.5rem 4rem}
h1{font-size:1.7rem;margin:.5rem 0}h2{margin-top:2.5rem;border-bottom:2px solid #2f6690;padding-bottom:.2rem}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.75rem;padding:0;list-style:none}
.kpis li{border:1px solid #ccc;border-radius:6px;padding:.6rem .8rem}.kpis .v{display:block;font-size:1.5rem;font-weight:600}
table{border-collapse:collapse;margin:1rem 0;min-width:50%}caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #bbb;padding:.25rem .5rem;vertical-align:top;text-align:left}td.n,th.n{text-align:right}
thead th{background:#eef3f7}.scroll{overflow-x:auto}.csv{font-weight:400;font-size:.85rem;margin-left:.5rem}
td{white-space:pre-wrap;overflow-wrap:anywhere}.empty{color:#555;font-style:italic}.note{color:#444;font-size:.9rem}
nav ul{display:flex;flex-wrap:wrap;gap:1rem;padding:0;list-style:none}a{color:#1a4f7a}
.flag{color:#8a1c1c;font-weight:600}form.filter{display:flex;flex-wrap:wrap;gap:1rem;align-items:end}
form.filter label{display:flex;flex-direction:column;font-size:.9rem}
`;

// Filter the comments table by rating and date. Reads only data-* attributes the page set.
const FILTER_JS = `
(function(){var f=document.getElementById('comment-filter');if(!f)return;
function run(){var r=f.elements.rating.value,a=f.elements.from.value,b=f.elements.to.value,n=0;
document.querySelectorAll('#t-comments tbody tr').forEach(function(tr){var ok=(!r||tr.dataset.rating===r)&&(!a||tr.dataset.date>=a)&&(!b||tr.dataset.date<=b);tr.hidden=!ok;if(ok)n++;});
document.getElementById('comment-count').textContent=n+' comment'+(n===1?'':'s')+' shown';}
f.addEventListener('input',run);f.addEventListener('submit',function(e){e.preventDefault();run();});run();})();
`;

// The live page (report --serve) asks the server every 5 s whether statements arrived and
// offers a reload in a status region; it never reloads by itself (a page that changes under
// a screen reader loses the user's place).
const LIVE_JS = `
(function(){var v=document.body.dataset.version,s=document.getElementById('live-status');
setInterval(function(){fetch('version',{cache:'no-store'}).then(function(r){return r.text();}).then(function(t){
if(t.trim()!==v){s.innerHTML='';var a=document.createElement('a');a.href='./';a.textContent='New statements have arrived: reload the report';s.appendChild(a);}
}).catch(function(){s.textContent='The report server is not answering.';});},5000);})();
`;

export interface HtmlOptions {
  /** Served live by `report --serve`: the version the page shows, polled at ./version. */
  live?: { version: number };
}

export function renderHtml(r: Report, opts: HtmlOptions = {}): string {
  const o = r.overview;
  const tables = Object.fromEntries(tablesOf(r).map((t) => [t.id, t])) as Record<string, Table>;
  const title = `Activity report${r.course.title ? `: ${r.course.title}` : r.course.iri ? `: ${r.course.iri}` : ''}`;
  const kpi = (label: string, value: string, key: string) => `<li><span class="v" data-summary="${esc(key)}">${esc(value)}</span>${esc(label)}</li>`;
  const period = [r.filters.since && `since ${r.filters.since}`, r.filters.until && `until ${r.filters.until}`].filter(Boolean).join(', ');

  const dayChart = o.byDay.length
    ? barChart({
        title: 'Attempts started and completed per day',
        desc: `${o.byDay.length} days from ${o.byDay[0]!.day} to ${o.byDay.at(-1)!.day}; the table below gives each day's figures.`,
        categories: o.byDay.map((d) => d.day.slice(5)),
        series: [
          { name: 'Attempts started', colour: '#2f6690', values: o.byDay.map((d) => d.attempts) },
          { name: 'Attempts completed', colour: '#d1741f', values: o.byDay.map((d) => d.completions) },
        ],
      })
    : '';
  const funnelChart = r.funnel.length
    ? hbarChart({
        title: 'Learners reaching each page',
        desc: `From ${r.funnel[0]!.learners} learners on the first page to ${r.funnel.at(-1)!.learners} on the last; the table below gives every page.`,
        rows: r.funnel.map((f) => ({ label: f.title, value: f.learners, note: `${f.learners} (${percent(f.share, 0)})` })),
      })
    : '';
  const ratingChart = r.feedback.ratings.some((x) => x > 0)
    ? hbarChart({
        title: 'Rating distribution',
        desc: `Ratings 1 to 5: ${r.feedback.ratings.join(', ')} learners respectively; mean ${num(r.feedback.meanRating, 2)}.`,
        rows: r.feedback.ratings.map((c, i) => ({ label: `${i + 1} star${i ? 's' : ''}`, value: c })),
        colour: '#5b8c5a',
      })
    : '';
  const flagged = r.questions.filter((q) => q.flags.length);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:${opts.live ? "; connect-src 'self'" : ''}">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body${opts.live ? ` data-version="${opts.live.version}"` : ''}>
<main>
<h1>${esc(title)}</h1>
${opts.live ? '<p class="note">Live report: it checks for new statements every 5 seconds. <span id="live-status" role="status"></span></p>' : ''}
<p class="note">Generated ${esc(r.generatedAt)} from ${r.counts.used} statements${period ? ` (${esc(period)})` : ''}. ${r.counts.duplicates} duplicate deliveries counted once, ${r.counts.voided} voided statements excluded, ${r.counts.otherCourse} statements about other courses ignored.${r.filters.pseudonymised ? ' Learners are pseudonymised.' : ''}</p>
<nav aria-label="Sections"><ul><li><a href="#overview">Overview</a></li><li><a href="#drop-off">Drop-off</a></li><li><a href="#questions">Questions</a></li><li><a href="#feedback">Reflections and feedback</a></li><li><a href="#learners">Learners</a></li></ul></nav>

<section aria-labelledby="overview"><h2 id="overview">Overview</h2>
<ul class="kpis">
${kpi('learners', String(o.learners), 'overview.learners')}
${kpi('attempts', String(o.attempts), 'overview.attempts')}
${kpi('completion rate', percent(o.completionRate), 'overview.completionRate')}
${kpi('pass rate', percent(o.passRate), 'overview.passRate')}
${kpi('median time to complete', dur(o.medianTimeToCompleteMs), 'overview.medianTimeToCompleteMs')}
${kpi('90th percentile time to complete', dur(o.p90TimeToCompleteMs), 'overview.p90TimeToCompleteMs')}
${kpi('mean score', o.meanScore === null ? '–' : `${num(o.meanScore)}%`, 'overview.meanScore')}
</ul>
<p class="note">Time to complete is active time: the time on pages (experienced statements) of attempts that completed every module. Pass rate is over attempts with a pass or fail.</p>
${tableHtml(tables.overview!)}
${dayChart}
${tableHtml(tables['activity-by-day']!, { empty: 'No attempts in this period.' })}
</section>

<section aria-labelledby="drop-off"><h2 id="drop-off">Drop-off</h2>
${funnelChart}
${tableHtml(tables['drop-off']!, { empty: 'No page views in this period.' })}
</section>

<section aria-labelledby="questions"><h2 id="questions">Question analysis</h2>
<p class="note">Facility index: mean score as a percentage of the maximum. Discrimination index: correlation (%) between the question's score and the rest of the quiz score, as in Moodle's quiz statistics, over finished quiz attempts. Flags: too easy (facility ≥ 90), too hard (≤ 20), poor (discrimination &lt; 20) or negative discrimination.</p>
${flagged.length ? `<ul>${flagged.map((q) => `<li><span class="flag">${esc(q.flags.join(', '))}</span>: ${esc(q.title)}</li>`).join('')}</ul>` : ''}
${tableHtml(tables.questions!, { empty: 'No questions answered in this period.' })}
${tableHtml(tables.answers!, { empty: 'No answers.' })}
</section>

<section aria-labelledby="feedback"><h2 id="feedback">Reflections and feedback</h2>
<ul class="kpis">
${kpi('ratings', String(r.feedback.ratings.reduce((t, x) => t + x, 0)), 'feedback.ratings')}
${kpi('mean rating', num(r.feedback.meanRating, 2), 'feedback.meanRating')}
${kpi('comments', String(r.feedback.comments.length), 'feedback.comments')}
${kpi('print views printed', String(r.feedback.printed), 'feedback.printed')}
${kpi('glossary look-ups', String(r.feedback.glossary.reduce((t, g) => t + g.views, 0)), 'feedback.glossary')}
</ul>
${ratingChart}
${tableHtml(tables.ratings!)}
<form class="filter" id="comment-filter" aria-describedby="comment-count">
<label>Rating <select name="rating"><option value="">any</option>${[1, 2, 3, 4, 5].map((n) => `<option value="${n}">${n}</option>`).join('')}<option value="none">no rating</option></select></label>
<label>From <input type="date" name="from"></label>
<label>To <input type="date" name="to"></label>
<p id="comment-count" role="status">${r.feedback.comments.length} comments shown</p>
</form>
${tableHtml(tables.comments!, { empty: 'No comments.', rowAttrs: (c) => ` data-rating="${esc((c as Report['feedback']['comments'][number]).rating ?? 'none')}" data-date="${esc((c as Report['feedback']['comments'][number]).at.slice(0, 10))}"` })}
${tableHtml(tables.glossary!, { empty: 'No glossary look-ups.' })}
${tableHtml(tables.reflections!, { empty: 'No reflections saved.' })}
</section>

<section aria-labelledby="learners"><h2 id="learners">Learners</h2>
${tableHtml(tables.learners!, { empty: 'No learners in this period.' })}
<h3 id="timeline">Timeline per learner</h3>
<p class="note">Each learner's attempts in the order they started.</p>
${tableHtml(tables.attempts!, { empty: 'No attempts in this period.' })}
</section>
</main>
<script>${FILTER_JS}${opts.live ? LIVE_JS : ''}</script>
</body>
</html>
`;
}
