// One run: its Gantt chart (every planned step, the unreached ones pending), step details (with a
// step's full output for operators), the Run Console (resume from a failed or paused step, pause,
// cancel; operators only), the run's status history and the audit log of those actions. Live: every event of the run's
// workflow on /ws/workflows/{workflow_id} reloads the run.

import { request, session, liveSocket, ApiError } from '../api.js';
import { h, clear, banner, connection, dur, when, statusBadge, panel, table } from '../ui.js';
import { gantt } from '../charts.js';
import { showError } from '../app.js';

const ENDED = ['completed', 'failed', 'cancelled', 'timeout', 'skipped'];

export async function render(view, { arg: runId, isCurrent }) {
  const base = `api/workflows/executions/${encodeURIComponent(runId)}`;
  let state = null;
  let socket = null;
  let reloadTimer = null;
  let tickTimer = null;
  const outcome = h('div', { id: 'console-outcome', role: 'status' });
  const ganttHolder = h('div', { id: 'timeline' });
  const outputHolder = h('div', { id: 'output-holder' });

  async function load() {
    const [detail, timeline, audit] = await Promise.all([request(base), request(`${base}/timeline`),
      request(`${base}/resume-audit`)]);
    return { detail, timeline, audit };
  }

  function scheduleReload(delay = 150) {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(async () => {
      try {
        const next = await load();
        if (!isCurrent()) return;
        const same = JSON.stringify(next) === JSON.stringify(state);
        state = next;
        // Nothing changed: only let running bars grow, and leave buttons and text as they are
        // (a person may be reading, selecting or about to click).
        if (same) redrawGantt();
        else draw();
      } catch (e) {
        if (!isCurrent()) return;
        if (e instanceof ApiError && (e.status === 401 || e.status === 404)) showError(view, e);
        else banner(`Could not refresh the run: ${e instanceof ApiError ? e.explanation : e.message}`);
      }
    }, delay);
  }

  function draw() {
    const { detail, timeline, audit } = state;
    banner(null);
    const entries = timeline.step_timeline || [];
    const latest = timeline.attempt;
    const resumable = ['failed', 'paused'].includes(timeline.status);
    const operator = session.isOperator;
    const steps = [...entries].sort((a, b) => (b.attempt - a.attempt) || (a.step_order - b.step_order));
    const actions = [];
    if (operator && ['running', 'queued'].includes(timeline.status)) {
      actions.push(h('button', { type: 'button', id: 'pause-run', onclick: () => control('pause') }, 'Pause'),
        h('button', { type: 'button', class: 'danger', id: 'cancel-run', onclick: () => control('cancel') }, 'Cancel'));
    }
    redrawGantt();
    clear(view,
      h('p', { class: 'crumbs' }, h('a', { href: `#/runs?workflow=${encodeURIComponent(timeline.workflow_id)}` },
        `Runs of ${timeline.workflow_id}`), ' / ', `run #${detail.execution_number}`),
      h('section', { class: 'panel run-head' },
        h('h1', {}, `${timeline.workflow_id} · run #${detail.execution_number} `, statusBadge(timeline.status)),
        h('dl', { class: 'facts' },
          fact('Run id', h('code', {}, runId)),
          fact('Attempt', h('span', { id: 'run-attempt' }, String(latest))),
          fact('Started', when(timeline.started_at)),
          fact('Ended', when(timeline.completed_at)),
          fact('Duration', dur(timeline.total_duration_seconds)),
          fact('Steps', h('span', { id: 'step-counts' }, `${timeline.completed_step_count} completed, `
            + `${timeline.failed_step_count} failed, ${timeline.skipped_step_count} skipped, `
            + `${timeline.pending_step_count} pending of ${timeline.step_count}`)),
          fact('Input', h('code', {}, JSON.stringify(detail.input_variables ?? {})))),
        timeline.error_message ? h('p', { class: timeline.status === 'paused' ? 'form-warn' : 'form-error' },
          timeline.error_message) : null,
        actions.length ? h('div', { class: 'actions' }, ...actions) : null,
        outcome),
      panel('Timeline', ganttHolder),
      panel('Steps', table([
        { label: 'Step', value: (e) => h('span', {}, e.step_name, h('br'), h('small', { class: 'muted' }, e.node_name)) },
        { label: 'Attempt', value: (e) => String(e.attempt), cls: 'num' },
        { label: 'Status', value: (e) => statusBadge(e.reached === false ? 'pending' : e.status) },
        { label: 'Queue wait', value: (e) => e.queued_at && e.started_at
          ? dur((Date.parse(e.started_at) - Date.parse(e.queued_at)) / 1000) : '—', cls: 'num' },
        { label: 'Duration', value: (e) => dur(e.duration_seconds), cls: 'num' },
        { label: 'Retries', value: (e) => String(e.retry_count), cls: 'num' },
        { label: 'Error / output', value: (e) => e.error_message
          ? h('span', { class: e.status === 'paused' ? 'warn' : 'err' }, e.error_message)
          : h('span', {}, h('code', {}, e.output_summary ? JSON.stringify(e.output_summary) : ''),
            operator && e.status === 'completed' ? h('button', { type: 'button', class: 'full-output',
              'data-output-step': e.step_id, onclick: () => showOutput(e) }, 'Full output') : null) },
        { label: '', value: (e) => (operator && resumable && e.attempt === latest
          && ['failed', 'paused'].includes(e.status))
          ? h('button', { type: 'button', class: 'primary resume', 'data-resume-step': e.step_id,
            onclick: () => openResume(e) }, 'Resume from here') : '' },
      ], steps, { id: 'steps', rowAttrs: (e) => ({ 'data-step': e.step_id, 'data-attempt': e.attempt }) })),
      outputHolder,
      panel('Status history', h('div', {},
        (detail.status_history || []).some((c) => !c.recorded)
          ? h('p', { class: 'muted', id: 'history-reconstructed' }, 'Reconstructed from the run as last stored: '
            + 'this run was recorded before its status changes were kept, so only its first queue and start, '
            + 'its accepted resumes and its latest end are known.') : null,
        table([
          { label: 'When', value: (c) => when(c.at) },
          { label: 'Change', value: (c) => c.event },
          { label: 'Status', value: (c) => statusBadge(c.status) },
          { label: 'Attempt', value: (c) => String(c.attempt), cls: 'num' },
          { label: 'Who', value: (c) => c.actor || '—' },
          { label: 'Message', value: (c) => c.message || '' },
        ], detail.status_history || [], { id: 'history', empty: 'No status change is known.',
          rowAttrs: (c) => ({ 'data-event': c.event, 'data-attempt': c.attempt }) }))),
      panel('Audit log', table([
        { label: 'When', value: (a) => when(a.at) },
        { label: 'Action', value: (a) => a.action },
        { label: 'Who', value: (a) => a.actor },
        { label: 'Step', value: (a) => a.step_id || '' },
        { label: 'Attempt', value: (a) => String(a.attempt), cls: 'num' },
        { label: 'Outcome', value: (a) => a.outcome },
        { label: 'Reason', value: (a) => a.reason || '' },
      ], audit.items, { id: 'audit', empty: 'No resume, pause or cancel was asked for this run.' })));
    clearInterval(tickTimer);
    if (!ENDED.includes(timeline.status) && timeline.status !== 'paused') {
      // Running bars grow with the clock between events.
      tickTimer = setInterval(() => scheduleReload(0), 2000);
    }
  }

  function redrawGantt() {
    const entries = state.timeline.step_timeline || [];
    // Planned steps alone (none reached yet) have no times to draw.
    clear(ganttHolder, entries.some((e) => e.reached !== false) ? gantt(entries)
      : h('p', { class: 'muted' }, 'No step has started yet.'));
  }

  async function showOutput(entry) {
    const title = `Full output of “${entry.step_name}” (attempt ${entry.attempt})`;
    clear(outputHolder, panel(title, h('p', { class: 'muted' }, 'Loading…')));
    try {
      const answer = await request(`${base}/steps/${encodeURIComponent(entry.step_id)}/output?attempt=${entry.attempt}`);
      clear(outputHolder, panel(title, h('pre', { class: 'step-output', id: 'step-output',
        'data-step': entry.step_id }, JSON.stringify(answer.output, null, 2))));
    } catch (e) {
      clear(outputHolder, panel(title, h('p', { class: 'form-error', id: 'step-output-error' },
        e instanceof ApiError && e.code === 'checkpoint_not_found'
          ? 'This step has no stored output in that attempt.' : `Could not load the output: ${e.explanation || e.message}`)));
    }
  }

  function fact(label, value) {
    return h('div', {}, h('dt', {}, label), h('dd', {}, value));
  }

  function showOutcome(text, kind) {
    clear(outcome, h('p', { class: kind === 'ok' ? 'form-ok' : 'form-error', 'data-outcome': kind }, text));
  }

  function openResume(entry) {
    const overrides = h('textarea', { id: 'overrides', rows: 5, spellcheck: 'false',
      placeholder: '{"fail_step": null}' });
    const problem = h('p', { class: 'form-error', id: 'overrides-error' });
    const body = h('div', { class: 'dialog-body' });
    const dialog = h('dialog', { id: 'resume-dialog', class: 'dialog' }, body);
    document.body.append(dialog);
    const close = () => { dialog.close(); dialog.remove(); };

    function parse() {
      const text = overrides.value.trim();
      if (!text) return { ok: true, value: null };
      try {
        const v = JSON.parse(text);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) {
          return { ok: false, message: 'Input overrides must be a JSON object, like {"batch_size": 10}.' };
        }
        return { ok: true, value: v };
      } catch (e) {
        return { ok: false, message: `Not valid JSON: ${e.message}` };
      }
    }

    function stepOne() {
      const next = h('button', { type: 'button', class: 'primary', id: 'resume-next' }, 'Continue');
      const check = () => {
        const p = parse();
        problem.textContent = p.ok ? '' : p.message;
        next.disabled = !p.ok;
      };
      overrides.addEventListener('input', check);
      next.addEventListener('click', () => { if (parse().ok) stepTwo(); });
      clear(body, h('h2', {}, `Resume from “${entry.step_name}”`),
        h('p', {}, `The run starts attempt ${state.timeline.attempt + 1}: this step and every step after it run `
          + 'again; steps before it keep their results.'),
        h('label', { for: 'overrides' }, 'Input overrides (optional JSON object, merged into the run input)'),
        overrides, problem,
        h('div', { class: 'actions' }, h('button', { type: 'button', onclick: close }, 'Cancel'), next));
      check();
    }

    function stepTwo() {
      const p = parse();
      const confirm = h('button', { type: 'button', class: 'primary', id: 'resume-confirm' }, 'Resume now');
      confirm.addEventListener('click', async () => {
        confirm.disabled = true;
        try {
          const answer = await request(`${base}/resume`, { method: 'POST',
            body: p.value ? { step_id: entry.step_id, input_overrides: p.value } : { step_id: entry.step_id } });
          close();
          showOutcome(`Accepted: attempt ${answer.attempt} started from “${entry.step_name}”; the run below updates live.`, 'ok');
          scheduleReload(0);
        } catch (e) {
          close();
          const why = e instanceof ApiError && [409, 422].includes(e.status)
            ? `Resume refused (${e.status} ${e.code}): ${e.message}` : `Resume failed: ${e.explanation || e.message}`;
          showOutcome(why, 'error');
          if (e.status === 401) showError(view, e);
          scheduleReload(0);
        }
      });
      clear(body, h('h2', {}, 'Confirm the resume'),
        h('p', {}, `Resume run #${state.detail.execution_number} of ${state.timeline.workflow_id} from step `,
          h('strong', {}, entry.step_name), ` as attempt ${state.timeline.attempt + 1}?`),
        h('p', {}, p.value ? ['With input overrides ', h('code', {}, JSON.stringify(p.value))] : 'Without input overrides.'),
        h('div', { class: 'actions' }, h('button', { type: 'button', onclick: stepOne }, 'Back'), confirm));
    }

    stepOne();
    dialog.showModal();
    overrides.focus();
  }

  async function control(action) {
    const verb = action === 'pause' ? 'Pause' : 'Cancel';
    if (!window.confirm(`${verb} this run?`)) return;
    try {
      await request(`${base}/${action}`, { method: 'POST', body: { reason: `${action} from the dashboard` } });
      showOutcome(`${verb} requested.`, 'ok');
    } catch (e) {
      showOutcome(`${verb} refused: ${e.explanation || e.message}`, 'error');
    }
    scheduleReload(0);
  }

  state = await load();
  if (!isCurrent()) return null;
  draw();
  socket = liveSocket(`ws/workflows/${encodeURIComponent(state.timeline.workflow_id)}`, {
    onState: connection,
    onOpen: () => scheduleReload(0),
    onMessage: (m) => { if (m?.data?.execution_id === runId) scheduleReload(); },
  });
  return () => {
    socket.close();
    clearTimeout(reloadTimer);
    clearInterval(tickTimer);
    document.getElementById('resume-dialog')?.remove();
  };
}
