import { h, when } from '../ui.js';

/**
 * A run's Gantt chart: one lane per worker, one bar per task instance that started, from its start to
 * its end (to now while it runs), on the run's own time axis.
 */
export function Gantt({ instances }) {
  const started = instances.filter(ti => ti.startedAt)
    .map(ti => ({ ti, start: Date.parse(ti.startedAt), end: ti.endedAt ? Date.parse(ti.endedAt) : Date.now() }))
    .sort((a, b) => a.start - b.start);
  if (started.length === 0) return h('p', { class: 'muted', id: 'gantt' }, 'No task has started yet.');
  const from = Math.min(...started.map(s => s.start));
  const span = Math.max(1, Math.max(...started.map(s => s.end)) - from);
  const pct = ms => `${(100 * ms / span).toFixed(3)}%`;
  const lanes = new Map();
  for (const s of started) {
    const worker = s.ti.workerId || 'unknown worker';
    lanes.set(worker, [...(lanes.get(worker) || []), s]);
  }
  return h('div', { id: 'gantt', class: 'gantt' },
    h('div', { class: 'gantt-axis muted' }, h('span', null, when(from)),
      h('span', null, `${(span / 1000).toFixed(1)} s`)),
    [...lanes.entries()].map(([worker, bars]) => h('div', { class: 'gantt-lane', 'data-worker': worker },
      h('h4', null, worker),
      bars.map(({ ti, start, end }) => {
        const label = ti.taskId + (ti.mapIndex >= 0 ? ` [${ti.mapIndex}]` : '');
        return h('div', { class: 'gantt-row' },
          h('span', { class: 'gantt-label' }, label),
          h('div', { class: 'gantt-track' },
            h('div', { class: `gantt-bar state-${ti.state}`, 'data-task': ti.taskId, 'data-map-index': ti.mapIndex,
              style: `left: ${pct(start - from)}; width: ${pct(end - start)}`,
              title: `${label}: ${ti.state}, ${((end - start) / 1000).toFixed(2)} s on ${worker}` })));
      }))));
}
