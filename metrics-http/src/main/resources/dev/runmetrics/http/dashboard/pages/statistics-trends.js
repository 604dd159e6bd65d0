// The Statistics page's sections over time and per step: the duration trend of the chosen
// workflow (or all) and, for a chosen workflow, each step's statistics across its latest runs.

import { request, query } from '../api.js';
import { h, num, pct, panel, table } from '../ui.js';
import { trendChart } from '../charts.js';

const BUCKETS = [['', 'auto'], ['hour', 'per hour'], ['day', 'per day']];

/**
 * Builds the two panels for the page's filters: workflow ('' for all), start and end (ISO days,
 * end inclusive) and bucket ('', 'hour' or 'day'). Resolves when both answers are in.
 */
export async function trendSections({ workflow, start, end, bucket }) {
  const range = { workflow_id: workflow, start_date: start, end_date: end };
  const [trend, steps] = await Promise.all([
    request('api/v1/statistics/execution-times/trend' + query({ ...range, bucket })),
    workflow ? request('api/v1/statistics/steps' + query(range)) : null,
  ]);
  const link = (b) => '#/statistics' + query({ workflow, start_date: start, end_date: end, bucket: b });
  const chooser = h('span', { class: 'segmented', id: 'trend-bucket' }, BUCKETS.map(([value, label]) =>
    h('a', { href: link(value), class: value === (bucket || '') ? 'active' : null, 'data-bucket': value || 'auto' },
      label)));
  const trendPanel = h('section', { class: 'panel', id: 'trend' },
    h('div', { class: 'trend-head' }, h('h2', {}, `Execution time over time, per ${trend.bucket} (UTC)`), chooser),
    h('p', { class: 'muted' }, `${trend.count} run${trend.count === 1 ? '' : 's'} ended; `
      + 'bars count them (red: failed), lines show the median and 95th percentile of their execution times. '
      + 'From the rollups: each percentile within 0.1 %.'),
    trendChart({ points: trend.buckets, bucket: trend.bucket,
      title: `Runs ended and their median and p95 execution times per ${trend.bucket}` }));
  if (!steps) {
    return [trendPanel, panel('Steps', h('p', { class: 'muted', id: 'step-stats-hint' },
      'Choose a workflow to see how each of its steps behaves across its runs.'))];
  }
  const stepPanel = panel(`Steps of ${workflow}`,
    h('p', { class: 'muted', id: 'step-stats-scope' }, `Over the latest ${steps.runs_analyzed} run`
      + `${steps.runs_analyzed === 1 ? '' : 's'} that ended in the range`
      + (steps.truncated ? ` (more ended: only the latest ${steps.run_limit} are measured)` : '')
      + '; every attempt of a resumed run counts. Exact values, in ms.'),
    table([
      { label: 'Step', value: (r) => h('span', { title: `${r.step_id} on node ${r.node_name}` }, r.step_name) },
      { label: 'Ran', value: (r) => String(r.count), cls: 'num' },
      { label: 'Failed', value: (r) => String(r.failed), cls: 'num' },
      { label: 'Failure rate', value: (r) => h('span', { class: r.failed ? 'err' : null }, pct(r.failure_rate)),
        cls: 'num' },
      { label: 'Skipped', value: (r) => String(r.skipped), cls: 'num' },
      ...[['median', 'Median'], ['p95', 'p95'], ['avg', 'Average'], ['max', 'Max']].map(([k, label]) => ({
        label, value: (r) => num(r[k], 1), cls: 'num' })),
    ], steps.steps, { id: 'step-stats', empty: 'No step of this workflow ended in the range.',
      rowAttrs: (r) => ({ 'data-step': r.step_id }) }));
  return [trendPanel, stepPanel];
}
