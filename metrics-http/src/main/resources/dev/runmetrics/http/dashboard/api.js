// The HTTP and WebSocket client: the token and workspace live in sessionStorage (gone when the tab
// closes); every call sends them as headers, every failure becomes an ApiError with a message a
// person can act on.

const KEY = { token: 'runmetrics.token', workspace: 'runmetrics.workspace', me: 'runmetrics.me' };

export const session = {
  get token() { return sessionStorage.getItem(KEY.token); },
  get workspace() { return sessionStorage.getItem(KEY.workspace); },
  get me() {
    try { return JSON.parse(sessionStorage.getItem(KEY.me) || 'null'); } catch { return null; }
  },
  get isOperator() { return this.me?.role === 'operator'; },
  save(token, workspace, me) {
    sessionStorage.setItem(KEY.token, token);
    sessionStorage.setItem(KEY.workspace, workspace);
    sessionStorage.setItem(KEY.me, JSON.stringify(me));
  },
  clear() {
    Object.values(KEY).forEach((k) => sessionStorage.removeItem(k));
  },
};

/** A failed call: HTTP status (0 when the server could not be reached), error code and message. */
export class ApiError extends Error {
  constructor(status, code, message, parameter, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.parameter = parameter;
    this.retryAfter = retryAfter;
  }

  /** What to tell a person. */
  get explanation() {
    switch (this.status) {
      case 0: return 'The server cannot be reached: it is stopped, restarting, or you are offline.';
      case 401: return 'Your token was refused (expired or invalid). Log in again.';
      case 403: return `Not allowed: ${this.message}`;
      case 404: return `Not found: ${this.message}`;
      case 429: return `Too many requests: try again in ${this.retryAfter || 'a few'} s.`;
      default:
        return this.status >= 500 ? `The server failed (${this.status}): ${this.message}` : this.message;
    }
  }
}

/** Calls the API; returns the parsed JSON. `options.token`/`workspace` override the session's. */
export async function request(path, options = {}) {
  const token = options.token ?? session.token;
  const workspace = options.workspace === undefined ? session.workspace : options.workspace;
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (workspace) headers['X-Workspace-Id'] = workspace;
  let body;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response;
  try {
    response = await fetch(path, { method: options.method || 'GET', headers, body, cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'unreachable', 'the server cannot be reached');
  }
  let json = null;
  const text = await response.text();
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!response.ok) {
    const err = json?.error || {};
    throw new ApiError(response.status, err.code || 'http_' + response.status,
      err.message || `HTTP ${response.status}`, err.parameter, response.headers.get('Retry-After'));
  }
  return json;
}

/** Builds a query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => { if (v !== undefined && v !== null && v !== '') q.set(k, v); });
  const s = q.toString();
  return s ? '?' + s : '';
}

/**
 * A WebSocket that reconnects with exponential backoff (1 s doubling to 30 s) until closed.
 * onState(state, detail) reports 'connecting', 'live', 'retrying' (detail: seconds until the next
 * try) and 'closed'; onMessage gets each parsed message; onOpen runs after every (re)connect, so a
 * page can reload what it may have missed.
 */
export function liveSocket(path, { onMessage, onState, onOpen }) {
  let socket = null;
  let timer = null;
  let closed = false;
  let delay = 1000;
  const url = new URL(path, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = query({ token: session.token, workspace_id: session.workspace });

  function connect() {
    if (closed) return;
    onState?.('connecting');
    socket = new WebSocket(url);
    socket.onopen = () => {
      delay = 1000;
      onState?.('live');
      onOpen?.();
    };
    socket.onmessage = (e) => {
      try { onMessage?.(JSON.parse(e.data)); } catch (err) { console.warn('bad message', err); }
    };
    socket.onclose = () => {
      if (closed) return;
      const wait = delay;
      delay = Math.min(delay * 2, 30000);
      onState?.('retrying', Math.round(wait / 1000));
      timer = setTimeout(connect, wait);
    };
  }
  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      if (socket) socket.close();
      onState?.('closed');
    },
  };
}
