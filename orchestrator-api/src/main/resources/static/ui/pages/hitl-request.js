import { useState } from 'preact/hooks';
import { ApiError, get, request } from '../api.js';
import { Markdown } from '../markdown.js';
import { ErrorBox, h, href, Json, Loading, StateBadge, useLoad, when } from '../ui.js';
import { confOf, initialValue, ParamInput } from './trigger.js';

/** Who decided what and when, once the request is decided. */
function Outcome({ request: r }) {
  const d = r.decision;
  return h('section', { class: 'card', id: 'hitl-outcome' },
    h('h2', null, 'Decision: ', h('span', { id: 'hitl-decided-option' }, d.option)),
    h('p', null, d.timedOut ? ['Nobody decided before ', when(r.timeoutAt), '; this is the default outcome.']
      : ['Decided by ', h('strong', { id: 'hitl-decided-by' }, d.decidedBy), ' at ',
        h('span', { id: 'hitl-decided-at' }, when(d.decidedAt)), '.']),
    d.comment ? h('blockquote', { id: 'hitl-comment' }, d.comment) : null,
    d.values && Object.keys(d.values).length ? [h('h3', null, 'Values'), h(Json, { value: d.values })] : null);
}

/** The options as buttons and, when the request has one, its form; the API's errors show beside the fields. */
function DecisionForm({ request: r, onDecided }) {
  const [values, setValues] = useState(() => Object.fromEntries(r.form.map(p => [p.name, initialValue(p)])));
  const [comment, setComment] = useState('');
  const [fieldErrors, setFieldErrors] = useState({});
  const [formError, setFormError] = useState(null);
  const [busy, setBusy] = useState(false);
  const decide = async option => {
    setFormError(null);
    const given = confOf(r.form, values, setFieldErrors, 'values');
    if (!given) return;
    setBusy(true);
    try {
      await request(`/hitl/${r.id}/decision`, { method: 'POST',
        body: { option, values: given, ...(comment.trim() ? { comment: comment.trim() } : {}) } });
      onDecided();
    } catch (e) {
      const byField = {};
      const unplaced = [];
      for (const fe of (e instanceof ApiError && e.problem.errors) || []) {
        if (r.form.some(p => `values.${p.name}` === fe.field)) byField[fe.field] = fe.message;
        else unplaced.push(`${fe.field} ${fe.message}`);
      }
      setFieldErrors(byField);
      setFormError(Object.keys(byField).length && !unplaced.length ? null : e);
    } finally {
      setBusy(false);
    }
  };
  return h('form', { class: 'card', id: 'hitl-decision', noValidate: true, onSubmit: e => e.preventDefault() },
    r.form.map(p => h('div', { class: `field${fieldErrors[`values.${p.name}`] ? ' invalid' : ''}` },
      h('label', { for: `param-${p.name}` }, p.name, ' ', h('span', { class: 'type' }, p.type),
        p.required ? h('span', { class: 'required' }, ' required') : null),
      h(ParamInput, { param: p, value: values[p.name], onInput: v => setValues({ ...values, [p.name]: v }) }),
      p.description ? h('div', { class: 'help', id: `param-${p.name}-help` }, p.description) : null,
      h('div', { class: 'field-error', id: `param-${p.name}-error` }, fieldErrors[`values.${p.name}`] || ''))),
    h('div', { class: 'field' }, h('label', { for: 'hitl-comment-input' }, 'Comment'),
      h('input', { id: 'hitl-comment-input', type: 'text', value: comment, onInput: e => setComment(e.target.value) })),
    h(ErrorBox, { error: formError }),
    h('div', { class: 'inline-form' }, r.options.map(option => h('button', { type: 'button', class: 'hitl-option',
      'data-option': option, disabled: busy, onClick: () => decide(option) }, option))));
}

/** One request: what it asks, the run it belongs to, the upstream outputs to review, and the decision. */
export function HitlRequestPage({ id }) {
  const { data, error, reload } = useLoad(() => get(`/hitl/${encodeURIComponent(id)}`), [id]);
  if (!data) return error ? h(ErrorBox, { error }) : h(Loading);
  const r = data.request;
  return h('section', null,
    h('nav', { class: 'crumbs' }, h('a', { href: '#/hitl' }, 'Inbox'), ' / ', `request ${r.id}`),
    h('div', { class: 'title-row' }, h('h1', { id: 'hitl-subject' }, r.subject), h(StateBadge, { state: r.state })),
    h('dl', { class: 'facts' },
      h('dt', null, 'DAG'), h('dd', null, h('a', { href: href('dags', r.dagId) }, r.dagId)),
      h('dt', null, 'Run'), h('dd', null, h('a', { href: href('dags', r.dagId, 'runs', r.runId), id: 'hitl-run' }, r.runId),
        ' ', data.run ? h(StateBadge, { state: data.run.state }) : null),
      h('dt', null, 'Task'), h('dd', null, h('code', null, r.taskId)),
      h('dt', null, 'Asked'), h('dd', null, when(r.requestedAt)),
      h('dt', null, 'Assignee'), h('dd', null, r.assigneeRole || 'any operator'),
      h('dt', null, 'Times out'), h('dd', null, r.timeoutAt ? when(r.timeoutAt) : 'never')),
    r.body ? h('section', { class: 'card', id: 'hitl-body' }, h(Markdown, { text: r.body })) : null,
    Object.entries(data.shownOutputs).map(([taskId, output]) => h('section', { class: 'card hitl-shown', 'data-task': taskId },
      h('h3', null, 'Output of ', h('code', null, taskId)), h(Json, { value: output }))),
    data.run && Object.keys(data.run.conf || {}).length
      ? h('section', { class: 'card' }, h('h3', null, 'Run conf'), h(Json, { value: data.run.conf })) : null,
    r.state === 'pending' ? h(DecisionForm, { request: r, onDecided: reload })
      : r.decision ? h(Outcome, { request: r })
        : h('p', { class: 'muted', id: 'hitl-cancelled' }, 'The task stopped waiting before anyone decided.'));
}
