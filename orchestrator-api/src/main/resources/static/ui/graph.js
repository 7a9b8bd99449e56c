// Directed graphs drawn with Cytoscape.js and the layered Klay layout (both loaded from WebJars).
import { h } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export const STATE_COLOURS = {
  success: '#2e7d32', failed: '#c62828', upstream_failed: '#ef6c00', running: '#1565c0', queued: '#6a5acd',
  scheduled: '#8d8d8d', up_for_retry: '#f9a825', skipped: '#f48fb1', deferred: '#7e57c2', cancelled: '#5d4037',
  removed: '#bdbdbd', none: '#e0e0e0',
};

const style = [
  { selector: 'node', style: {
    label: 'data(label)', 'text-valign': 'center', 'text-halign': 'center', 'font-size': 11, color: '#1b1b1b',
    shape: 'round-rectangle', width: 'label', height: 26, padding: 8, 'background-color': 'data(fill)',
    'border-width': 2, 'border-color': 'data(border)', 'text-wrap': 'none' } },
  { selector: 'node[kind = "task"]', style: { 'font-family': 'ui-monospace, Menlo, monospace' } },
  { selector: 'node[kind = "asset"], node[kind = "asset_version"]', style: { shape: 'barrel' } },
  { selector: 'node.focus', style: { 'border-width': 4, 'border-color': '#111' } },
  { selector: 'edge', style: {
    width: 1.5, 'line-color': '#9e9e9e', 'target-arrow-color': '#9e9e9e', 'target-arrow-shape': 'triangle',
    'curve-style': 'bezier' } },
];

/** A light tint of a #rrggbb colour, for node fills under dark labels. */
export function tint(hex, amount = 0.8) {
  const channels = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${channels.map(c => Math.round(c + (255 - c) * amount)).join(',')})`;
}

/**
 * A Cytoscape graph of {nodes: [{id, label, kind, fill, border}], edges: [{from, to}]}, laid out in
 * layers towards direction (RIGHT or DOWN); onTap(node id).
 */
export function Graph({ nodes, edges, onTap, id, height = 320, direction = 'RIGHT' }) {
  const container = useRef(null);
  const graph = useRef(null);
  const key = JSON.stringify([nodes.map(n => [n.id, n.label]), edges]);
  useEffect(() => {
    const cy = window.cytoscape({
      container: container.current, style, wheelSensitivity: 0.3, autoungrabify: true,
      elements: [
        ...nodes.map(n => ({ data: { id: n.id, label: n.label, kind: n.kind, fill: n.fill, border: n.border }, classes: n.classes })),
        ...edges.map((e, i) => ({ data: { id: `e${i}`, source: e.from, target: e.to } })),
      ],
      layout: { name: 'klay', padding: 16, klay: { direction, spacing: 28, layoutHierarchy: true } },
      maxZoom: 1.3, minZoom: 0.3,
    });
    cy.on('tap', 'node', event => onTap && onTap(event.target.id()));
    graph.current = cy;
    container.current.galeGraph = cy;
    // A graph laid out at one width is fitted again when the page changes width (a phone turned, a window resized).
    const resized = new ResizeObserver(() => { cy.resize(); cy.fit(undefined, 16); });
    resized.observe(container.current);
    return () => { resized.disconnect(); cy.destroy(); };
  }, [key]);
  useEffect(() => {
    // Colours change with live state without a new layout.
    for (const n of nodes) graph.current?.getElementById(n.id).data({ fill: n.fill, border: n.border });
  });
  return h('div', { class: 'graph', id, ref: container, style: `height:${height}px` });
}
