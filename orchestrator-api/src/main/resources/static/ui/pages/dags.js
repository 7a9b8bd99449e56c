import { useState } from 'preact/hooks';
import { get, request } from '../api.js';
import { ErrorBox, h, href, Loading, useLoad, useRunEvents, when } from '../ui.js';

/** DAGs: tags, paused toggle, the last runs' states, the next scheduled run, a trigger button. */
export function DagsPage() {
  const { data, error, reload } = useLoad(() => get('/dag-overview?recentRuns=5&limit=1000'), []);
  const [toggleError, setToggleError] = useState(null);
  useRunEvents({}, reload);
  if (!data) return error ? h(ErrorBox, { error }) : h(Loading);
  const togglePaused = async dag => {
    try {
      setToggleError(null);
      await request(`/dags/${encodeURIComponent(dag.dagId)}`, { method: 'PATCH', body: { isPaused: !dag.isPaused } });
      reload();
    } catch (e) {
      setToggleError(e);
    }
  };
  return h('section', null,
    h('h1', null, 'DAGs ', h('small', null, `${data.totalEntries}`)),
    h(ErrorBox, { error: toggleError || error }),
    h('div', { class: 'table-wrap' }, h('table', { class: 'dags', id: 'dag-list' },
      h('thead', null, h('tr', null, ['Active', 'DAG', 'Tags', 'Recent runs', 'Schedule', 'Next run', '']
        .map(c => h('th', null, c)))),
      h('tbody', null, data.dags.map(dag => h('tr', { 'data-dag': dag.dagId },
        h('td', null, h('label', { class: 'switch', title: dag.isPaused ? 'Paused: click to unpause' : 'Click to pause' },
          h('input', { type: 'checkbox', checked: !dag.isPaused, 'aria-label': `${dag.dagId} active`,
            onChange: () => togglePaused(dag) }))),
        h('td', null, h('a', { href: href('dags', dag.dagId) }, dag.dagId),
          dag.description ? h('div', { class: 'muted' }, dag.description) : null,
          dag.missedDeadlines ? h('a', { class: 'missed-deadline', href: href('dags', dag.dagId, 'runs', dag.missedDeadlines.latestRunId),
            title: `latest: ${dag.missedDeadlines.latestRunId}, late since ${when(dag.missedDeadlines.latestMissedAt)}` },
            `${dag.missedDeadlines.runs} missed deadline${dag.missedDeadlines.runs === 1 ? '' : 's'}`) : null),
        h('td', null, dag.tags.map(t => h('span', { class: 'tag' }, t))),
        h('td', { class: 'recent' }, dag.recentRuns.length === 0 ? h('span', { class: 'muted' }, 'no runs')
          : dag.recentRuns.map(r => h('a', { href: href('dags', dag.dagId, 'runs', r.runId), title: `${r.runId}: ${r.state}` },
            h('span', { class: `dot state-${r.state}` })))),
        h('td', null, dag.schedule ? h('code', null, dag.schedule) : dag.scheduledOnAssets.length ? `on ${dag.scheduledOnAssets.join(', ')}`
          : dag.scheduledOnAliasMoves.length ? `when ${dag.scheduledOnAliasMoves.join(', ')} moves` : '—'),
        h('td', null, dag.isPaused && dag.schedule ? 'paused' : when(dag.nextRunAt)),
        h('td', null, h('a', { class: 'button', href: href('dags', dag.dagId, 'trigger'), title: `Trigger ${dag.dagId}` },
          '▶ Trigger'))))))));
}
