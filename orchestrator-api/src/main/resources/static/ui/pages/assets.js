import { get } from '../api.js';
import { ErrorBox, h, href, Loading, useLoad, when } from '../ui.js';

/** Assets: every asset with its kind, latest version and tags. */
export function AssetsPage() {
  const { data, error } = useLoad(() => get('/assets?limit=1000'), []);
  if (!data) return error ? h(ErrorBox, { error }) : h(Loading);
  return h('section', null,
    h('h1', null, 'Assets ', h('small', null, `${data.totalEntries}`)),
    data.assets.length === 0 ? h('p', { class: 'muted' }, 'No assets yet: they appear when a task writes one.') : null,
    h('div', { class: 'table-wrap' }, h('table', { id: 'asset-list' },
      h('thead', null, h('tr', null, ['Asset', 'Kind', 'Latest version', 'Owner', 'Tags', 'Created'].map(c => h('th', null, c)))),
      h('tbody', null, data.assets.map(a => h('tr', null,
        h('td', null, h('a', { href: href('assets', a.name) }, a.name),
          a.description ? h('div', { class: 'muted' }, a.description) : null),
        h('td', null, a.kind), h('td', null, a.latestVersion ? `v${a.latestVersion}` : '—'), h('td', null, a.owner || '—'),
        h('td', null, a.tags.map(t => h('span', { class: 'tag' }, t))), h('td', null, when(a.createdAt))))))));
}
