import { useEffect, useState } from 'preact/hooks';
import { get, request } from '../api.js';
import { ErrorBox, h, href, Loading, StateBadge, useLoad, when } from '../ui.js';

const ORDERS = [['oldest_first', 'Oldest first'], ['newest_first', 'Newest first']];
const REPROCESS = [['skip', 'Skip intervals that have a run'], ['failed', 'Rerun failed intervals'], ['all', 'Rerun every interval']];

/** A datetime-local value (the browser's time zone) as an ISO instant. */
const instant = local => new Date(local).toISOString();

function Progress({ backfill }) {
  const p = backfill.progress;
  return h('span', { class: 'backfill-progress' },
    h('meter', { min: 0, max: Math.max(p.total, 1), value: p.done, title: `${p.done} of ${p.total} runs done` }), ' ',
    `${p.done}/${p.total} done`, p.failed ? `, ${p.failed} failed` : '', p.active ? `, ${p.active} running` : '',
    p.skipped ? `, ${p.skipped} skipped` : '');
}

/** The DAG page's backfills: a form that starts one, and each backfill with its progress, pause, resume and cancel. */
export function BackfillCard({ dagId }) {
  const path = `/dags/${encodeURIComponent(dagId)}/backfills`;
  const list = useLoad(() => get(`${path}?limit=10`), [dagId]);
  const [form, setForm] = useState({ from: '', to: '', maxActiveRuns: 10, order: 'oldest_first', reprocess: 'skip' });
  const [error, setError] = useState(null);
  const [open, setOpen] = useState(null);
  const running = list.data?.backfills.some(b => b.state === 'running' || b.state === 'paused');
  // Progress changes as the backfill's runs end; follow it while one is under way.
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(list.reload, 1000);
    return () => clearInterval(timer);
  }, [running, list.reload]);
  const set = key => e => setForm({ ...form, [key]: e.target.value });
  const submit = async e => {
    e.preventDefault();
    setError(null);
    try {
      const body = { ...form, maxActiveRuns: Number(form.maxActiveRuns),
        from: form.from && instant(form.from), to: form.to && instant(form.to) };
      const created = (await request(path, { method: 'POST', body })).body;
      setOpen(created.backfillId);
      list.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const act = (backfill, verb) => async () => {
    setError(null);
    try {
      await request(`${path}/${backfill.backfillId}/${verb}`, { method: 'POST' });
      list.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const field = (label, input) => h('label', null, label, input);
  return h('div', { class: 'card', id: 'backfills' },
    h('h2', null, 'Backfill ', h('small', null, 'one run per schedule interval of a past range')),
    h('form', { id: 'backfill-form', class: 'inline-form', onSubmit: submit },
      field('From', h('input', { id: 'backfill-from', type: 'datetime-local', step: 1, required: true, value: form.from, onInput: set('from') })),
      field('To', h('input', { id: 'backfill-to', type: 'datetime-local', step: 1, required: true, value: form.to, onInput: set('to') })),
      field('Max active runs', h('input', { id: 'backfill-max-active-runs', type: 'number', min: 1, value: form.maxActiveRuns, onInput: set('maxActiveRuns') })),
      field('Order', h('select', { id: 'backfill-order', value: form.order, onChange: set('order') },
        ORDERS.map(([v, l]) => h('option', { value: v }, l)))),
      field('Intervals with runs', h('select', { id: 'backfill-reprocess', value: form.reprocess, onChange: set('reprocess') },
        REPROCESS.map(([v, l]) => h('option', { value: v }, l)))),
      h('button', { type: 'submit', id: 'backfill-submit' }, 'Start backfill')),
    h(ErrorBox, { error: error || list.error }),
    !list.data ? h(Loading) : list.data.backfills.length === 0 ? h('p', { class: 'muted' }, 'No backfills yet.')
      : h('div', { class: 'table-wrap' }, h('table', { id: 'backfill-list' },
        h('thead', null, h('tr', null, ['#', 'Range', 'State', 'Progress', 'Settings', ''].map(c => h('th', null, c)))),
        h('tbody', null, list.data.backfills.map(b => [
          h('tr', { 'data-backfill': b.backfillId },
            h('td', null, h('button', { class: 'link', onClick: () => setOpen(open === b.backfillId ? null : b.backfillId) }, b.backfillId)),
            h('td', null, when(b.from), ' – ', when(b.to)),
            h('td', { class: 'backfill-state' }, h(StateBadge, { state: b.state })),
            h('td', null, h(Progress, { backfill: b })),
            h('td', { class: 'muted' }, `${b.maxActiveRuns} at a time, ${b.order.replace('_', ' ')}, reprocess ${b.reprocess}`),
            h('td', null,
              b.state === 'running' ? h('button', { class: 'backfill-pause', onClick: act(b, 'pause') }, 'Pause') : null,
              b.state === 'paused' ? h('button', { class: 'backfill-resume', onClick: act(b, 'resume') }, 'Resume') : null,
              b.state === 'running' || b.state === 'paused'
                ? h('button', { class: 'backfill-cancel', onClick: act(b, 'cancel') }, 'Cancel') : null)),
          open === b.backfillId ? h('tr', null, h('td', { colspan: 6 }, h(Intervals, { path, backfill: b }))) : null]))))
  );
}

/** One backfill's intervals with their runs, reloaded with the list. */
function Intervals({ path, backfill }) {
  const detail = useLoad(() => get(`${path}/${backfill.backfillId}`), [backfill.backfillId, backfill.progress.done, backfill.progress.active]);
  if (!detail.data) return detail.error ? h(ErrorBox, { error: detail.error }) : h(Loading);
  return h('table', { class: 'backfill-intervals' },
    h('thead', null, h('tr', null, ['Logical date', 'Data interval', 'Run'].map(c => h('th', null, c)))),
    h('tbody', null, detail.data.intervals.map(i => h('tr', null,
      h('td', null, when(i.logicalDate)), h('td', null, when(i.dataIntervalStart), ' – ', when(i.dataIntervalEnd)),
      h('td', null, i.runId ? [h('a', { href: href('dags', backfill.dagId, 'runs', i.runId) }, i.runId), ' ',
        h(StateBadge, { state: i.runState })] : h('span', { class: 'muted' }, i.skippedBecause || 'waiting'))))));
}
