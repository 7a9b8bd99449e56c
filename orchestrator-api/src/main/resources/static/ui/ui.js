// Small pieces every page uses: element helper, state badges, loading and error boxes, live reloads.
import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { followEvents } from './api.js';

export { h };

/** Task instance and run states in the order a summary of many should show first. */
export const STATE_PRIORITY = ['failed', 'upstream_failed', 'running', 'up_for_retry', 'deferred', 'queued',
  'scheduled', 'cancelled', 'success', 'skipped', 'removed', 'none'];

export function worstState(states) {
  return STATE_PRIORITY.find(s => states.includes(s)) || states[0] || 'none';
}

export const StateBadge = ({ state, title }) =>
  h('span', { class: `state state-${state || 'none'}`, title: title || state }, state || 'none');

export const ErrorBox = ({ error }) => error
  ? h('div', { class: 'error', role: 'alert' }, error.message || String(error)) : null;

export const Loading = () => h('p', { class: 'loading' }, 'Loading…');

export const Json = ({ value }) => h('pre', { class: 'json' }, JSON.stringify(value, null, 2));

export const when = instant => instant ? new Date(instant).toLocaleString() : '—';

export const href = (...parts) => '#/' + parts.map(encodeURIComponent).join('/');

/**
 * Loads data with load(), and again whenever deps change or reload() is called.
 * Returns {data, error, reload}; data keeps its last value while a reload is under way.
 */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null });
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    load().then(data => mine === generation.current && setState({ data, error: null }),
      error => mine === generation.current && setState(s => ({ data: s.data, error })));
  }, deps);
  useEffect(() => { setState({ data: null, error: null }); reload(); }, [reload]);
  return { ...state, reload };
}

/** Calls onChange (at most every 300 ms) while runs matching filter change, from server-sent events. */
export function useRunEvents(filter, onChange) {
  const latest = useRef(onChange);
  latest.current = onChange;
  const key = JSON.stringify(filter);
  useEffect(() => {
    let timer = null;
    const stop = followEvents(filter, (name, data) => {
      if (name === 'open') return;
      if (timer) return;
      timer = setTimeout(() => { timer = null; latest.current(name, data); }, 300);
    });
    return () => { stop(); clearTimeout(timer); };
  }, [key]);
}
