import { useEffect, useState } from 'preact/hooks';
import { get, request } from '../api.js';
import { ErrorBox, h, Loading, useLoad } from '../ui.js';

/** Pools: slots, what holds them and what waits, with create, resize and delete (admin). */
export function PoolsPage() {
  const { data, error, reload } = useLoad(() => get('/pools'), []);
  const [form, setForm] = useState({ name: '', slots: 1, description: '' });
  const [actionError, setActionError] = useState(null);
  // Use changes as tasks start and end; a glance every five seconds is enough.
  useEffect(() => { const timer = setInterval(reload, 5_000); return () => clearInterval(timer); }, [reload]);
  const act = action => async () => {
    setActionError(null);
    try { await action(); reload(); } catch (failure) { setActionError(failure); }
  };
  const put = (name, slots, description) => request(`/pools/${encodeURIComponent(name)}`,
    { method: 'PUT', body: { slots: Number(slots), description } });
  const submit = e => { e.preventDefault(); act(() => put(form.name, form.slots, form.description))(); };
  if (!data) return error ? h(ErrorBox, { error }) : h(Loading);
  return h('section', null,
    h('h1', null, 'Pools ', h('small', null, 'a pool nobody sized has 128 slots')),
    h('form', { id: 'pool-form', class: 'inline-form', onSubmit: submit },
      h('label', null, 'Name', h('input', { id: 'pool-name', type: 'text', required: true, value: form.name,
        onInput: e => setForm({ ...form, name: e.target.value }) })),
      h('label', null, 'Slots', h('input', { id: 'pool-slots', type: 'number', min: 0, value: form.slots,
        onInput: e => setForm({ ...form, slots: e.target.value }) })),
      h('label', null, 'Description', h('input', { id: 'pool-description', type: 'text', value: form.description,
        onInput: e => setForm({ ...form, description: e.target.value }) })),
      h('button', { type: 'submit', id: 'pool-submit' }, 'Create or resize')),
    h(ErrorBox, { error: actionError || error }),
    data.pools.length === 0 ? h('p', { class: 'muted' }, 'No pool is sized yet.') : h('div', { class: 'table-wrap' },
      h('table', { id: 'pool-list' },
        h('thead', null, h('tr', null,
          ['Pool', 'Slots', 'Slots in use', 'Running', 'Queued', 'Waiting', 'Open', 'Description', '']
          .map(c => h('th', null, c)))),
        h('tbody', null, data.pools.map(p => h('tr', { 'data-pool': p.name },
          h('td', null, h('code', null, p.name)), h('td', null, p.slots),
          h('td', { class: 'pool-used' }, p.usedSlots), h('td', null, p.running), h('td', null, p.queued),
          h('td', null, p.scheduled),
          h('td', null, h('meter', { min: 0, max: Math.max(p.slots, 1), value: p.openSlots }), ` ${p.openSlots}`),
          h('td', { class: 'muted' }, p.description),
          h('td', null, h('button', { class: 'pool-delete', onClick: act(() => request(`/pools/${encodeURIComponent(p.name)}`,
            { method: 'DELETE' })) }, 'Delete'))))))));
}
