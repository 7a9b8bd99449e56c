import { useState } from 'preact/hooks';
import { get, request } from '../api.js';
import { ErrorBox, h, useLoad, when } from '../ui.js';

/**
 * Clear one task (or it and what follows it) or mark it success or failed, with a reason; and what
 * people did to the run's tasks so far. onDone lets the run page reload its grid right away.
 */
export function TaskActions({ base, taskId, version, onDone }) {
  const history = useLoad(() => get(`${base}/actions`), [base, version]);
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const me = useLoad(() => get('/me'), []);
  const task = `${base}/tasks/${encodeURIComponent(taskId)}`;
  const act = (path, body) => async () => {
    setError(null);
    try {
      await request(`${task}/${path}`, { method: 'POST', body: { ...body, reason } });
      setReason('');
      history.reload();
      onDone();
    } catch (failure) {
      // A refusal says both what was refused (title) and why (detail).
      setError(failure.problem?.title ? `${failure.problem.title}: ${failure.message}` : failure);
    }
  };
  return h('div', { id: 'task-actions' },
    h('h3', null, 'Clear or mark'),
    !me.data ? null : me.data.role === 'viewer'
      ? h('p', { id: 'task-actions-not-allowed', class: 'muted' }, 'Clearing and marking need an operator or admin token.')
      : h('div', { class: 'inline-form' },
        h('label', null, 'Reason', h('input', { id: 'task-action-reason', type: 'text', value: reason,
          placeholder: 'why, for the run\'s record', onInput: e => setReason(e.target.value) })),
        h('button', { id: 'task-clear', onClick: act('clear', { downstream: false }) }, 'Clear'),
        h('button', { id: 'task-clear-downstream', onClick: act('clear', { downstream: true }) }, 'Clear with downstream'),
        h('button', { id: 'task-mark-success', onClick: act('mark', { state: 'success' }) }, 'Mark success'),
        h('button', { id: 'task-mark-failed', onClick: act('mark', { state: 'failed' }) }, 'Mark failed')),
    h(ErrorBox, { error }),
    history.data && history.data.actions.length ? h('ul', { id: 'task-action-history', class: 'muted' },
      history.data.actions.map(a => h('li', null, `${when(a.at)}: ${a.actor} — ${a.action.replace(/_/g, ' ')} ${a.taskId}: ${a.reason}`)))
      : null);
}
