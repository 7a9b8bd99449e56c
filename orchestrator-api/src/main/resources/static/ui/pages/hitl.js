import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { ErrorBox, h, href, Loading, useLoad, useRunEvents, when } from '../ui.js';

/** How long ago, in the largest unit that fits: what an inbox shows to tell old requests from new. */
export function age(instant, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - new Date(instant).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} d`;
}

/** The inbox: what tasks ask people, pending first, filterable by DAG and state. */
export function HitlInboxPage({ query }) {
  const [state, setState] = useState(query.state || 'pending');
  const [dagId, setDagId] = useState(query.dagId || '');
  const { data: dags } = useLoad(() => get('/dags?limit=1000'), []);
  const filter = new URLSearchParams({ state, ...(dagId ? { dagId } : {}), limit: '200' });
  const { data, error, reload } = useLoad(() => get(`/hitl?${filter}`), [state, dagId]);
  // A request appears when its task defers and goes when it resumes: both are run changes.
  useRunEvents(dagId ? { dagId } : {}, reload);
  return h('section', null,
    h('h1', null, 'Inbox ', h('small', null, 'what tasks ask people to decide')),
    h('form', { class: 'inline-form', id: 'hitl-filter', onSubmit: e => e.preventDefault() },
      h('label', null, 'DAG', h('select', { id: 'hitl-dag', value: dagId, onChange: e => setDagId(e.target.value) },
        h('option', { value: '' }, 'all DAGs'),
        (dags?.dags || []).map(d => h('option', { value: d.dagId }, d.dagId)))),
      h('label', null, 'State', h('select', { id: 'hitl-state', value: state, onChange: e => setState(e.target.value) },
        ['pending', 'decided', 'cancelled'].map(s => h('option', { value: s }, s))))),
    h(ErrorBox, { error }),
    !data ? h(Loading) : data.requests.length === 0
      ? h('p', { class: 'muted', id: 'hitl-empty' }, state === 'pending' ? 'Nothing waits for a decision.' : `No ${state} request.`)
      : h('div', { class: 'table-wrap' }, h('table', { id: 'hitl-list' },
        h('thead', null, h('tr', null, ['Subject', 'DAG', 'Run', 'Task', 'Asked', 'Assignee', state === 'pending' ? 'Times out' : 'Decision']
          .map(c => h('th', null, c)))),
        h('tbody', null, data.requests.map(r => h('tr', { 'data-request': r.id },
          h('td', null, h('a', { href: href('hitl', r.id), class: 'hitl-subject' }, r.subject)),
          h('td', null, h('a', { href: href('dags', r.dagId) }, r.dagId)),
          h('td', null, h('a', { href: href('dags', r.dagId, 'runs', r.runId) }, r.runId)),
          h('td', null, h('code', null, r.taskId)),
          h('td', { title: when(r.requestedAt) }, `${age(r.requestedAt)} ago`),
          h('td', null, r.assigneeRole || h('span', { class: 'muted' }, 'any operator')),
          h('td', null, state === 'pending' ? when(r.timeoutAt)
            : r.decision ? `${r.decision.option} — ${r.decision.timedOut ? 'timed out' : r.decision.decidedBy}` : '—')))))));
}
