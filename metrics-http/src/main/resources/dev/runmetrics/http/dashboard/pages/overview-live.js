// The overview's live section between two execution_update messages: each execution_changed on
// /ws/executions moves its run into or out of the running and queued lists at once, and the page
// redraws at most once per animation frame however many changes arrive.
//
// execution_update (read from the store) may be up to one update interval older than a change
// seen before it, so each run's latest change of the last few seconds is applied again on top of
// each update: a run does not go back to a state it already left. Counts of runs that are not listed (the server
// lists at most listLimit of each) may be off by a few until the next update.

const REAPPLY_MS = 3000;

/** The server's queue order: priority descending, then queued first, then by id. */
function queueOrder(a, b) {
  return (b.priority - a.priority) || String(a.queuedAt).localeCompare(String(b.queuedAt))
    || String(a.queueId).localeCompare(String(b.queueId));
}

function copy(rt) {
  return { ...rt, executionsInProgress: [...rt.executionsInProgress], queuedExecutions: [...rt.queuedExecutions],
    systemLoad: rt.systemLoad && { ...rt.systemLoad, workers: { ...rt.systemLoad.workers } } };
}

/** Applies one execution_changed's data to a realtime section (in place). */
export function applyChange(rt, c) {
  const id = c.execution_id;
  const limit = rt.listLimit > 0 ? rt.listLimit : Infinity;
  let running = null;
  const qi = rt.queuedExecutions.findIndex((q) => q.queueId === id);
  if (qi >= 0) {
    rt.queuedExecutions.splice(qi, 1);
    rt.queueDepth = Math.max(0, rt.queueDepth - 1);
  }
  const ri = rt.executionsInProgress.findIndex((e) => e.runId === id);
  if (ri >= 0) {
    running = rt.executionsInProgress.splice(ri, 1)[0];
    rt.currentlyRunning = Math.max(0, rt.currentlyRunning - 1);
  }
  if (c.status === 'queued') {
    rt.queueDepth += 1;
    rt.queuedExecutions.push({ queueId: id, agentId: c.workflow_id, priority: c.priority ?? 0,
      queuedAt: c.queued_at, estimatedStartTime: null });
    rt.queuedExecutions.sort(queueOrder);
    rt.queuedExecutions.length = Math.min(rt.queuedExecutions.length, limit);
  } else if (c.status === 'running') {
    rt.currentlyRunning += 1;
    rt.executionsInProgress.push({ runId: id, agentId: c.workflow_id, agentName: c.workflow_name,
      userId: c.user_id, startedAt: c.started_at || c.timestamp, elapsedTime: 0,
      estimatedCompletion: running ? running.estimatedCompletion : null });
    // The server lists the oldest queued first: a run that starts now goes last (dropped if the list is full).
    rt.executionsInProgress.length = Math.min(rt.executionsInProgress.length, limit);
  }
  const workers = rt.systemLoad?.workers;
  if (workers) {
    workers.busy = Math.min(rt.currentlyRunning, workers.total);
    workers.idle = workers.total - workers.busy;
  }
  return rt;
}

/**
 * Keeps the realtime section live: update(realtime) for each execution_update (or a reload),
 * change(data) for each execution_changed; draw(realtime) is called at most once per frame.
 */
export function liveRealtime(initial, draw) {
  let rt = copy(initial);
  const recent = new Map(); // execution_id -> { at, data }: each run's latest change
  let frame = 0;

  function schedule() {
    if (!frame) {
      frame = requestAnimationFrame(() => {
        frame = 0;
        draw(rt);
      });
    }
  }

  return {
    get current() { return rt; },
    update(next) {
      rt = copy(next);
      const since = Date.now() - REAPPLY_MS;
      for (const [id, r] of recent) {
        if (r.at < since) recent.delete(id);
        else applyChange(rt, r.data);
      }
      schedule();
    },
    change(data) {
      recent.delete(data.execution_id); // keeps the map in the order of each run's latest change
      recent.set(data.execution_id, { at: Date.now(), data });
      applyChange(rt, data);
      schedule();
    },
    close() {
      if (frame) cancelAnimationFrame(frame);
      frame = 0;
    },
  };
}
