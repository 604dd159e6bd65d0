// Execution-time statistics of a workflow (or all) over a date range.

import { request, query } from '../api.js';
import { h, clear, num, panel, tile, table } from '../ui.js';
import { barChart } from '../charts.js';
import { workflowPicker, listWorkflows } from './runs.js';
import { trendSections } from './statistics-trends.js';

/** How many workflows the by-workflow table compares (the ones with the most executions ended in the range). */
const BY_WORKFLOW_LIMIT = 12;

function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

export async function render(view, { params }) {
  const today = new Date();
  const weekAgo = new Date(today.getTime() - 6 * 86400000);
  const workflow = params.get('workflow') ?? '';
  const start = params.get('start_date') || isoDay(weekAgo);
  const end = params.get('end_date') || isoDay(today);

  const workflows = await listWorkflows();
  const [picker, list] = workflowPicker('stats-workflow', workflow, workflows);
  picker.required = false;
  picker.placeholder = 'all workflows';
  const startInput = h('input', { id: 'start-date', type: 'date', value: start, required: true });
  const endInput = h('input', { id: 'end-date', type: 'date', value: end, required: true });
  const problem = h('p', { class: 'form-error' });
  const form = h('form', { class: 'filters', id: 'stats-form' },
    h('label', { for: 'stats-workflow' }, 'Workflow'), picker, list,
    h('label', { for: 'start-date' }, 'From'), startInput,
    h('label', { for: 'end-date' }, 'To (inclusive)'), endInput,
    h('button', { type: 'submit', id: 'stats-apply' }, 'Apply'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (endInput.value < startInput.value) {
      problem.textContent = 'The end date is before the start date.';
      return;
    }
    location.hash = '#/statistics' + query({ workflow: picker.value.trim(), start_date: startInput.value,
      end_date: endInput.value });
  });

  const statsOf = (wf) => request('api/v1/statistics/execution-times' + query({ workflow_id: wf, start_date: start,
    end_date: end }));
  // One request for the whole by-workflow table: every workflow with runs ended in the range.
  const [trends, st, grouped] = await Promise.all([
    trendSections({ workflow, start, end, bucket: params.get('bucket') ?? '' }), statsOf(workflow),
    request('api/v1/statistics/execution-times' + query({ group_by: 'workflow', start_date: start, end_date: end }))]);
  const perWorkflow = [...grouped.items].sort((a, b) => b.count - a.count || a.workflow_id.localeCompare(b.workflow_id))
    .slice(0, BY_WORKFLOW_LIMIT);
  const link = (wf) => '#/statistics' + query({ workflow: wf, start_date: start, end_date: end });
  const keys = [['min', 'Minimum'], ['median', 'Median'], ['avg', 'Average'], ['p95', '95th percentile'],
    ['p99', '99th percentile'], ['max', 'Maximum']];
  clear(view,
    h('h1', {}, 'Execution-time statistics'),
    form, problem,
    h('p', { class: 'muted' }, `${workflow || 'All workflows'}, runs that ended from ${start} to ${end} (UTC days). `,
      st.exact ? 'Exact values.' : 'From rollups: each value is within 0.1 % of the exact one.'),
    h('div', { class: 'tiles', id: 'stats' },
      tile('Executions ended', String(st.count), 'count', 'a resumed run counts once per attempt that ended; its time excludes the wait between attempts'),
      keys.map(([k, label]) => tile(label, st[k] === null ? '—' : `${num(st[k], 1)} ms`, k))),
    h('div', { class: 'grid2' },
      panel('Run duration (ms)', st.count === 0 ? h('p', { class: 'muted' }, 'No run ended in this range.')
        : barChart({ bars: keys.map(([k]) => ({ label: k, value: st[k] ?? 0, note: num(st[k], 0) })),
          xLabel: 'statistic over the runs in the range', yLabel: 'duration (ms)',
          title: 'Run duration statistics in milliseconds' })),
      panel('By workflow (same range, ms)', table([
        { label: 'Workflow', value: (r) => h('a', { href: link(r.workflow_id) }, r.workflow_id) },
        { label: 'Ended', value: (r) => String(r.count), cls: 'num' },
        ...['median', 'avg', 'p95', 'max'].map((k) => ({ label: k, value: (r) => num(r[k], 1), cls: 'num' })),
      ], perWorkflow, { id: 'by-workflow' }))),
    trends);
  return null;
}
