// Small DOM helpers and formatters. Elements are built with h() (text is always set as text, never
// parsed as HTML), so data from the API cannot inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A number with a fixed count of decimals, or an em dash for null. */
export function num(v, digits = 1) {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : Number(v).toFixed(digits);
}

/** Milliseconds as "850.3 ms". */
export function ms(v) {
  return v === null || v === undefined ? '—' : `${num(v, 1)} ms`;
}

/** Seconds as a duration a person reads at once: 850 ms, 4.20 s, 3 min 12 s. */
export function dur(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function pct(v) {
  return v === null || v === undefined ? '—' : `${num(v, 1)} %`;
}

/**
 * The viewer's time zone as the page names it next to every time: "UTC", "GMT+1", "CET", ... Every
 * time on a page is local time in this zone (the API's instants are UTC; the page converts them).
 */
export function zoneName(at = new Date()) {
  const part = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(at)
    .find((p) => p.type === 'timeZoneName');
  return part ? part.value : Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** A timestamp in the viewer's time zone, the zone shown: "Mar 2, 2026, 10:30:00 GMT+1". */
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit',
    minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
}

/** A count: a whole number, never decimals ("182"), or an em dash for null. */
export function count(v) {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : String(Math.round(v));
}

/**
 * A rate (per minute): whole when it is whole or at least 10 ("182", "12"), else with as many
 * decimals as it needs to read as more than nothing ("7.2", "0.03").
 */
export function rate(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (Number.isInteger(v) || Math.abs(v) >= 10) return String(Math.round(v));
  return Number(v).toFixed(Math.abs(v) >= 1 ? 1 : 2);
}

export function statusBadge(status) {
  return h('span', { class: `badge st-${status}`, 'data-status': status }, status);
}

export function shortId(id) {
  return id ? id.slice(0, 8) + '…' + id.slice(-4) : '';
}

/** Shows a message in the banner under the header; kind is 'error', 'warn' or 'ok'. */
export function banner(message, kind = 'error') {
  const b = document.getElementById('banner');
  if (!message) {
    b.hidden = true;
    b.textContent = '';
    return;
  }
  b.className = `banner ${kind}`;
  b.textContent = message;
  b.hidden = false;
}

/** Sets the live-updates indicator in the header. */
export function connection(state, detail) {
  const el = document.getElementById('conn');
  el.dataset.state = state;
  el.textContent = {
    idle: 'live updates: idle',
    connecting: 'live updates: connecting…',
    live: 'live updates: connected',
    retrying: `live updates: offline, retrying in ${detail} s`,
    closed: 'live updates: idle',
  }[state] || state;
}

/** A panel: a titled section. */
export function panel(title, ...children) {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...children);
}

export function tile(label, value, key, hint) {
  return h('div', { class: 'tile', 'data-tile': key },
    h('div', { class: 'tile-value', 'data-value': key }, value),
    h('div', { class: 'tile-label' }, label),
    hint ? h('div', { class: 'tile-hint' }, hint) : null);
}

/** A table from column definitions [{label, value(row) -> node|string, cls}]. */
export function table(columns, rows, { empty, rowAttrs, ...attrs } = {}) {
  return h('table', attrs,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.cls }, c.label)))),
    h('tbody', {}, rows.length === 0
      ? h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, empty || 'Nothing to show.'))
      : rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : {},
        columns.map((c) => h('td', { class: c.cls }, c.value(r)))))));
}
