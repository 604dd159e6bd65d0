// The dashboard's shell: hash routing (#/overview, #/statistics, #/runs, #/run/<id>, #/login),
// the header, and one place where every page's failure becomes a message instead of a blank page.

import { session, ApiError } from './api.js';
import { h, clear, banner, connection } from './ui.js';
import * as login from './pages/login.js';
import * as overview from './pages/overview.js';
import * as statistics from './pages/statistics.js';
import * as runs from './pages/runs.js';
import * as run from './pages/run.js';

const PAGES = { login, overview, statistics, runs, run };
let cleanup = null;
let generation = 0;

/** Parses "#/run/abc?x=1" into { page: 'run', arg: 'abc', params: URLSearchParams }. */
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, q] = raw.split('?', 2);
  const [page, ...rest] = path.split('/');
  return { page: page || 'overview', arg: rest.map(decodeURIComponent).join('/'), params: new URLSearchParams(q || '') };
}

/** Shows an error in the page itself, with what to do next. 401 sends the person to log in. */
export function showError(view, error) {
  if (error instanceof ApiError && error.status === 401) {
    session.clear();
    sessionStorage.setItem('runmetrics.loginMessage', error.explanation);
    location.hash = '#/login';
    return;
  }
  const message = error instanceof ApiError ? error.explanation : `Unexpected error: ${error.message}`;
  clear(view, h('section', { class: 'panel error-panel', 'data-error': error.status ?? 'client' },
    h('h2', {}, error.status === 0 ? 'Server unreachable' : error.status ? `Error ${error.status}` : 'Error'),
    h('p', {}, message),
    h('p', {}, h('button', { type: 'button', onclick: () => route() }, 'Try again'), ' ',
      h('a', { href: '#/overview' }, 'Back to the overview'))));
  if (!(error instanceof ApiError)) console.error(error);
  if (error.status === 0) {
    // The server may come back (a restart): try again by itself.
    const my = generation;
    setTimeout(() => { if (my === generation) route(); }, 5000);
    view.querySelector('.error-panel').append(h('p', { class: 'muted' }, 'Trying again every 5 s…'));
  }
}

async function route() {
  const my = ++generation;
  if (cleanup) {
    try { cleanup(); } catch (e) { console.warn(e); }
    cleanup = null;
  }
  connection('idle');
  banner(null);
  const { page, arg, params } = parseHash();
  const view = document.getElementById('view');
  const loggedIn = Boolean(session.token && session.workspace);
  if (!loggedIn && page !== 'login') {
    location.hash = '#/login';
    return;
  }
  header(loggedIn, page);
  const module = PAGES[page];
  if (!module) {
    clear(view, h('section', { class: 'panel error-panel' }, h('h2', {}, 'Page not found'),
      h('p', {}, `There is no page “${page}”. `, h('a', { href: '#/overview' }, 'Go to the overview'))));
    return;
  }
  clear(view, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const result = await module.render(view, { arg, params, isCurrent: () => my === generation });
    if (my === generation) cleanup = result || null;
    else if (typeof result === 'function') result();
  } catch (e) {
    if (my === generation) showError(view, e);
  }
}

function header(loggedIn, page) {
  document.getElementById('nav').hidden = !loggedIn;
  document.getElementById('logout').hidden = !loggedIn;
  const me = session.me;
  document.getElementById('who').textContent = loggedIn && me
    ? `${me.subject} · ${me.role} · workspace ${session.workspace}` : '';
  document.querySelectorAll('[data-nav]').forEach((a) => {
    a.classList.toggle('active', a.dataset.nav === page || (page === 'run' && a.dataset.nav === 'runs'));
  });
}

document.getElementById('logout').addEventListener('click', () => {
  session.clear();
  location.hash = '#/login';
});
window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', (e) => banner(`Unexpected error: ${e.reason?.message || e.reason}`));
route();
