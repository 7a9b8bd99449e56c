import { get } from '../api.js';
import { Graph, STATE_COLOURS, tint } from '../graph.js';
import { BackfillCard } from './backfills.js';
import { ErrorBox, h, href, Loading, StateBadge, useLoad, useRunEvents, when, worstState } from '../ui.js';
import { EventTriggerPanel } from './eventtrigger.js';

/** The state a grid cell shows: a task's, or for a mapped task the most telling of its instances'. */
function cellState(cell) {
  if (!cell) return 'none';
  return cell.mapped ? worstState(Object.keys(cell.mappedStates)) : cell.state;
}

function GridView({ dagId, grid, selected }) {
  const runs = [...grid.runs].reverse();
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'dag-grid' },
    h('thead', null, h('tr', null, h('th', null, 'Task \\ run'), runs.map(r => h('th', { class: r.runId === selected ? 'selected' : '' },
      h('a', { href: `${href('dags', dagId)}?run=${encodeURIComponent(r.runId)}`, title: `${r.runId}\n${when(r.queuedAt)}` },
        h('span', { class: `dot state-${r.state}` })))))),
    h('tbody', null, grid.taskIds.map(taskId => h('tr', null, h('th', { scope: 'row' }, taskId), runs.map(r => {
      const cell = r.tasks.find(t => t.taskId === taskId);
      const state = cellState(cell);
      const title = cell?.mapped ? Object.entries(cell.mappedStates).map(([s, n]) => `${n} ${s}`).join(', ') : state;
      return h('td', { class: r.runId === selected ? 'selected' : '' },
        h('a', { href: `${href('dags', dagId, 'runs', r.runId)}?task=${encodeURIComponent(taskId)}`, title: `${taskId}: ${title}` },
          h('span', { class: `cell state-${state}` }, cell?.mapped ? Object.values(cell.mappedStates).reduce((a, b) => a + b, 0) : '')));
    }))))));
}

/** A DAG: its task graph coloured by the selected run's states (live), the grid of recent runs, versions. */
export function DagPage({ dagId, query }) {
  const path = `/dags/${encodeURIComponent(dagId)}`;
  const { data: dag, error } = useLoad(() => get(path), [dagId]);
  const grid = useLoad(() => get(`${path}/grid?runs=20`), [dagId]);
  const versions = useLoad(() => get(`${path}/versions`), [dagId]);
  useRunEvents({ dagId }, grid.reload);
  if (!dag || !grid.data) return error || grid.error ? h(ErrorBox, { error: error || grid.error }) : h(Loading);
  const selected = grid.data.runs.find(r => r.runId === query.run) || grid.data.runs[0];
  const nodes = dag.tasks.map(t => {
    const state = cellState(selected?.tasks.find(c => c.taskId === t.taskId));
    const colour = STATE_COLOURS[state] || '#999999';
    return { id: t.taskId, label: t.taskId, kind: 'task', fill: tint(colour), border: colour, state };
  });
  const edges = dag.tasks.flatMap(t => t.upstream.map(u => ({ from: u, to: t.taskId })));
  const openTask = taskId => {
    location.hash = selected ? `${href('dags', dagId, 'runs', selected.runId)}?task=${encodeURIComponent(taskId)}` : location.hash;
  };
  return h('section', null,
    h('nav', { class: 'crumbs' }, h('a', { href: '#/dags' }, 'DAGs'), ' / ', dagId),
    h('div', { class: 'title-row' },
      h('h1', null, dagId, dag.isPaused ? h('span', { class: 'tag' }, 'paused') : null),
      h('a', { class: 'button', href: href('dags', dagId, 'trigger'), id: 'trigger-button' }, '▶ Trigger')),
    dag.description ? h('p', { class: 'muted' }, dag.description) : null,
    h('div', { class: 'columns' },
      h('div', { class: 'card' },
        h('h2', null, 'Graph ', selected ? h('small', null, 'run ', h('a', { href: href('dags', dagId, 'runs', selected.runId) },
          selected.runId), ' ', h(StateBadge, { state: selected.state })) : h('small', null, 'no runs yet')),
        h(Graph, { id: 'dag-graph', nodes, edges, onTap: openTask, height: 260 }),
        h('ul', { class: 'legend', id: 'dag-graph-nodes' }, nodes.map(n => h('li', null,
          h('span', { class: `dot state-${n.state}` }), ' ', n.label, ' ', h('span', { class: 'muted' }, n.state))))),
      h('div', { class: 'card' },
        h('h2', null, 'Grid ', h('small', null, `last ${grid.data.runs.length} runs, oldest left`)),
        grid.data.runs.length ? h(GridView, { dagId, grid: grid.data, selected: selected?.runId })
          : h('p', { class: 'muted' }, 'No runs yet.'))),
    h(EventTriggerPanel, { dagId }),
    h(BackfillCard, { dagId }),
    h('div', { class: 'card' },
      h('h2', null, 'Versions'),
      versions.data ? h('div', { class: 'table-wrap' }, h('table', { id: 'dag-versions' },
        h('thead', null, h('tr', null, ['Version', 'Hash', 'Tasks', 'Created', ''].map(c => h('th', null, c)))),
        h('tbody', null, versions.data.versions.map(v => h('tr', null,
          h('td', null, `v${v.versionNumber}`), h('td', null, h('code', null, v.hash.slice(0, 12))), h('td', null, v.taskCount),
          h('td', null, when(v.createdAt)), h('td', null, v.current ? 'current' : '')))))) : h(Loading)));
}
