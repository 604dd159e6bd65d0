// The live overview: the workspace at a glance. The period view comes from /api/v1/execution-metrics; the
// realtime part (running now, queue, live executions) is replaced by each execution_update on
// /ws/executions and changed at once by each execution_changed (overview-live.js), and the whole
// view is reloaded every 30 s.

import { request, query, liveSocket } from '../api.js';
import { h, clear, dur, num, pct, when, zoneName, count, rate, panel, table, tile, shortId, connection } from '../ui.js';
import { lineChart, barChart } from '../charts.js';
import { liveRealtime } from './overview-live.js';
import { patternsPanel } from './overview-patterns.js';
import { resourcesPanel } from './overview-resources.js';

const TIMEFRAMES = ['1h', '24h', '7d', '30d'];

function bucketName(points) {
  if (points.length < 2) return 'bucket';
  const step = (Date.parse(points[1].timestamp) - Date.parse(points[0].timestamp)) / 60000;
  if (step === 60) return 'hour';
  if (step === 1440) return 'day';
  return `${step} min`;
}

export async function render(view, { params, isCurrent }) {
  const timeframe = TIMEFRAMES.includes(params.get('tf')) ? params.get('tf') : '1h';
  let data = await request('api/v1/execution-metrics' + query({ timeframe }));
  if (!isCurrent()) return null;
  const liveTiles = h('div', { class: 'tiles', id: 'live-tiles' });
  const liveList = h('div', { id: 'live-executions' });

  function drawRealtime(rt) {
    const vs = data.performance.vsLastPeriod || {};
    clear(liveTiles,
      tile('Running now', String(rt.currentlyRunning), 'running'),
      tile('Queue depth', String(rt.queueDepth), 'queue', `avg wait ${dur(rt.avgQueueWaitTime)}`),
      throughputTile(data.throughput, vs),
      capacityTile(data.throughput),
      tile('Success rate', pct(data.performance.successRate), 'success',
        `${data.performance.totalExecutions} runs ended${change(vs.successRateChange, ' pts')}`),
      tile('Median latency', dur(data.latency.executionLatency.median), 'median',
        `p95 ${dur(data.latency.executionLatency.p95)}${change(vs.latencyChange, ' % mean')}`),
      tile('Workers busy', `${rt.systemLoad.workers.busy} / ${rt.systemLoad.workers.total}`, 'workers'));
    const now = Date.now();
    clear(liveList, table([
      { label: 'Run', value: (e) => h('a', { href: `#/run/${e.runId}`, class: 'mono' }, shortId(e.runId)) },
      { label: 'Workflow', value: (e) => e.agentName },
      { label: 'User', value: (e) => e.userId || '—' },
      { label: 'Started', value: (e) => when(e.startedAt) },
      { label: 'Progress', value: (e) => progress(e, now) },
    ], rt.executionsInProgress, { empty: 'Nothing is running right now.' }),
    cut(rt.executionsInProgress.length, rt.currentlyRunning, 'longest running'),
    rt.queuedExecutions.length === 0 ? null : [h('h3', {}, `Queued (${rt.queueDepth})`), table([
      { label: 'Run', value: (q) => h('a', { href: `#/run/${q.queueId}`, class: 'mono' }, shortId(q.queueId)) },
      { label: 'Workflow', value: (q) => q.agentId },
      { label: 'Priority', value: (q) => String(q.priority), cls: 'num' },
      { label: 'Queued', value: (q) => when(q.queuedAt) },
      { label: 'Expected start', value: (q) => when(q.estimatedStartTime) },
    ], rt.queuedExecutions, { id: 'queued' }), cut(rt.queuedExecutions.length, rt.queueDepth, 'next to start')]);
  }

  /**
   * Throughput now: runs ended in the last complete minute, then the last five minutes, the period
   * average and the peak complete bucket. The period average spreads the period's runs over all of
   * it, so it is shown as such, never as the current rate.
   */
  function throughputTile(t, vs) {
    const el = tile('Throughput, last minute', `${count(t.executionsLastMinute)} / min`, 'throughput',
      `last 5 min ${rate(t.executionsPerMinuteLast5Minutes)} / min · period avg ${rate(t.executionsPerMinute)} / min`
        + `${change(vs.executionsChange, ' %')} · peak ${rate(t.peakThroughput?.value)} / min`);
    el.dataset.windowEnd = t.recentWindowEnd;
    el.title = `Runs that ended in the minute before ${when(t.recentWindowEnd)}`;
    return el;
  }

  /** Capacity used: the execution time of the runs that ended, over the workers, now and on average. */
  function capacityTile(t) {
    const el = tile('Capacity used, last minute', pct(t.capacityUtilizationLastMinute), 'capacity',
      `last 5 min ${pct(t.capacityUtilizationLast5Minutes)} · period avg ${pct(t.capacityUtilization)}`
        + ` · ${t.maxCapacity} workers`);
    el.dataset.windowEnd = t.recentWindowEnd;
    return el;
  }

  /** The server lists only the first few live runs (listLimit); say so when a list was cut. */
  function cut(listed, total, which) {
    return listed < total ? h('p', { class: 'muted' }, `Showing the ${listed} ${which} of ${total}.`) : null;
  }

  /** ", +3.2 pts vs previous period", or nothing when there is nothing to compare. */
  function change(v, unit) {
    if (v === null || v === undefined) return '';
    return `, ${v >= 0 ? '+' : ''}${num(v, 1)}${unit} vs previous`;
  }

  function progress(e, now) {
    const startMs = Date.parse(e.startedAt);
    const endMs = e.estimatedCompletion ? Date.parse(e.estimatedCompletion) : null;
    const elapsed = (now - startMs) / 1000;
    if (!endMs || endMs <= startMs) return `${dur(elapsed)} elapsed`;
    const share = Math.min(1, (now - startMs) / (endMs - startMs));
    return h('div', { class: 'progress', title: `estimated completion ${when(e.estimatedCompletion)}` },
      h('progress', { max: 100, value: Math.round(share * 100) }),
      h('span', {}, share >= 1 ? `${dur(elapsed)}, longer than usual` : `${Math.round(share * 100)} %`));
  }

  function draw() {
    const tf = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Timeframe' },
      TIMEFRAMES.map((t) => h('a', { href: `#/overview?tf=${t}`, class: t === timeframe ? 'active' : '',
        'data-timeframe': t }, t)));
    const perf = [...data.performance.byAgent].sort((a, b) => b.executions - a.executions);
    const lat = data.latency;
    // Complete buckets only: the one holding now still grows and would be drawn as a cliff.
    const trend = data.throughput.throughputTrend.filter((p) => p.complete);
    const partial = data.throughput.throughputTrend.find((p) => !p.complete);
    clear(view,
      h('div', { class: 'page-head' }, h('h1', {}, 'Overview'), tf,
        h('span', { class: 'muted', id: 'period' }, `${when(data.periodStart)} – ${when(data.periodEnd)}`),
        h('span', { class: 'muted', id: 'zone' }, `times in ${zoneName()}`)),
      liveTiles,
      h('div', { class: 'grid2' },
        panel('Throughput', lineChart({ points: trend.map((p) => ({ t: p.timestamp, v: p.value })),
          yLabel: bucketName(trend) === '1 min' ? 'runs ended / min' : `runs ended / min (per ${bucketName(trend)})`,
          title: 'Throughput over time' }),
        partial ? h('p', { class: 'muted', id: 'throughput-partial' },
          `Complete ${bucketName(trend)} buckets only; the current one (since ${when(partial.timestamp)}) `
            + 'is drawn when it ends.') : null),
        panel('Latency', lineChart({ points: data.patterns.timeline.map((p) => ({ t: p.timestamp, v: p.avgDuration })),
          yLabel: 'average run duration (s)', title: 'Average run duration over time' }))),
      h('div', { class: 'grid2' },
        panel('Latency distribution', barChart({
          bars: lat.latencyDistribution.map((b) => ({ label: b.bucket, value: b.count, note: `${num(b.percentage, 0)}%` })),
          xLabel: 'run duration bucket', yLabel: 'runs', title: 'Run duration distribution' })),
        panel('Latency percentiles', table([
          { label: '', value: (r) => r[0] },
          ...['p50', 'p75', 'p90', 'p95', 'p99'].map((k) => ({ label: k, value: (r) => dur(r[1][k]), cls: 'num' })),
          { label: 'avg', value: (r) => dur(r[1].avg), cls: 'num' },
        ], [['queue wait', lat.queueLatency], ['execution', lat.executionLatency], ['end to end', lat.endToEndLatency]]))),
      panel('Live executions', liveList),
      h('div', {},
        panel('Performance by node', table([
          { label: 'Node', value: (a) => a.agentName },
          { label: 'Executions', value: (a) => count(a.executions), cls: 'num' },
          { label: 'Failures', value: (a) => count(a.failures), cls: 'num' },
          { label: 'Error rate', value: (a) => pct(a.errorRate), cls: 'num' },
          { label: 'Skipped', value: (a) => count(a.skipped), cls: 'num' },
          { label: 'Success', value: (a) => pct(a.successRate), cls: 'num' },
          { label: 'Avg runtime', value: (a) => dur(a.avgRuntime), cls: 'num' },
        ], perf, { id: 'by-node', empty: 'No node ran in this period.', rowAttrs: (a) => ({ 'data-node': a.agentId }) }),
        h('p', { class: 'muted' }, 'A skipped step did not run: it counts in Skipped only, not in the executions '
          + 'or either rate.')),
        panel('Anomalies', table([
          { label: 'When', value: (a) => when(a.timestamp) },
          { label: 'Type', value: (a) => a.type },
          { label: 'Severity', value: (a) => h('span', { class: `sev sev-${a.severity}` }, a.severity) },
          { label: 'What', value: (a) => a.description },
        ], data.patterns.anomalies, { id: 'anomalies', empty: 'No anomalies in this period.' }))),
      patternsPanel(data),
      resourcesPanel({ timeframe, overview: data }));
    drawRealtime(data.realtime);
  }

  draw();
  const live = liveRealtime(data.realtime, (rt) => {
    data.realtime = rt;
    drawRealtime(rt);
  });
  const socket = liveSocket('ws/executions', {
    onState: connection,
    onMessage: (m) => {
      if (m.event === 'execution_update' && m.data) live.update(m.data);
      else if (m.event === 'execution_changed' && m.data) live.change(m.data);
    },
  });
  const refresh = setInterval(async () => {
    try {
      data = await request('api/v1/execution-metrics' + query({ timeframe }));
      live.update(data.realtime);
      data.realtime = live.current;
      if (isCurrent()) draw();
    } catch (e) {
      // The live indicator already shows an outage; the last view stays on screen.
    }
  }, 30000);
  return () => {
    socket.close();
    live.close();
    clearInterval(refresh);
  };
}
