import { useEffect, useRef, useState } from 'preact/hooks';
import { get, request } from '../api.js';
import { Graph } from '../graph.js';
import { ErrorBox, h, href, Loading, useLoad, when } from '../ui.js';

const KIND_COLOURS = { asset: ['#e3f2fd', '#1565c0'], asset_version: ['#e3f2fd', '#1565c0'], task: ['#fff8e1', '#f9a825'] };

/** The page's own URL with some query values changed, so that picks (field, compared versions, depth) can be shared. */
function withQuery(name, query, changes) {
  const next = Object.fromEntries(Object.entries({ ...query, ...changes }).filter(([, v]) => v !== '' && v != null));
  const search = new URLSearchParams(next).toString();
  return href('assets', name) + (search ? `?${search}` : '');
}

/** A chart of one field across versions; versions an alias has pointed at (promoted) are drawn larger, in orange. */
function LineChart({ field, points, promoted }) {
  const canvas = useRef(null);
  useEffect(() => {
    const isPromoted = p => promoted.has(p.version);
    const chart = new window.Chart(canvas.current, {
      type: 'line',
      data: {
        labels: points.map(p => `v${p.version}`),
        datasets: [{ label: promoted.size ? `${field} (larger orange points: promoted)` : field,
          data: points.map(p => (typeof p.value === 'number' ? p.value : null)),
          borderColor: '#1565c0', backgroundColor: '#1565c055', spanGaps: true, tension: 0.2,
          pointRadius: points.map(p => isPromoted(p) ? 8 : 4), pointStyle: points.map(p => isPromoted(p) ? 'rectRot' : 'circle'),
          pointBackgroundColor: points.map(p => isPromoted(p) ? '#ef6c00' : '#1565c055'),
          pointBorderColor: points.map(p => isPromoted(p) ? '#ef6c00' : '#1565c0') }],
      },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
        scales: { x: { title: { display: true, text: 'version' } }, y: { title: { display: true, text: field } } } },
    });
    canvas.current.galeChart = chart;
    return () => chart.destroy();
  }, [field, JSON.stringify(points), [...promoted].join(',')]);
  return h('div', { class: 'chart' }, h('canvas', { id: 'metadata-chart', ref: canvas, 'aria-label': `${field} across versions`,
    role: 'img' }));
}

function Comparison({ compare }) {
  return h('div', { class: 'table-wrap' }, h('table', { id: 'asset-compare', class: 'compare' },
    h('thead', null,
      h('tr', null, h('th', { rowSpan: 2 }, 'Version'), h('th', { rowSpan: 2 }, 'Produced by run'),
        compare.confFields.length ? h('th', { colSpan: compare.confFields.length, class: 'group' }, 'Run conf') : null,
        compare.metadataFields.length ? h('th', { colSpan: compare.metadataFields.length, class: 'group' }, 'Metadata') : null),
      h('tr', null, compare.confFields.map(f => h('th', null, f)), compare.metadataFields.map(f => h('th', null, f)))),
    h('tbody', null, compare.versions.map(v => h('tr', { 'data-version': v.version },
      h('td', null, `v${v.version}`),
      h('td', null, v.runId ? h('code', null, v.runId) : '—'),
      compare.confFields.map(f => h('td', { 'data-field': `conf.${f}` }, show(v.conf?.[f]))),
      compare.metadataFields.map(f => h('td', { 'data-field': `metadata.${f}` }, show(v.metadata?.[f]))))))));
}

/**
 * Named pointers (production, staging) with where they point and every move; an operator can move one,
 * refused with the API's reason when someone moved it meanwhile.
 */
function Aliases({ asset, aliases, histories, onMoved }) {
  const me = useLoad(() => get('/me'), []);
  const [form, setForm] = useState({ alias: '', version: asset.latestVersion || 1, reason: '' });
  const [error, setError] = useState(null);
  const current = Object.fromEntries(aliases.map(a => [a.alias, a.version]));
  const move = async e => {
    e.preventDefault();
    setError(null);
    try {
      await request(`/assets/${asset.id}/aliases/${encodeURIComponent(form.alias)}`, { method: 'PUT',
        body: { version: Number(form.version), expectedVersion: current[form.alias] ?? 0, reason: form.reason } });
      setForm({ ...form, reason: '' });
      onMoved();
    } catch (failure) {
      setError(failure.problem?.title ? `${failure.problem.title}: ${failure.message}` : failure);
    }
  };
  return h('div', { class: 'card', id: 'asset-aliases' },
    h('h2', null, 'Aliases ', h('small', null, 'named pointers to a version, moved atomically')),
    aliases.length === 0 ? h('p', { class: 'muted' }, 'No alias points at a version of this asset yet.')
      : h('ul', { id: 'alias-list' }, aliases.map(a => h('li', { 'data-alias': a.alias },
        h('span', { class: 'tag' }, a.alias), ` → v${a.version}, moved by ${a.movedBy} ${when(a.movedAt)}`,
        h('ol', { class: 'muted alias-history' }, (histories[a.alias] || []).map(m => h('li', null,
          `${m.fromVersion ? `v${m.fromVersion}` : 'new'} → v${m.toVersion} by ${m.movedBy}, ${when(m.movedAt)}`
            + (m.reason ? `: ${m.reason}` : ''))))))),
    !me.data || me.data.role === 'viewer' ? null : h('form', { id: 'alias-form', class: 'inline-form', onSubmit: move },
      h('label', null, 'Alias', h('input', { id: 'alias-name', type: 'text', required: true, value: form.alias,
        placeholder: 'production', onInput: e => setForm({ ...form, alias: e.target.value }) })),
      h('label', null, 'Version', h('select', { id: 'alias-version', value: form.version,
        onChange: e => setForm({ ...form, version: e.target.value }) },
        asset.versions.map(v => h('option', { value: v.version }, `v${v.version}`)))),
      h('label', null, 'Reason', h('input', { id: 'alias-reason', type: 'text', value: form.reason,
        onInput: e => setForm({ ...form, reason: e.target.value }) })),
      h('button', { type: 'submit', id: 'alias-move' }, 'Move alias')),
    h(ErrorBox, { error }));
}

const show = value => value === undefined || value === null ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value);

/**
 * An asset: its versions, a chart of a numeric metadata field across them, selected versions compared
 * beside the conf of the runs that produced them, and the lineage graph around it.
 */
export function AssetPage({ name, query }) {
  const asset = useLoad(async () => {
    const found = (await get(`/assets?namePrefix=${encodeURIComponent(name)}&limit=1000`)).assets.find(a => a.name === name);
    if (!found) throw new Error(`There is no asset named ${name}. Assets are listed on the Assets page.`);
    const [versions, aliases] = await Promise.all([get(`/assets/${found.id}/versions?limit=1000`).then(r => r.versions),
      get(`/assets/${found.id}/aliases`).then(r => r.aliases)]);
    const histories = Object.fromEntries(await Promise.all(aliases.map(async al =>
      [al.alias, (await get(`/assets/${found.id}/aliases/${encodeURIComponent(al.alias)}/history`)).moves])));
    return { ...found, versions, aliases, histories };
  }, [name]);
  const a = asset.data;
  const promoted = new Set(a ? Object.values(a.histories).flatMap(hist => hist.map(m => m.toVersion)) : []);
  const aliasesOf = version => a.aliases.filter(al => al.version === version).map(al => al.alias);
  const numericFields = a ? [...new Set(a.versions.flatMap(v => Object.entries(v.metadata || {})
    .filter(([, value]) => typeof value === 'number').map(([k]) => k)))].sort() : [];
  const field = query.field || (numericFields.includes('rmse') ? 'rmse' : numericFields[0]);
  const compared = (query.compare || '').split(',').filter(Boolean).map(Number);
  const depth = Number(query.depth || 2);
  const series = useLoad(async () => a && field ? get(`/assets/${a.id}/metadata-series?field=${encodeURIComponent(field)}`) : null,
    [a?.id, field, a?.latestVersion]);
  const compare = useLoad(async () => a && compared.length ? get(`/assets/${a.id}/compare?versions=${compared.join(',')}`) : null,
    [a?.id, query.compare]);
  const lineage = useLoad(async () => a ? get(`/lineage?asset=${a.id}&depth=${depth}`) : null, [a?.id, depth]);
  if (!a) return asset.error ? h(ErrorBox, { error: asset.error }) : h(Loading);

  const toggle = version => {
    const next = compared.includes(version) ? compared.filter(v => v !== version) : [...compared, version].sort((x, y) => x - y);
    location.hash = withQuery(name, query, { compare: next.join(',') });
  };
  const openNode = id => {
    const node = lineage.data.nodes.find(n => n.id === id);
    if (node?.type === 'task') location.hash = href('dags', node.attributes.dagId);
    else if (node?.type === 'asset' && node.label !== name) location.hash = href('assets', node.label);
  };
  const nodes = lineage.data ? lineage.data.nodes.map(n => ({ id: n.id, label: n.label, kind: n.type,
    fill: KIND_COLOURS[n.type]?.[0] || '#fff', border: KIND_COLOURS[n.type]?.[1] || '#999',
    classes: n.label === name ? 'focus' : '' })) : [];
  const nodeLink = n => n.type === 'task' ? href('dags', n.attributes.dagId) : href('assets', n.label);

  return h('section', null,
    h('nav', { class: 'crumbs' }, h('a', { href: '#/assets' }, 'Assets'), ' / ', name),
    h('h1', null, name, ' ', h('span', { class: 'tag' }, a.kind)),
    a.description ? h('p', { class: 'muted' }, a.description) : null,
    h('div', { class: 'columns' },
      h('div', { class: 'card' },
        h('h2', null, 'Metadata across versions'),
        numericFields.length === 0 ? h('p', { class: 'muted' }, 'No numeric metadata to chart.') : [
          h('label', { for: 'metadata-field' }, 'Field '),
          h('select', { id: 'metadata-field', value: field,
            onChange: e => { location.hash = withQuery(name, query, { field: e.target.value }); } },
            numericFields.map(f => h('option', { value: f }, f))),
          series.data ? h(LineChart, { field, points: series.data.points, promoted }) : h(Loading)]),
      h('div', { class: 'card' },
        h('h2', null, 'Lineage ', h('label', { class: 'inline small' }, 'depth ',
          h('select', { id: 'lineage-depth', value: depth, onChange: e => { location.hash = withQuery(name, query, { depth: e.target.value }); } },
            [1, 2, 3, 4, 5, 6].map(d => h('option', { value: d }, d))))),
        lineage.error ? h(ErrorBox, { error: lineage.error }) : !lineage.data ? h(Loading) : [
          h(Graph, { id: 'lineage-graph', nodes, edges: lineage.data.edges, onTap: openNode, height: 340, direction: 'DOWN' }),
          h('ul', { class: 'legend', id: 'lineage-nodes' }, lineage.data.nodes.map(n => h('li', { 'data-node': n.id },
            h('span', { class: `kind kind-${n.type}` }, n.type === 'task' ? 'task' : 'asset'), ' ',
            h('a', { href: nodeLink(n) }, n.label))))])),
    h('div', { class: 'card' },
      h('h2', null, 'Versions ', h('small', null, 'tick versions to compare them')),
      h('div', { class: 'table-wrap' }, h('table', { id: 'asset-versions' },
        h('thead', null, h('tr', null, ['', 'Version', 'Aliases', 'Metadata', 'Produced by', 'Created'].map(c => h('th', null, c)))),
        h('tbody', null, a.versions.map(v => h('tr', { 'data-version': v.version },
          h('td', null, h('input', { type: 'checkbox', 'aria-label': `compare v${v.version}`, checked: compared.includes(v.version),
            onChange: () => toggle(v.version) })),
          h('td', null, `v${v.version}`),
          h('td', { class: 'version-aliases' }, aliasesOf(v.version).map(al => h('span', { class: 'tag' }, al))),
          h('td', { class: 'metadata' }, h('code', null, JSON.stringify(v.metadata))),
          h('td', null, v.runId ? h('a', { href: href('dags', v.dagId, 'runs', v.runId) + `?task=${encodeURIComponent(v.taskId)}` },
            `${v.dagId}.${v.taskId}`) : (v.producedBy || '—')),
          h('td', null, when(v.createdAt)))))))),
    h(Aliases, { asset: a, aliases: a.aliases, histories: a.histories, onMoved: asset.reload }),
    compared.length ? h('div', { class: 'card', id: 'comparison' },
      h('h2', null, `Comparing ${compared.length} versions`),
      compare.error ? h(ErrorBox, { error: compare.error }) : compare.data ? h(Comparison, { compare: compare.data }) : h(Loading))
      : null);
}
