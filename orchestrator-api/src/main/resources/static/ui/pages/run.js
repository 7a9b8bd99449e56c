import { useEffect, useRef, useState } from 'preact/hooks';
import { get, request } from '../api.js';
import { ErrorBox, h, href, Json, Loading, StateBadge, useLoad, useRunEvents, when, worstState } from '../ui.js';
import { Gantt } from './gantt.js';
import { RunNotifications } from './notifications.js';
import { TaskActions } from './task-actions.js';

const UNFINISHED = ['none', 'scheduled', 'queued', 'running', 'up_for_retry', 'deferred'];

/**
 * A task attempt's log, tailed through the log endpoint's offsets: while the task has not ended it
 * asks for the lines after the last one every two seconds, and right away when the run changes.
 */
function LogViewer({ base, taskId, mapIndex, version }) {
  const [log, setLog] = useState({ lines: [], offset: 0, taskState: null, error: null });
  const state = useRef(log);
  state.current = log;
  useEffect(() => {
    let timer = null;
    let stopped = false;
    const fetchMore = async () => {
      clearTimeout(timer);
      try {
        const page = await get(`${base}/tasks/${encodeURIComponent(taskId)}/logs?mapIndex=${mapIndex}&offset=${state.current.offset}`);
        if (stopped) return;
        setLog(l => ({ lines: [...l.lines, ...page.lines], offset: page.nextOffset, taskState: page.taskState, error: null }));
        if (UNFINISHED.includes(page.taskState) || page.lines.length > 0) timer = setTimeout(fetchMore, page.lines.length ? 200 : 2000);
      } catch (error) {
        if (!stopped) setLog(l => ({ ...l, error }));
      }
    };
    fetchMore();
    return () => { stopped = true; clearTimeout(timer); };
  }, [base, taskId, mapIndex, version]);
  return h('div', null,
    h('h3', null, 'Log ', log.taskState ? h(StateBadge, { state: log.taskState }) : null,
      log.taskState && UNFINISHED.includes(log.taskState) ? h('small', null, ' following…') : null),
    h(ErrorBox, { error: log.error }),
    h('pre', { class: 'log', id: 'task-log' }, log.lines.length === 0 ? h('span', { class: 'muted' }, 'No lines yet.')
      : log.lines.map(l => h('div', { class: `line ${l.stream}` },
        h('span', { class: 'ts' }, new Date(l.timestamp).toLocaleTimeString()), ' ', l.line))));
}

/** Where the code declares the task, and the pool it runs in with the slots it takes. */
function TaskDeclaration({ task }) {
  if (!task) return null;
  return h('dl', { class: 'facts', id: 'task-declaration' },
    h('dt', null, 'Declared at'), h('dd', { id: 'task-source' }, task.source ? h('code', null, task.source) : '—'),
    h('dt', null, 'Pool'), h('dd', { id: 'task-pool' }, task.pool ? `${task.pool}, ${task.poolSlots} slot${task.poolSlots === 1 ? '' : 's'}` : 'none'));
}

function TaskDetail({ base, taskId, mapIndex, version, onAction }) {
  const xcom = useLoad(() => get(`${base}/tasks/${encodeURIComponent(taskId)}/xcom?mapIndex=${mapIndex}`),
    [base, taskId, mapIndex, version]);
  const instance = useLoad(() => get(`${base}/tasks/${encodeURIComponent(taskId)}?mapIndex=${mapIndex}`), [base, taskId, mapIndex]);
  return h('div', { class: 'card', id: 'task-detail' },
    h('h2', null, 'Task ', h('code', null, taskId), mapIndex >= 0 ? ` [${mapIndex}]` : ''),
    h(TaskDeclaration, { task: instance.data && instance.data.task }),
    h(LogViewer, { base, taskId, mapIndex, version }),
    h(TaskActions, { base, taskId, version, onDone: onAction }),
    h('h3', null, 'XCom'),
    xcom.error ? h(ErrorBox, { error: xcom.error }) : !xcom.data ? h(Loading)
      : xcom.data.entries.length === 0 ? h('p', { class: 'muted' }, 'No values.')
        : h('div', { id: 'task-xcom' }, xcom.data.entries.map(x => h('div', null, h('strong', null, x.key), h(Json, { value: x.value })))));
}

/** Task instances; a mapped task is one row with counts per state that expands into its instances. */
function TaskTable({ dagId, runId, instances, selected }) {
  const [open, setOpen] = useState({});
  const groups = [];
  for (const ti of instances) {
    const last = groups[groups.length - 1];
    if (last && last.taskId === ti.taskId) last.instances.push(ti); else groups.push({ taskId: ti.taskId, instances: [ti] });
  }
  const link = (ti, text) => h('a', { href: `${href('dags', dagId, 'runs', runId)}?task=${encodeURIComponent(ti.taskId)}`
    + (ti.mapIndex >= 0 ? `&mapIndex=${ti.mapIndex}` : ''), class: 'task-link', 'data-task': ti.taskId }, text);
  const row = (ti, label) => h('tr', { class: selected === `${ti.taskId}:${ti.mapIndex}` ? 'selected' : '' },
    h('td', null, link(ti, label)), h('td', null, h(StateBadge, { state: ti.state })),
    h('td', null, `${ti.attempt}/${ti.maxAttempts}`), h('td', null, ti.workerId || '—'),
    h('td', null, when(ti.startedAt)), h('td', null, when(ti.endedAt)),
    h('td', { class: 'error-text' }, ti.error || ti.waitingReason || ''));
  return h('div', { class: 'table-wrap' }, h('table', { id: 'task-instances' },
    h('thead', null, h('tr', null, ['Task', 'State', 'Attempt', 'Worker', 'Started', 'Ended', ''].map(c => h('th', null, c)))),
    h('tbody', null, groups.flatMap(g => {
      const mapped = g.instances.length > 1 || g.instances[0].mapIndex >= 0;
      if (!mapped) return [row(g.instances[0], g.taskId)];
      const counts = {};
      g.instances.forEach(ti => { counts[ti.state] = (counts[ti.state] || 0) + 1; });
      const summary = h('tr', { class: 'mapped' },
        h('td', null, h('button', { class: 'link', 'aria-expanded': !!open[g.taskId],
          onClick: () => setOpen({ ...open, [g.taskId]: !open[g.taskId] }) }, open[g.taskId] ? '▾ ' : '▸ ', g.taskId,
          ` (${g.instances.length} mapped)`)),
        h('td', { colSpan: 6 }, h(StateBadge, { state: worstState(Object.keys(counts)) }), ' ',
          Object.entries(counts).map(([s, n]) => h('span', { class: `count state-${s}` }, `${n} ${s}`))));
      return [summary, ...(open[g.taskId] ? g.instances.map(ti => row(ti, `${g.taskId} [${ti.mapIndex}]`)) : [])];
    }))));
}

function LlmUsage({ usage }) {
  if (!usage || usage.totals.calls === 0) return h('p', { class: 'muted' }, 'No model calls.');
  return h('div', { id: 'llm-usage' },
    h('p', null, `${usage.totals.calls} calls, ${usage.totals.inputTokens} input and ${usage.totals.outputTokens} output tokens, `,
      h('strong', null, `$${usage.totals.costUsd.toFixed(6)}`)),
    h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, ['Task', 'Model or tool', 'Tokens in/out', 'Cost', 'Latency', 'Outcome', 'Why this model / tool call']
        .map(c => h('th', null, c)))),
      h('tbody', null, usage.calls.map(c => h('tr', null,
        h('td', null, c.taskId + (c.mapIndex >= 0 ? ` [${c.mapIndex}]` : '')), h('td', null, `${c.provider}/${c.model}`),
        h('td', null, `${c.inputTokens}/${c.outputTokens}`), h('td', null, `$${(c.costMicroUsd / 1e6).toFixed(6)}`),
        h('td', null, `${c.latencyMs} ms`), h('td', null, c.outcome),
        h('td', { class: 'reasons' }, c.provider === 'tool' ? `${c.model}(${c.toolArguments ?? ''}) → ${c.toolResult ?? ''}`
          : c.choiceReasons)))))));
}

/** A run: its state and conf, task instances, the selected task's live log and XComs, a Gantt chart, result, LLM usage. */
export function RunPage({ dagId, runId, query }) {
  const base = `/dags/${encodeURIComponent(dagId)}/runs/${encodeURIComponent(runId)}`;
  const run = useLoad(() => get(base), [base]);
  const tasks = useLoad(() => get(`${base}/tasks?limit=1000`), [base]);
  const usage = useLoad(() => get(`${base}/llm-usage`), [base]);
  const [version, setVersion] = useState(0);
  const [actionError, setActionError] = useState(null);
  useRunEvents({ dagId, runId }, () => { run.reload(); tasks.reload(); usage.reload(); setVersion(v => v + 1); });
  if (!run.data || !tasks.data) return run.error || tasks.error ? h(ErrorBox, { error: run.error || tasks.error }) : h(Loading);
  const r = run.data;
  const act = async action => {
    try { setActionError(null); await request(`${base}/${action}`, { method: 'POST' }); run.reload(); tasks.reload(); }
    catch (e) { setActionError(e); }
  };
  const taskId = query.task;
  const mapIndex = query.mapIndex === undefined ? -1 : Number(query.mapIndex);
  return h('section', null,
    h('nav', { class: 'crumbs' }, h('a', { href: '#/dags' }, 'DAGs'), ' / ', h('a', { href: href('dags', dagId) }, dagId),
      ' / ', runId),
    h('div', { class: 'title-row' },
      h('h1', null, 'Run ', h('code', null, runId), ' ', h(StateBadge, { state: r.state })),
      ['queued', 'running'].includes(r.state) ? h('button', { onClick: () => act('cancel') }, 'Cancel run') : null,
      r.state === 'failed' ? h('button', { onClick: () => act('clear') }, 'Clear failed tasks') : null),
    h(ErrorBox, { error: actionError }),
    h('dl', { class: 'facts' },
      h('dt', null, 'Type'), h('dd', null, r.runType), h('dt', null, 'DAG version'), h('dd', null, `v${r.dagVersion}`),
      h('dt', null, 'Queued'), h('dd', null, when(r.queuedAt)), h('dt', null, 'Started'), h('dd', null, when(r.startedAt)),
      h('dt', null, 'Ended'), h('dd', null, when(r.endedAt)), r.note ? [h('dt', null, 'Note'), h('dd', null, r.note)] : null),
    r.error ? h('div', { class: 'error' }, r.error) : null,
    h(RunNotifications, { base, version }),
    h('div', { class: 'columns' },
      h('div', { class: 'card' }, h('h2', null, 'Conf'), h(Json, { value: r.conf })),
      h('div', { class: 'card' }, h('h2', null, 'Result'),
        h('div', { id: 'run-result' }, r.result === null ? h('p', { class: 'muted' }, r.state === 'success'
          ? 'This DAG declares no result task.' : 'Not yet.') : h(Json, { value: r.result })))),
    h('div', { class: 'card' }, h('h2', null, 'Task instances ', h('small', null, 'pick one to read its log')),
      h(TaskTable, { dagId, runId, instances: tasks.data.taskInstances, selected: taskId ? `${taskId}:${mapIndex}` : null })),
    taskId ? h(TaskDetail, { key: `${taskId}:${mapIndex}`, base, taskId, mapIndex, version,
      onAction: () => { run.reload(); tasks.reload(); } }) : null,
    h('div', { class: 'card' }, h('h2', null, 'Gantt ', h('small', null, 'when each task ran, per worker')),
      h(Gantt, { instances: tasks.data.taskInstances })),
    h('div', { class: 'card' }, h('h2', null, 'LLM usage and cost'), h(LlmUsage, { usage: usage.data })));
}
