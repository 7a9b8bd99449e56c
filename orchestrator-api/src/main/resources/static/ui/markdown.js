// A small Markdown renderer for human requests' bodies. It builds elements, never HTML strings, so any
// HTML in the text shows as text: a task's output cannot inject markup into the reviewer's page.
import { h } from './ui.js';

const SAFE_LINK = /^(https?:|mailto:|#)/i;

/** Inline marks: `code`, **bold**, *italic* or _italic_, [text](http…). */
function inline(text) {
  const out = [];
  const pattern = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const token = m[0];
    if (m[1]) out.push(h('code', null, token.slice(1, -1)));
    else if (m[2]) out.push(h('strong', null, inline(token.slice(2, -2))));
    else if (m[3]) out.push(h('em', null, inline(token.slice(1, -1))));
    else {
      const [, label, url] = token.match(/^\[([^\]]+)\]\(([^)\s]+)\)$/);
      out.push(SAFE_LINK.test(url) ? h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, inline(label))
        : token);
    }
    last = m.index + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Headings (#…######), paragraphs, bullet and numbered lists, fenced code blocks, block quotes. */
export function Markdown({ text }) {
  const blocks = [];
  const lines = (text || '').replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length;) {
    const line = lines[i];
    if (/^```/.test(line)) {
      const code = [];
      for (i++; i < lines.length && !/^```/.test(lines[i]); i++) code.push(lines[i]);
      i++;
      blocks.push(h('pre', { class: 'json' }, h('code', null, code.join('\n'))));
    } else if (/^#{1,6}\s/.test(line)) {
      const level = line.match(/^#+/)[0].length;
      blocks.push(h(`h${Math.min(level + 2, 6)}`, null, inline(line.replace(/^#+\s+/, ''))));
      i++;
    } else if (/^\s*([-*]|\d+\.)\s+/.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const items = [];
      for (; i < lines.length && /^\s*([-*]|\d+\.)\s+/.test(lines[i]); i++) {
        items.push(h('li', null, inline(lines[i].replace(/^\s*([-*]|\d+\.)\s+/, ''))));
      }
      blocks.push(h(ordered ? 'ol' : 'ul', null, items));
    } else if (/^>\s?/.test(line)) {
      const quoted = [];
      for (; i < lines.length && /^>\s?/.test(lines[i]); i++) quoted.push(lines[i].replace(/^>\s?/, ''));
      blocks.push(h('blockquote', null, inline(quoted.join(' '))));
    } else if (line.trim() === '') {
      i++;
    } else {
      const paragraph = [];
      for (; i < lines.length && lines[i].trim() !== '' && !/^(```|#{1,6}\s|>|\s*([-*]|\d+\.)\s+)/.test(lines[i]); i++) {
        paragraph.push(lines[i]);
      }
      blocks.push(h('p', null, inline(paragraph.join(' '))));
    }
  }
  return h('div', { class: 'markdown' }, blocks);
}
