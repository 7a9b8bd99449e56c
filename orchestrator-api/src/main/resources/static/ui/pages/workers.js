import { useEffect } from 'preact/hooks';
import { get } from '../api.js';
import { ErrorBox, h, Loading, useLoad, when } from '../ui.js';

/** Workers: connected workers, their queues, CPU and GPU slots in use, last heartbeat. */
export function WorkersPage() {
  const { data, error, reload } = useLoad(() => get('/workers'), []);
  // Heartbeats are not pushed as events; a glance every ten seconds is enough for "last seen".
  useEffect(() => { const timer = setInterval(reload, 10_000); return () => clearInterval(timer); }, [reload]);
  if (!data) return error ? h(ErrorBox, { error }) : h(Loading);
  return h('section', null,
    h('h1', null, 'Workers ', h('small', null, `${data.totalEntries} connected`)),
    h(ErrorBox, { error }),
    data.workers.length === 0 ? h('p', { class: 'muted' }, 'No worker is connected. Workers connect to the gRPC port (GALE_GRPC_PORT).') : null,
    h('div', { class: 'table-wrap' }, h('table', { id: 'worker-list' },
      h('thead', null, h('tr', null, ['Worker', 'Host', 'Queues', 'CPU slots in use', 'GPUs in use', 'Last heartbeat', 'Version']
        .map(c => h('th', null, c)))),
      h('tbody', null, data.workers.map(w => h('tr', null,
        h('td', null, h('code', null, w.workerId)), h('td', null, w.hostname),
        h('td', null, w.queues.map(q => h('span', { class: 'tag' }, q))),
        h('td', null, h('meter', { min: 0, max: w.capabilities.slots, value: w.slotsInUse }), ` ${w.slotsInUse} / ${w.capabilities.slots}`),
        h('td', null, w.capabilities.gpuCount ? [h('meter', { min: 0, max: w.capabilities.gpuCount, value: w.gpusInUse }),
          ` ${w.gpusInUse} / ${w.capabilities.gpuCount}`, w.capabilities.gpuModel ? h('div', { class: 'muted' },
            `${w.capabilities.gpuModel}, ${w.capabilities.gpuMemoryMb} MB`) : null] : h('span', { class: 'muted' }, 'no GPU')),
        h('td', null, when(w.lastHeartbeat)), h('td', null, w.softwareVersion || '—')))))));
}
