// The runs of one workflow: its metrics summary and a page of runs (status filter, paging).

import { request, query } from '../api.js';
import { h, clear, dur, pct, when, statusBadge, panel, table, tile, shortId } from '../ui.js';

const STATUSES = ['', 'queued', 'running', 'completed', 'failed', 'paused', 'cancelled', 'timeout'];
const LIMIT = 20;
/**
 * The workspace's workflows (GET api/workflows: ended or live executions, most ended first), or
 * none when they cannot be listed; a workflow can always be typed in.
 */
export async function listWorkflows() {
  try {
    return (await request('api/workflows')).items;
  } catch (e) {
    return [];
  }
}

/** A workflow id input that suggests the listed workflows. */
export function workflowPicker(id, value, workflows) {
  return [h('input', { id, list: `${id}-list`, value: value || '', placeholder: 'workflow id', required: true,
    autocomplete: 'off' }),
  h('datalist', { id: `${id}-list` }, workflows.map((w) => h('option', { value: w.workflow_id },
    `${w.total_executions} ended, ${w.live_executions} live`)))];
}

export async function render(view, { params }) {
  const workflows = await listWorkflows();
  const workflow = params.get('workflow') || sessionStorage.getItem('runmetrics.workflow')
    || (workflows[0] && workflows[0].workflow_id);
  if (!workflow) {
    clear(view, h('h1', {}, 'Runs'), h('p', { class: 'muted', id: 'no-workflows' },
      'No workflow has run in this workspace yet.'));
    return null;
  }
  sessionStorage.setItem('runmetrics.workflow', workflow);
  const status = params.get('status') || '';
  const skip = Math.max(0, parseInt(params.get('skip') || '0', 10) || 0);
  const go = (changes) => {
    const next = { workflow, status, skip, ...changes };
    location.hash = '#/runs' + query(next);
  };

  const [picker, list] = workflowPicker('runs-workflow', workflow, workflows);
  const statusSelect = h('select', { id: 'runs-status' },
    STATUSES.map((st) => h('option', { value: st, selected: st === status }, st || 'any status')));
  const form = h('form', { class: 'filters' }, h('label', { for: 'runs-workflow' }, 'Workflow'), picker, list,
    h('label', { for: 'runs-status' }, 'Status'), statusSelect, h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go({ workflow: picker.value.trim(), status: statusSelect.value, skip: 0 });
  });

  const path = `api/workflows/${encodeURIComponent(workflow)}`;
  const [metrics, page] = await Promise.all([request(`${path}/metrics`),
    request(`${path}/executions` + query({ skip, limit: LIMIT, status }))]);

  const from = page.total === 0 ? 0 : skip + 1;
  const to = skip + page.items.length;
  clear(view,
    h('h1', {}, `Runs of ${workflow}`),
    form,
    h('div', { class: 'tiles' },
      tile('Runs (all time)', String(metrics.total_executions), 'total'),
      tile('Success rate', pct(metrics.success_rate), 'success'),
      tile('Average duration', dur(metrics.average_duration_seconds), 'avg'),
      tile('Fastest', dur(metrics.min_duration_seconds), 'min'),
      tile('Slowest', dur(metrics.max_duration_seconds), 'max')),
    panel(`Runs ${from}–${to} of ${page.total}${status ? ` (${status})` : ''}, newest first`,
      table([
        { label: '#', value: (r) => h('a', { href: `#/run/${r.id}` }, `#${r.execution_number}`), cls: 'num' },
        { label: 'Run id', value: (r) => h('a', { href: `#/run/${r.id}`, class: 'mono' }, shortId(r.id)) },
        { label: 'Status', value: (r) => statusBadge(r.status) },
        { label: 'Attempt', value: (r) => String(r.attempt), cls: 'num' },
        { label: 'Started', value: (r) => when(r.started_at) },
        { label: 'Duration', value: (r) => dur(r.duration), cls: 'num' },
        { label: 'Input', value: (r) => h('code', {}, JSON.stringify(r.input_variables ?? {})) },
      ], page.items, { id: 'runs', empty: 'No runs match.', rowAttrs: (r) => ({ 'data-run': r.id, 'data-status': r.status }) }),
      h('div', { class: 'pager' },
        h('button', { type: 'button', id: 'prev', disabled: skip === 0, onclick: () => go({ skip: Math.max(0, skip - LIMIT) }) },
          '← Newer'),
        h('button', { type: 'button', id: 'next', disabled: to >= page.total, onclick: () => go({ skip: skip + LIMIT }) },
          'Older →'))));
  return null;
}
