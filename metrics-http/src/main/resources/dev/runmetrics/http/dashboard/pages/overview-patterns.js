// The overview's patterns panel: bursts, peak and quiet hours, daily averages and performance by
// hour of day, from the execution-metrics answer's `patterns` and `performance.byHour`. The
// server counts hours of day in its own pattern zone (UTC unless configured), not the viewer's.

import { h, dur, num, pct, when, count, panel, table } from '../ui.js';
import { barChart } from '../charts.js';

/** "09:00" for hour 9. */
function hourLabel(hour) {
  return `${String(hour).padStart(2, '0')}:00`;
}

function hours(list) {
  return list.length === 0 ? '—' : list.map(hourLabel).join(', ');
}

/** One figure of the summary: a label, its value and a hint of what it means. */
function figure(key, label, value, hint) {
  return h('div', { class: 'figure', 'data-figure': key, title: hint },
    h('div', { class: 'figure-label' }, label), h('div', { class: 'figure-value', 'data-value': key }, value));
}

/** Returns the patterns panel for one execution-metrics answer. */
export function patternsPanel(data) {
  const p = data.patterns;
  const summary = p.patterns;
  const byHour = data.performance.byHour;
  const peak = new Set(summary.peakHours);
  const quiet = new Set(summary.quietHours);
  // Hours with runs, and quiet hours even without: "none at 03:00" is what a quiet hour says.
  const hoursWithRuns = byHour.filter((r) => r.executions > 0 || quiet.has(r.hour));
  return h('section', { class: 'panel', id: 'patterns' },
    h('h2', {}, 'Patterns'),
    h('div', { class: 'figures' },
      figure('peak-hours', 'Peak hours', hours(summary.peakHours),
        'Up to three hours of day with the most runs ended in the period'),
      figure('quiet-hours', 'Quiet hours', hours(summary.quietHours),
        'Up to three hours of day the period covers with the fewest runs ended (never a peak hour)'),
      figure('average-daily', 'Runs per day', num(summary.averageDaily, 1),
        'Runs ended per day of the elapsed period'),
      figure('weekday-average', 'Per weekday', num(summary.weekdayAverage, 1),
        'Runs ended per covered Monday-Friday day'),
      figure('weekend-average', 'Per weekend day', num(summary.weekendAverage, 1),
        'Runs ended per covered Saturday or Sunday'),
      figure('bursts', 'Bursts', count(p.bursts.length),
        'Runs of consecutive timeline buckets well above the usual (the README defines the rule)')),
    h('p', { class: 'muted', id: 'pattern-zone' },
      'Hours of day are counted in the server\'s pattern zone (UTC unless it was configured otherwise).'),
    h('h3', {}, 'Bursts'),
    table([
      { label: 'From', value: (b) => when(b.startTime) },
      { label: 'To', value: (b) => when(b.endTime) },
      { label: 'Peak (runs per bucket)', value: (b) => count(b.peakExecutions), cls: 'num' },
      { label: 'Runs', value: (b) => count(b.totalExecutions), cls: 'num' },
      { label: 'Impact', value: (b) => h('span', { class: `sev sev-${b.impact}` }, b.impact) },
    ], p.bursts, { id: 'bursts', empty: 'No bursts in this period.',
      rowAttrs: (b) => ({ 'data-start': b.startTime, 'data-impact': b.impact }) }),
    h('div', { class: 'grid2' },
      h('div', {}, h('h3', {}, 'Runs by hour of day'), barChart({
        bars: byHour.map((r) => ({ label: r.hour % 3 === 0 ? String(r.hour) : '', value: r.executions })),
        xLabel: 'hour of day', yLabel: 'runs ended', title: 'Runs ended by hour of day' })),
      h('div', {}, h('h3', {}, 'Performance by hour'), table([
        { label: 'Hour', value: (r) => hourLabel(r.hour) },
        { label: 'Runs', value: (r) => count(r.executions), cls: 'num' },
        { label: 'Success', value: (r) => pct(r.successRate), cls: 'num' },
        { label: 'Avg latency', value: (r) => dur(r.avgLatency), cls: 'num' },
        { label: '', value: (r) => (peak.has(r.hour) ? 'peak' : quiet.has(r.hour) ? 'quiet' : '') },
      ], hoursWithRuns, { id: 'by-hour', empty: 'No run ended in this period.',
        rowAttrs: (r) => ({ 'data-hour': r.hour }) }))));
}
