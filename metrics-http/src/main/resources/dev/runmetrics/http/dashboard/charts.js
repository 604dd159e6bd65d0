// Charts as plain SVG: a time line, a bar chart and the run Gantt chart. Every chart has labelled
// axes with units; the SVG scales to its container's width (viewBox).

import { s, dur, when, zoneName } from './ui.js';

/** Round tick values covering [min, max], about `count` of them. */
export function ticks(min, max, count = 5) {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw) || raw;
  const out = [];
  // The last tick is at or above max, so the axis covers every value.
  const top = Math.ceil(max / step - 1e-9) * step;
  for (let v = Math.ceil(min / step) * step; v <= top + step * 1e-9; v += step) out.push(+v.toFixed(10));
  return out;
}

function shortNum(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return (v / 1e6).toFixed(1) + 'M';
  if (a >= 1e4) return (v / 1e3).toFixed(0) + 'k';
  if (a >= 100 || Number.isInteger(v)) return String(Math.round(v));
  return v.toFixed(a < 1 ? 2 : 1);
}

function timeLabel(ms, spanMs) {
  const d = new Date(ms);
  if (spanMs > 2 * 86400000) return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

function frame(width, height, title) {
  return s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title },
    s('title', {}, title));
}

/**
 * A line over time. points: [{t: ISO string, v: number|null}] (null leaves a gap); yLabel names
 * the quantity with its unit; the x axis is local time, its zone named. The svg carries the first
 * and last points' instants and how many have a value (data-first, data-last, data-points).
 */
export function lineChart({ points, yLabel, title, format = shortNum, width = 560, height = 230,
  empty = 'no runs in this period' }) {
  const m = { l: 58, r: 14, t: 12, b: 42 };
  const svg = frame(width, height, title || yLabel);
  const drawn = points.filter((p) => p.v !== null && p.v !== undefined);
  svg.setAttribute('data-points', String(drawn.length));
  if (points.length > 0) {
    svg.setAttribute('data-first', points[0].t);
    svg.setAttribute('data-last', points[points.length - 1].t);
  }
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const ts = points.map((p) => Date.parse(p.t));
  const vs = points.map((p) => p.v).filter((v) => v !== null && v !== undefined);
  const t0 = Math.min(...ts);
  const t1 = Math.max(...ts, t0 + 1);
  const yt = ticks(0, Math.max(...vs, 0) || 1, 4);
  const y1 = yt[yt.length - 1];
  const x = (t) => m.l + ((t - t0) / (t1 - t0)) * pw;
  const y = (v) => m.t + ph - (v / y1) * ph;
  yt.forEach((v) => {
    svg.append(s('line', { x1: m.l, x2: m.l + pw, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: m.l - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, format(v)));
  });
  ticks(t0, t1, 5).forEach((t) => {
    if (t < t0 || t > t1) return;
    svg.append(s('line', { x1: x(t), x2: x(t), y1: m.t + ph, y2: m.t + ph + 4, class: 'axis' }),
      s('text', { x: x(t), y: m.t + ph + 16, class: 'tick', 'text-anchor': 'middle' }, timeLabel(t, t1 - t0)));
  });
  let d = '';
  points.forEach((p, i) => {
    if (p.v === null || p.v === undefined) return;
    const prev = i > 0 ? points[i - 1].v : null;
    d += `${prev === null || prev === undefined || d === '' ? 'M' : 'L'}${x(ts[i]).toFixed(1)},${y(p.v).toFixed(1)}`;
  });
  svg.append(s('path', { d, class: 'line' }));
  // A dot for a value with no neighbour to draw a line to (one busy minute between gaps).
  const missing = (i) => i < 0 || i >= points.length || points[i].v === null || points[i].v === undefined;
  points.forEach((p, i) => {
    if (missing(i) || !(missing(i - 1) && missing(i + 1))) return;
    svg.append(s('circle', { cx: x(ts[i]), cy: y(p.v), r: 2.5, class: 'dot' },
      s('title', {}, `${when(points[i].t)}: ${format(p.v)}`)));
  });
  if (vs.length === 0) {
    svg.append(s('text', { x: m.l + pw / 2, y: m.t + ph / 2, class: 'empty', 'text-anchor': 'middle' },
      empty));
  }
  svg.append(s('line', { x1: m.l, x2: m.l, y1: m.t, y2: m.t + ph, class: 'axis' }),
    s('line', { x1: m.l, x2: m.l + pw, y1: m.t + ph, y2: m.t + ph, class: 'axis' }),
    s('text', { x: 14, y: m.t + ph / 2, class: 'label', 'text-anchor': 'middle',
      transform: `rotate(-90 14 ${m.t + ph / 2})` }, yLabel),
    s('text', { x: m.l + pw / 2, y: height - 4, class: 'label', 'text-anchor': 'middle' }, `time (${zoneName()})`));
  return svg;
}

/** Vertical bars: bars [{label, value, note}]; xLabel and yLabel name the axes with units. */
export function barChart({ bars, xLabel, yLabel, title, format = shortNum, width = 560, height = 230 }) {
  const m = { l: 58, r: 14, t: 18, b: 42 };
  const svg = frame(width, height, title || yLabel);
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const yt = ticks(0, Math.max(...bars.map((b) => b.value), 0) || 1, 4);
  const y1 = yt[yt.length - 1];
  const y = (v) => m.t + ph - (v / y1) * ph;
  yt.forEach((v) => svg.append(s('line', { x1: m.l, x2: m.l + pw, y1: y(v), y2: y(v), class: 'grid' }),
    s('text', { x: m.l - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, format(v))));
  const slot = pw / Math.max(bars.length, 1);
  bars.forEach((b, i) => {
    const bx = m.l + i * slot + slot * 0.15;
    svg.append(s('rect', { x: bx, y: y(b.value), width: slot * 0.7, height: Math.max(0, m.t + ph - y(b.value)),
      class: 'bar' }, s('title', {}, `${b.label}: ${format(b.value)}${b.note ? ' (' + b.note + ')' : ''}`)),
    s('text', { x: bx + slot * 0.35, y: m.t + ph + 16, class: 'tick', 'text-anchor': 'middle' }, b.label));
    if (b.note) {
      svg.append(s('text', { x: bx + slot * 0.35, y: y(b.value) - 4, class: 'tick', 'text-anchor': 'middle' },
        b.note));
    }
  });
  svg.append(s('line', { x1: m.l, x2: m.l, y1: m.t, y2: m.t + ph, class: 'axis' }),
    s('line', { x1: m.l, x2: m.l + pw, y1: m.t + ph, y2: m.t + ph, class: 'axis' }),
    s('text', { x: 14, y: m.t + ph / 2, class: 'label', 'text-anchor': 'middle',
      transform: `rotate(-90 14 ${m.t + ph / 2})` }, yLabel),
    s('text', { x: m.l + pw / 2, y: height - 4, class: 'label', 'text-anchor': 'middle' }, xLabel));
  return svg;
}

/**
 * The run's timeline as a Gantt chart: one row per step per attempt, grouped by attempt. Each row
 * shows the queue wait (hatched, from queued to started) and the execution (solid, coloured by
 * status; a running step grows to now); a retried step carries "↻ n". x: seconds since the run's
 * first step was queued.
 */
export function gantt(entries, { now = Date.now(), width = 960 } = {}) {
  const rowH = 26;
  const m = { l: 210, r: 150, t: 34, b: 48 };
  const attempts = [...new Set(entries.map((e) => e.attempt))].sort((a, b) => a - b);
  const rows = [];
  attempts.forEach((a) => {
    rows.push({ header: a });
    entries.filter((e) => e.attempt === a)
      .sort((p, q) => (p.step_order - q.step_order) || String(p.queued_at).localeCompare(String(q.queued_at)))
      .forEach((e) => rows.push({ entry: e }));
  });
  const height = m.t + rows.length * rowH + m.b;
  const svg = frame(width, height, 'Run timeline (Gantt chart)');
  svg.classList.add('gantt');
  const running = (e) => !e.completed_at && e.started_at;
  const timesOf = (es) => es.flatMap((e) => [e.queued_at, e.started_at, e.completed_at]).filter(Boolean)
    .map(Date.parse).concat(es.some(running) ? [now] : []);
  const t0 = Math.min(...timesOf(entries));
  const pw = width - m.l - m.r;
  const bottom = m.t + rows.length * rowH;
  // One segment of the axis per stretch of activity. An idle gap between attempts longer than all
  // the activity (a resume an hour later) is cut out and drawn as a break, so attempt 1 keeps a
  // readable width.
  // An attempt whose steps were all never reached (pending) has no times and no span.
  const spans = attempts.map((a) => timesOf(entries.filter((e) => e.attempt === a))).filter((ts) => ts.length)
    .map((ts) => ({ start: Math.min(...ts), end: Math.max(...ts) })).sort((p, q) => p.start - q.start);
  const activeTotal = spans.reduce((sum, sp) => sum + (sp.end - sp.start), 0);
  const segments = [];
  spans.forEach((sp) => {
    const last = segments[segments.length - 1];
    if (last && sp.start - last.end <= Math.max(activeTotal, 1000)) last.end = Math.max(last.end, sp.end);
    else segments.push({ ...sp });
  });
  const BREAK = 44;
  const avail = pw - BREAK * (segments.length - 1);
  const total = segments.reduce((sum, sg) => sum + Math.max(sg.end - sg.start, 1), 0);
  let cursor = m.l;
  segments.forEach((sg, i) => {
    sg.x = cursor;
    sg.w = avail * Math.max(sg.end - sg.start, 1) / total;
    cursor += sg.w + (i < segments.length - 1 ? BREAK : 0);
  });
  const x = (t) => {
    const sg = segments.find((g) => t <= g.end) || segments[segments.length - 1];
    const clamped = Math.min(Math.max(t, sg.start), sg.end);
    return sg.x + ((clamped - sg.start) / Math.max(sg.end - sg.start, 1)) * sg.w;
  };
  segments.forEach((sg, i) => {
    const from = (sg.start - t0) / 1000;
    const to = (sg.end - t0) / 1000;
    ticks(from, to, Math.max(2, Math.round((8 * sg.w) / pw))).forEach((sec) => {
      if (sec < from - 1e-9 || sec > to + 1e-9) return;
      const px = x(t0 + sec * 1000);
      svg.append(s('line', { x1: px, x2: px, y1: m.t - 4, y2: bottom, class: 'grid' }),
        s('text', { x: px, y: bottom + 16, class: 'tick', 'text-anchor': 'middle' }, shortNum(sec)));
    });
    if (i < segments.length - 1) {
      const bx = sg.x + sg.w + BREAK / 2;
      const idle = (segments[i + 1].start - sg.end) / 1000;
      svg.append(s('rect', { x: bx - BREAK / 2 + 4, y: m.t - 4, width: BREAK - 8, height: bottom - m.t + 4,
        class: 'axis-break' }, s('title', {}, `${dur(idle)} without activity, not to scale`)),
      s('text', { x: bx, y: bottom + 16, class: 'tick', 'text-anchor': 'middle' }, '≈'),
      s('text', { x: bx, y: bottom + 28, class: 'tick', 'text-anchor': 'middle' }, `+${dur(idle)}`));
    }
  });
  svg.append(s('text', { x: m.l + pw / 2, y: height - 4, class: 'label', 'text-anchor': 'middle' },
    segments.length > 1 ? 'seconds since the run\'s first step was queued (idle gaps cut, ≈)'
      : 'seconds since the run\'s first step was queued'));
  // Legend
  const legend = [['queue wait', 'gq'], ['completed', 'st-completed'], ['failed', 'st-failed'],
    ['running', 'st-running'], ['paused', 'st-paused'], ['cancelled / skipped', 'st-cancelled'], ['pending', 'st-pending']];
  let lx = m.l;
  legend.forEach(([label, cls]) => {
    svg.append(s('rect', { x: lx, y: 8, width: 14, height: 10, class: `gbar ${cls}` }),
      s('text', { x: lx + 18, y: 17, class: 'tick' }, label));
    lx += 30 + label.length * 6.5;
  });
  svg.append(s('text', { x: lx, y: 17, class: 'tick' }, '↻ retried (dashed)'));
  rows.forEach((r, i) => {
    const ry = m.t + i * rowH;
    if (r.header !== undefined) {
      svg.append(s('rect', { x: 0, y: ry + 2, width, height: rowH - 4, class: 'attempt-band' }),
        s('text', { x: 8, y: ry + rowH / 2 + 4, class: 'attempt-label' },
          r.header === 1 ? 'Attempt 1' : `Attempt ${r.header} (resumed)`));
      return;
    }
    const e = r.entry;
    // A planned step no attempt reached: a row with no bar, marked pending.
    const pending = e.reached === false;
    const shown = pending ? 'pending' : e.status;
    const g = s('g', { class: pending ? 'grow pending' : 'grow', 'data-step': e.step_id, 'data-attempt': e.attempt,
      'data-status': shown });
    g.append(s('text', { x: 16, y: ry + rowH / 2 + 4, class: 'rowlabel' }, e.step_name || e.step_id));
    const q = e.queued_at ? Date.parse(e.queued_at) : null;
    const st = e.started_at ? Date.parse(e.started_at) : null;
    const en = e.completed_at ? Date.parse(e.completed_at) : (st ? now : null);
    const tip = `${e.step_name} (attempt ${e.attempt}): ${pending ? 'pending, not reached' : e.status}`
      + (q && st ? `, waited ${dur((st - q) / 1000)}` : '')
      + (st && en ? `, ran ${dur((en - st) / 1000)}` : '')
      + (e.retry_count ? `, ${e.retry_count} retr${e.retry_count === 1 ? 'y' : 'ies'}` : '')
      + (e.error_message ? ` — ${e.error_message}` : '');
    if (q !== null) {
      const qEnd = st ?? (e.completed_at ? Date.parse(e.completed_at) : now);
      g.append(s('rect', { x: x(q), y: ry + 7, width: Math.max(1, x(qEnd) - x(q)), height: rowH - 14,
        class: 'gbar gq' }, s('title', {}, tip)));
    }
    if (st !== null) {
      g.append(s('rect', { x: x(st), y: ry + 4, width: Math.max(2, x(en) - x(st)), height: rowH - 8,
        class: `gbar st-${e.status}${e.retry_count ? ' retried' : ''}` }, s('title', {}, tip)));
    }
    if (st === null && e.completed_at) {
      // Ended without running (paused, cancelled, skipped): a marker in its status colour.
      const at = x(Date.parse(e.completed_at));
      g.append(s('rect', { x: at - 4, y: ry + 5, width: 8, height: rowH - 10, class: `gbar st-${e.status}` },
        s('title', {}, tip)));
    }
    const endX = pending ? m.l + 12 : x(en ?? q ?? t0) + (st === null && e.completed_at ? 4 : 0);
    if (pending) {
      g.append(s('rect', { x: m.l + 2, y: ry + 5, width: 10, height: rowH - 10, class: 'gbar st-pending' },
        s('title', {}, tip)));
    }
    const note = (st && en ? dur((en - st) / 1000) : shown)
      + (e.retry_count ? `  ↻ ${e.retry_count} ${e.retry_count === 1 ? 'retry' : 'retries'}` : '');
    g.append(s('text', { x: endX + 5, y: ry + rowH / 2 + 4, class: 'tick' }, note));
    svg.append(g);
  });
  svg.append(s('line', { x1: m.l, x2: m.l, y1: m.t - 4, y2: bottom, class: 'axis' }),
    s('line', { x1: m.l, x2: m.l + pw, y1: bottom, y2: bottom, class: 'axis' }));
  return svg;
}

function utcDay(iso) {
  return new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** A bucket start as its UTC day ("Mar 2") or hour ("14:00", or "Mar 2 14:00" with the day). */
function bucketLabel(iso, bucket, withDay) {
  if (bucket === 'day') return utcDay(iso);
  const hour = `${String(new Date(iso).getUTCHours()).padStart(2, '0')}:00`;
  return withDay ? `${utcDay(iso)} ${hour}` : hour;
}

/**
 * A duration trend: per bucket, the runs that ended as bars (left axis, count) and the median and
 * p95 execution times as lines (right axis, ms; an empty bucket leaves a gap). points:
 * [{start, count, failed, median, p95}] as GET /api/v1/statistics/execution-times/trend gives
 * them; bucket: 'hour' or 'day' (UTC).
 */
export function trendChart({ points, bucket, title, width = 960, height = 300 }) {
  const m = { l: 58, r: 70, t: 34, b: 46 };
  const svg = frame(width, height, title);
  svg.classList.add('trend');
  svg.setAttribute('data-bucket', bucket);
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const slot = pw / Math.max(points.length, 1);
  const has = (v) => v !== null && v !== undefined;
  const ct = ticks(0, Math.max(...points.map((p) => p.count), 0) || 1, 4);
  const c1 = ct[ct.length - 1];
  const durations = points.flatMap((p) => [p.median, p.p95]).filter(has);
  const dt = ticks(0, Math.max(...durations, 0) || 1, 4);
  const d1 = dt[dt.length - 1];
  const yc = (v) => m.t + ph - (v / c1) * ph;
  const yd = (v) => m.t + ph - (v / d1) * ph;
  const cx = (i) => m.l + (i + 0.5) * slot;
  ct.forEach((v) => svg.append(s('line', { x1: m.l, x2: m.l + pw, y1: yc(v), y2: yc(v), class: 'grid' }),
    s('text', { x: m.l - 6, y: yc(v) + 4, class: 'tick', 'text-anchor': 'end' }, shortNum(v))));
  dt.forEach((v) => svg.append(s('text', { x: m.l + pw + 6, y: yd(v) + 4, class: 'tick trend-dur-tick' },
    shortNum(v))));
  const every = Math.max(1, Math.ceil(points.length / (bucket === 'hour' ? 8 : 12)));
  let labelledDay = null;
  points.forEach((p, i) => {
    const tip = `${bucketLabel(p.start, bucket, true)} UTC: ${p.count} run${p.count === 1 ? '' : 's'} ended`
      + (p.failed ? ` (${p.failed} failed)` : '')
      + (has(p.median) ? `, median ${shortNum(p.median)} ms, p95 ${shortNum(p.p95)} ms` : '');
    svg.append(s('rect', { x: m.l + i * slot + slot * 0.12, y: yc(p.count), width: Math.max(1, slot * 0.76),
      height: Math.max(0, m.t + ph - yc(p.count)), class: 'bar trend-count', 'data-start': p.start,
      'data-count': p.count }, s('title', {}, tip)));
    if (p.failed) {
      svg.append(s('rect', { x: m.l + i * slot + slot * 0.12, y: yc(p.failed), width: Math.max(1, slot * 0.76),
        height: Math.max(0, m.t + ph - yc(p.failed)), class: 'trend-failed' }, s('title', {}, tip)));
    }
    if (i % every === 0) {
      // An hour label names its day when the day changed since the last label.
      const day = utcDay(p.start);
      svg.append(s('line', { x1: cx(i), x2: cx(i), y1: m.t + ph, y2: m.t + ph + 4, class: 'axis' }),
        s('text', { x: cx(i), y: m.t + ph + 16, class: 'tick', 'text-anchor': 'middle' },
          bucketLabel(p.start, bucket, day !== labelledDay)));
      labelledDay = day;
    }
  });
  [['median', 'trend-median'], ['p95', 'trend-p95']].forEach(([key, cls]) => {
    let d = '';
    points.forEach((p, i) => {
      if (!has(p[key])) return;
      const joined = i > 0 && has(points[i - 1][key]);
      d += `${joined ? 'L' : 'M'}${cx(i).toFixed(1)},${yd(p[key]).toFixed(1)}`;
    });
    svg.append(s('path', { d, class: `line ${cls}` }));
    points.forEach((p, i) => {
      if (has(p[key])) {
        svg.append(s('circle', { cx: cx(i), cy: yd(p[key]), r: 2.5, class: `dot ${cls}`, [`data-${key}`]: p[key] },
          s('title', {}, `${bucketLabel(p.start, bucket, true)} UTC: ${key} ${shortNum(p[key])} ms`)));
      }
    });
  });
  if (points.every((p) => p.count === 0)) {
    svg.append(s('text', { x: m.l + pw / 2, y: m.t + ph / 2, class: 'empty', 'text-anchor': 'middle' },
      'no run ended in this range'));
  }
  const legend = [['runs ended', 'bar', 'rect'], ['of them failed', 'trend-failed', 'rect'],
    ['median (ms)', 'line trend-median', 'line'], ['p95 (ms)', 'line trend-p95', 'line']];
  let lx = m.l;
  legend.forEach(([label, cls, shape]) => {
    svg.append(shape === 'rect' ? s('rect', { x: lx, y: 8, width: 14, height: 10, class: cls })
      : s('line', { x1: lx, x2: lx + 16, y1: 13, y2: 13, class: cls }),
    s('text', { x: lx + 20, y: 17, class: 'tick' }, label));
    lx += 34 + label.length * 6.5;
  });
  svg.append(s('line', { x1: m.l, x2: m.l, y1: m.t, y2: m.t + ph, class: 'axis' }),
    s('line', { x1: m.l + pw, x2: m.l + pw, y1: m.t, y2: m.t + ph, class: 'axis' }),
    s('line', { x1: m.l, x2: m.l + pw, y1: m.t + ph, y2: m.t + ph, class: 'axis' }),
    s('text', { x: 14, y: m.t + ph / 2, class: 'label', 'text-anchor': 'middle',
      transform: `rotate(-90 14 ${m.t + ph / 2})` }, 'runs ended'),
    s('text', { x: width - 10, y: m.t + ph / 2, class: 'label', 'text-anchor': 'middle',
      transform: `rotate(90 ${width - 10} ${m.t + ph / 2})` }, 'execution time (ms)'),
    s('text', { x: m.l + pw / 2, y: height - 4, class: 'label', 'text-anchor': 'middle' },
      bucket === 'day' ? 'UTC day' : 'UTC hour'));
  return svg;
}
