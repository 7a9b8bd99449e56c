import { useEffect } from 'preact/hooks';
import { get } from '../api.js';
import { h, useLoad, when } from '../ui.js';

/** A run's deadline (when its DAG declares one) and the notifications sent of it, with their delivery. */
export function RunNotifications({ base, version }) {
  const { data, reload } = useLoad(() => get(`${base}/notifications`), [base, version]);
  // Deliveries are not run events; while one is retried, look again every few seconds.
  const pending = data?.notifications.some(n => n.state === 'pending');
  useEffect(() => {
    if (!pending) return undefined;
    const timer = setInterval(reload, 3000);
    return () => clearInterval(timer);
  }, [pending, reload]);
  if (!data || (!data.deadline && data.notifications.length === 0)) return null;
  const d = data.deadline;
  return h('div', { class: 'card', id: 'run-notifications' },
    h('h2', null, 'Deadline and notifications'),
    d ? h('p', { id: 'run-deadline', class: d.missed ? 'error' : 'muted' }, d.missed
      ? `Deadline missed: due ${when(d.dueAt)}, found late ${when(d.missedAt)}.` : `Deadline: due ${when(d.dueAt)}.`) : null,
    data.notifications.length === 0 ? null : h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, ['Event', 'To', 'State', 'Attempts', 'Last answer', 'Delivered'].map(c => h('th', null, c)))),
      h('tbody', null, data.notifications.map(n => h('tr', { 'data-notification': n.id },
        h('td', null, n.event), h('td', null, h('code', null, n.kind), ' ', n.url), h('td', null, n.state),
        h('td', null, n.attempts), h('td', { class: 'muted' }, n.lastError || n.lastStatusCode || '—'),
        h('td', null, when(n.deliveredAt))))))));
}
