// Log in: paste a bearer token, then pick one of its workspaces (GET /api/v1/me tells which).

import { request, session, ApiError } from '../api.js';
import { h, clear } from '../ui.js';

export async function render(view) {
  const notice = sessionStorage.getItem('runmetrics.loginMessage');
  sessionStorage.removeItem('runmetrics.loginMessage');
  const message = h('p', { class: notice ? 'form-error' : 'muted', id: 'login-message', role: 'status' },
    notice || 'Paste a bearer token issued by the server\'s operator. It is kept in this tab only.');
  const token = h('input', { id: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'bearer token', required: true, minlength: 16 });
  const workspaceStep = h('div', { id: 'workspace-step' });
  const form = h('form', { class: 'login', id: 'login-form' },
    h('label', { for: 'token' }, 'Token'), token,
    h('button', { type: 'submit', id: 'login-submit' }, 'Continue'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = token.value.trim();
    if (value.length < 16) {
      setMessage('A token has at least 16 characters.', true);
      return;
    }
    setMessage('Checking the token…', false);
    let me;
    try {
      me = await request('api/v1/me', { token: value, workspace: null });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setMessage('This token is not valid (unknown or expired).', true);
      else setMessage(err instanceof ApiError ? err.explanation : err.message, true);
      return;
    }
    setMessage(`Token of ${me.subject} (${me.role}).`, false);
    chooseWorkspace(value, me);
  });

  function setMessage(text, error) {
    message.textContent = text;
    message.className = error ? 'form-error' : 'muted';
  }

  function chooseWorkspace(value, me) {
    const select = h('select', { id: 'workspace' }, me.workspaces.map((w) => h('option', { value: w }, w)));
    const go = () => {
      session.save(value, select.value, me);
      location.hash = '#/overview';
    };
    if (me.workspaces.length === 1) {
      go();
      return;
    }
    clear(workspaceStep, h('label', { for: 'workspace' }, 'Workspace'), select,
      h('button', { type: 'button', id: 'workspace-open', onclick: go }, 'Open'));
  }

  clear(view, h('section', { class: 'panel login-panel' }, h('h1', {}, 'Log in to the runmetrics dashboard'),
    message, form, workspaceStep));
  token.focus();
}
