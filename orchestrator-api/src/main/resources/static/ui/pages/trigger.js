import { useState } from 'preact/hooks';
import { ApiError, get, request } from '../api.js';
import { ErrorBox, h, href, Json, Loading, StateBadge, useLoad } from '../ui.js';

/** The initial text of a param's input: its default, as the input shows it. */
export function initialValue(param) {
  const value = param.defaultValue;
  if (value === null || value === undefined) return param.type === 'boolean' ? false : '';
  if (param.type === 'array' || param.type === 'object') return JSON.stringify(value);
  return param.type === 'boolean' ? Boolean(value) : String(value);
}

/**
 * conf from the inputs; a value the browser cannot read goes to the API as typed, so that it says what is wrong.
 * Local errors are keyed like the API's, under prefix (conf for a run, values for a human request's form).
 */
export function confOf(params, values, setLocalErrors, prefix = 'conf') {
  const conf = {};
  const local = {};
  for (const p of params) {
    const raw = values[p.name];
    if (p.type === 'boolean') { conf[p.name] = raw; continue; }
    if (raw === '' || raw === undefined) continue;
    if (p.type === 'integer' || p.type === 'number') {
      conf[p.name] = Number.isNaN(Number(raw)) ? raw : Number(raw);
    } else if (p.type === 'array' || p.type === 'object') {
      try { conf[p.name] = JSON.parse(raw); } catch (e) { local[`${prefix}.${p.name}`] = `is not valid JSON: ${e.message}`; }
    } else if (p.allowedValues && p.allowedValues.length && typeof p.allowedValues[0] !== 'string') {
      conf[p.name] = JSON.parse(raw);
    } else {
      conf[p.name] = raw;
    }
  }
  setLocalErrors(local);
  return Object.keys(local).length ? null : conf;
}

export function ParamInput({ param, value, onInput }) {
  const id = `param-${param.name}`;
  const common = { id, name: param.name, 'aria-describedby': `${id}-help ${id}-error` };
  if (param.allowedValues && param.allowedValues.length) {
    return h('select', { ...common, value, onChange: e => onInput(e.target.value) },
      param.required || param.defaultValue != null ? null : h('option', { value: '' }, '—'),
      param.allowedValues.map(v => h('option', { value: typeof v === 'string' ? v : JSON.stringify(v) }, String(v))));
  }
  switch (param.type) {
    case 'boolean':
      return h('input', { ...common, type: 'checkbox', checked: value, onChange: e => onInput(e.target.checked) });
    case 'integer':
    case 'number':
      return h('input', { ...common, type: 'number', step: param.type === 'integer' ? '1' : 'any', value,
        min: param.minimum ?? undefined, max: param.maximum ?? undefined, onInput: e => onInput(e.target.value) });
    case 'array':
    case 'object':
      return h('textarea', { ...common, rows: 3, value, onInput: e => onInput(e.target.value) });
    default:
      return h('input', { ...common, type: param.secret ? 'password' : 'text', value, onInput: e => onInput(e.target.value) });
  }
}

/** The outcome of a trigger: the finished run with its result when we waited, else where to follow it. */
function Outcome({ dagId, outcome }) {
  const run = outcome.body;
  const link = h('a', { href: href('dags', dagId, 'runs', run.runId), id: 'trigger-run-link' }, run.runId);
  if (outcome.status === 200 && ['success', 'failed', 'cancelled'].includes(run.state)) {
    return h('section', { class: 'card outcome', id: 'trigger-outcome' },
      h('h2', null, 'Run ', link, ' ', h(StateBadge, { state: run.state })),
      run.error ? h('div', { class: 'error' }, run.error) : null,
      h('h3', null, 'Result'), h('div', { id: 'trigger-result' }, h(Json, { value: run.result })));
  }
  return h('section', { class: 'card outcome', id: 'trigger-outcome' },
    h('p', null, 'Run ', link, ' is ', h(StateBadge, { state: run.state }), '; follow it on its page.'));
}

/** A form generated from the DAG's params schema; the API's validation errors appear beside their fields. */
export function TriggerPage({ dagId }) {
  const { data: dag, error } = useLoad(() => get(`/dags/${encodeURIComponent(dagId)}`), [dagId]);
  const [values, setValues] = useState(null);
  const [note, setNote] = useState('');
  const [wait, setWait] = useState(true);
  const [fieldErrors, setFieldErrors] = useState({});
  const [formError, setFormError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState(null);
  if (!dag) return error ? h(ErrorBox, { error }) : h(Loading);
  const current = values || Object.fromEntries(dag.params.map(p => [p.name, initialValue(p)]));

  const submit = async event => {
    event.preventDefault();
    setFormError(null);
    setOutcome(null);
    const conf = confOf(dag.params, current, setFieldErrors);
    if (!conf) return;
    setBusy(true);
    try {
      const body = { conf, ...(note.trim() ? { note: note.trim() } : {}) };
      const response = await request(`/dags/${encodeURIComponent(dagId)}/runs${wait ? '?wait=PT60S' : ''}`,
        { method: 'POST', body });
      if (!wait) { location.hash = href('dags', dagId, 'runs', response.body.runId); return; }
      setOutcome(response);
    } catch (e) {
      const byField = {};
      const unplaced = [];
      for (const fe of (e instanceof ApiError && e.problem.errors) || []) {
        if (dag.params.some(p => `conf.${p.name}` === fe.field) || fe.field === 'note') {
          byField[fe.field] = byField[fe.field] ? `${byField[fe.field]}; ${fe.message}` : fe.message;
        } else {
          unplaced.push(`${fe.field} ${fe.message}`);
        }
      }
      setFieldErrors(byField);
      setFormError(Object.keys(byField).length && !unplaced.length ? null : e);
    } finally {
      setBusy(false);
    }
  };

  const field = (id, label, input, help, errorKey) => h('div', { class: `field${fieldErrors[errorKey] ? ' invalid' : ''}` },
    h('label', { for: id }, label), input,
    help ? h('div', { class: 'help', id: `${id}-help` }, help) : null,
    h('div', { class: 'field-error', id: `${id}-error`, role: fieldErrors[errorKey] ? 'alert' : null },
      fieldErrors[errorKey] || ''));

  return h('section', null,
    h('nav', { class: 'crumbs' }, h('a', { href: '#/dags' }, 'DAGs'), ' / ', h('a', { href: href('dags', dagId) }, dagId),
      ' / trigger'),
    h('h1', null, `Trigger ${dagId}`),
    dag.description ? h('p', { class: 'muted' }, dag.description) : null,
    h('form', { class: 'card trigger', id: 'trigger-form', onSubmit: submit, noValidate: true },
      dag.params.length === 0 ? h('p', { class: 'muted' }, 'This DAG takes no params.') : null,
      dag.params.map(p => field(`param-${p.name}`,
        [p.name, ' ', h('span', { class: 'type' }, p.type), p.required ? h('span', { class: 'required' }, ' required') : null],
        h(ParamInput, { param: p, value: current[p.name], onInput: v => setValues({ ...current, [p.name]: v }) }),
        [p.description, p.minimum != null ? ` (min ${p.minimum})` : '', p.maximum != null ? ` (max ${p.maximum})` : '',
          p.defaultValue != null ? ` — default ${JSON.stringify(p.defaultValue)}` : ''].join('') || null,
        `conf.${p.name}`)),
      field('note', 'Note', h('input', { id: 'note', type: 'text', value: note, onInput: e => setNote(e.target.value) }),
        'Shown with the run, e.g. why you started it.', 'note'),
      h('div', null, h('label', { class: 'inline' }, h('input', { type: 'checkbox', id: 'wait', checked: wait,
        onChange: e => setWait(e.target.checked) }), ' Wait up to 60 s and show the result here')),
      h(ErrorBox, { error: formError }),
      h('button', { type: 'submit', id: 'trigger-submit', disabled: busy }, busy ? 'Running…' : '▶ Trigger')),
    outcome ? h(Outcome, { dagId, outcome }) : null);
}
