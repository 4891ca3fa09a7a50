// Author Markdown → HTML for learner pages. Raw HTML is escaped (html: false),
// [[term-id]] / [[shown text|term-id]] become links to the glossary, headings are
// shifted under the page title, and web links open outside the LMS frame so the
// SCO is never unloaded by a click.
import MarkdownIt from 'markdown-it';
import type StateInline from 'markdown-it/lib/rules_inline/state_inline.mjs';
import type { GlossaryTerm } from '../course/types.ts';

export interface MarkdownEnv {
  glossary: Map<string, GlossaryTerm>;
  /** Level the shallowest heading of the text is rendered at. */
  topHeading?: number;
}

function glossaryRule(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== 0x5b || src.charCodeAt(start + 1) !== 0x5b) return false;
  const end = src.indexOf(']]', start + 2);
  if (end < 0) return false;
  const inner = src.slice(start + 2, end);
  if (!inner || inner.includes('\n') || inner.includes('[')) return false;
  const bar = inner.lastIndexOf('|');
  const id = (bar >= 0 ? inner.slice(bar + 1) : inner).trim();
  const term = (state.env as MarkdownEnv).glossary?.get(id);
  if (!silent) {
    const shown = bar >= 0 ? inner.slice(0, bar).trim() : term?.term ?? id;
    if (term) {
      const open = state.push('link_open', 'a', 1);
      open.attrs = [['href', `#term-${id}`], ['class', 'cp-term']];
      state.push('text', '', 0).content = shown;
      state.push('link_close', 'a', -1);
    } else {
      // The loader reports unresolved terms; here the text simply stays unlinked.
      state.push('text', '', 0).content = shown;
    }
  }
  state.pos = end + 2;
  return true;
}

function create(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  md.inline.ruler.before('link', 'cp_glossary', glossaryRule);
  md.core.ruler.push('cp_headings', (state) => {
    const top = (state.env as MarkdownEnv).topHeading ?? 3;
    const levels = state.tokens.filter((t) => t.type === 'heading_open').map((t) => Number(t.tag.slice(1)));
    if (levels.length === 0) return;
    const shift = Math.max(0, top - Math.min(...levels));
    for (const t of state.tokens) {
      if (t.type === 'heading_open' || t.type === 'heading_close') t.tag = `h${Math.min(6, Number(t.tag.slice(1)) + shift)}`;
    }
  });
  const defaultLink = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const href = tokens[idx].attrGet('href') ?? '';
    if (/^https?:\/\//i.test(href) || (/\.pdf$/i.test(href) && !href.startsWith('#'))) {
      tokens[idx].attrSet('target', '_blank');
      tokens[idx].attrSet('rel', 'noopener noreferrer');
    }
    return defaultLink(tokens, idx, options, env, self);
  };
  // Packages load nothing from the network: a remote image becomes a link to it.
  const defaultImage = md.renderer.rules.image!;
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const src = tokens[idx].attrGet('src') ?? '';
    if (!/^(https?:)?\/\//i.test(src)) return defaultImage(tokens, idx, options, env, self);
    const alt = md.utils.escapeHtml(self.renderInlineAsText(tokens[idx].children ?? [], options, env) || src);
    return `<a href="${md.utils.escapeHtml(src)}" target="_blank" rel="noopener noreferrer">${alt}</a>`;
  };
  return md;
}

const md = create();

export function renderMarkdown(text: string, env: MarkdownEnv): string {
  return md.render(text, { ...env });
}

export function renderInline(text: string, env: MarkdownEnv): string {
  return md.renderInline(text, { ...env });
}
