import { get } from '../api.js';
import { h, href, useLoad, useRunEvents, when } from '../ui.js';

/** Loads a DAG's Kafka topic status; null when the DAG is not scheduled on a topic (404). */
async function loadStatus(dagId) {
  try {
    return await get(`/dags/${encodeURIComponent(dagId)}/event-trigger`);
  } catch (error) {
    if (error.status === 404) return null;
    throw error;
  }
}

/** An event-triggered DAG's topic: per partition the end and committed offsets, the lag and the owner. */
export function EventTriggerPanel({ dagId }) {
  const status = useLoad(() => loadStatus(dagId), [dagId]);
  useRunEvents({ dagId }, status.reload);
  if (status.error) {
    return h('div', { class: 'card', id: 'event-trigger' }, h('h2', null, 'Kafka topic'),
      h('p', { class: 'error' }, status.error.message));
  }
  const s = status.data;
  if (!s) return null;
  return h('div', { class: 'card', id: 'event-trigger' },
    h('h2', null, 'Kafka topic ', h('code', null, s.topic), ' ',
      h('small', null, `lag ${s.totalLag}, batches of up to ${s.maxRecords} records or ${s.maxWaitMillis} ms`)),
    h('p', { class: 'muted' }, 'Consumer group ', h('code', null, s.consumerGroup), ', dead letters to ',
      h('code', null, s.deadLetterTopic), s.topicExists ? '' : '; the topic does not exist yet'),
    h('div', { class: 'table-wrap' }, h('table', { id: 'event-trigger-partitions' },
      h('thead', null, h('tr', null, ['Partition', 'End offset', 'Committed', 'Lag', 'Owner', 'Last run', 'Records',
        'Dead letters', 'Committed at'].map(c => h('th', null, c)))),
      h('tbody', null, s.partitions.map(p => h('tr', null,
        h('td', null, p.partition), h('td', null, p.endOffset), h('td', null, p.committedOffset ?? '—'),
        h('td', null, p.lag), h('td', null, p.owner || '—'),
        h('td', null, p.lastRunId ? h('a', { href: href('dags', dagId, 'runs', p.lastRunId) }, p.lastRunId) : '—'),
        h('td', null, p.records), h('td', null, p.deadLetters), h('td', null, when(p.committedAt))))))));
}
