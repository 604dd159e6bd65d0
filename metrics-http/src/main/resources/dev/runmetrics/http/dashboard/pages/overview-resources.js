// The overview's resources panel: system load (CPU, memory, workers, queue), database load
// (connections in use of the pool, query rate, query time) and model usage, with a history chart of
// the selected timeframe. The history comes from /api/v1/resources (the per-minute samples every
// instance keeps, as the mean and max per bucket); the current figures from the overview itself.

import { request, query } from '../api.js';
import { h, clear, num, pct, count, rate, dur, panel, table, tile } from '../ui.js';
import { lineChart } from '../charts.js';

/** The figures the history chart can show: the field of a bucket, its label and how to write it. */
const FIGURES = [
  { key: 'cpuPercent', label: 'CPU', unit: '%', write: pct },
  { key: 'heapPercent', label: 'Memory (heap)', unit: '%', write: pct },
  { key: 'workersBusy', label: 'Workers busy', unit: 'workers', write: count },
  { key: 'queuedSteps', label: 'Queued steps', unit: 'steps', write: count },
  { key: 'dbConnectionsInUse', label: 'DB connections', unit: 'connections', write: count },
  { key: 'dbQueriesPerSecond', label: 'Query rate', unit: 'queries / s', write: rate },
  { key: 'dbQueryTimeMs', label: 'Query time', unit: 'ms', write: (v) => (v === null || v === undefined ? '—' : `${num(v, 2)} ms`) },
];

/** The figure the chart shows, kept across the overview's reloads (every 30 s) and timeframes. */
let shown = FIGURES[0].key;

/**
 * The resources panel of an overview (its data and timeframe); it loads the history itself and
 * fills in when it arrives. Returns the panel's element at once.
 */
export function resourcesPanel({ timeframe, overview }) {
  const body = h('div', { id: 'resources' }, h('p', { class: 'muted' }, 'Loading resources…'));
  const el = panel('Resources', body);
  let history = null;

  function latest(key) {
    for (let i = history.buckets.length - 1; i >= 0; i--) {
      const f = history.buckets[i][key];
      if (f) return f;
    }
    return null;
  }

  function draw() {
    const load = overview.realtime.systemLoad;
    const db = overview.resources.databaseLoad;
    const queued = latest('queuedSteps');
    const pool = latest('dbPoolSize');
    const qt = latest('dbQueryTimeMs');
    const figure = FIGURES.find((f) => f.key === shown);
    const points = history.buckets.map((b) => ({ t: b.timestamp, v: b[shown] ? b[shown].mean : null }));
    const highest = history.buckets.reduce((m, b) => (b[shown] && (m === null || b[shown].max > m) ? b[shown].max : m), null);
    const models = Object.entries(overview.resources.modelUsage).map(([name, u]) => ({ name, ...u }))
      .sort((a, b) => b.calls - a.calls);
    clear(body,
      h('h3', {}, 'System load'),
      h('div', { class: 'tiles', id: 'system-load' },
        tile('CPU', pct(load.cpu), 'cpu', 'machine, now'),
        tile('Memory', pct(load.memory), 'memory', 'JVM heap in use, now'),
        tile('Workers', `${load.workers.busy} / ${load.workers.total}`, 'workers-load', `${load.workers.idle} idle`),
        tile('Queue', count(overview.realtime.queueDepth), 'queue-load',
          `runs queued · ${queued ? `${count(queued.max)} steps waiting at most` : 'steps waiting: —'}`)),
      h('h3', {}, 'Database load'),
      h('div', { class: 'tiles', id: 'database-load' },
        tile('Connections in use', `${count(db.connections)} / ${pool ? count(pool.max) : '—'}`, 'db-connections',
          'most held at once in the latest minute, of the pool'),
        tile('Query rate', `${rate(db.queryRate)} / s`, 'db-query-rate', 'statements per second, latest minute'),
        tile('Query time', db.avgQueryTime === null ? '—' : `${num(db.avgQueryTime * 1000, 2)} ms`, 'db-query-time',
          qt ? `max ${num(qt.max, 2)} ms in a bucket` : 'mean per statement')),
      h('h3', {}, 'Model usage'),
      table([
        { label: 'Model', value: (m) => m.name },
        { label: 'Calls', value: (m) => count(m.calls), cls: 'num' },
        { label: 'Tokens', value: (m) => count(m.tokens), cls: 'num' },
        { label: 'Avg latency', value: (m) => dur(m.avgLatency), cls: 'num' },
        { label: 'Cost', value: (m) => num(m.cost, 4), cls: 'num' },
      ], models, { id: 'model-usage', empty: 'No model was called in this period.', rowAttrs: (m) => ({ 'data-model': m.name }) }),
      h('h3', {}, `History (${timeframe})`),
      h('div', { class: 'segmented', role: 'group', 'aria-label': 'Resource shown', id: 'resource-figure' },
        FIGURES.map((f) => h('a', { href: '#', class: f.key === shown ? 'active' : '', 'data-figure': f.key,
          onclick: (e) => { e.preventDefault(); shown = f.key; draw(); } }, f.label))),
      lineChart({ points, yLabel: `${figure.label} (${figure.unit}), mean per bucket`, title: `${figure.label} over time`,
        empty: 'no samples in this period' }),
      h('p', { class: 'muted', id: 'resource-summary' }, highest === null
        ? `No ${figure.label.toLowerCase()} samples in this period.`
        : `Highest minute: ${figure.write(highest)} · instances: ${history.instances.join(', ') || '—'} · `
          + `buckets of ${Math.round(history.bucketSeconds / 60)} min`));
  }

  request('api/v1/resources' + query({ timeframe })).then((r) => {
    history = r;
    draw();
  }).catch((e) => {
    clear(body, h('p', { class: 'muted' }, `Resources are not available: ${e.message}`));
  });
  return el;
}
