// The caller's session: logging in with the admin passphrase, the token (kept in localStorage,
// so that a closed tab or a restarted browser keeps the login until it expires or the caller logs
// out), every API call the Console makes (errors shown in the page's error box; 401 logs out; a
// 409 from another console offers "Take over control"), and logging out (which releases the
// games this console controls).

import { api } from '/shared/api.js';
import { $ } from '/shared/dom.js';
import { t } from './t.js';
import { go, show } from './nav.js';

const KEY = 'bingo.console.token';
let token = localStorage.getItem(KEY);
const logoutHooks = [];

export function loggedIn() {
  return !!token;
}

/** The token, for the socket's hello. */
export function adminToken() {
  return token;
}

/** Runs `fn` when the caller logs out (or the session ends), before the login view shows. */
export function onLogout(fn) {
  logoutHooks.push(fn);
}

export function showError(e) {
  const box = $('#error');
  if (!e) {
    box.hidden = true;
    return;
  }
  box.textContent = t('error', { message: e.message || String(e) });
  box.hidden = false;
}

/** An API call with the caller's token; a failure is shown and thrown. */
export async function call(method, path, body) {
  try {
    showError(null);
    return await api(method, path, { body, token });
  } catch (e) {
    if (e.status === 401) {
      logout();
      throw e;
    }
    if (e.status === 409 && /another console/.test(e.message)) {
      $('#takeover-text').textContent = e.message;
      $('#takeover').hidden = false;
      $('#takeover-button').focus();
      throw e;
    }
    showError(e);
    throw e;
  }
}

export function showLogin() {
  show('login-view');
  $('#passphrase').focus();
}

export function logout() {
  if (token) api('POST', '/api/v1/admin/logout', { token }).catch(() => {});
  token = null;
  localStorage.removeItem(KEY);
  for (const fn of logoutHooks) fn();
  showLogin();
}

$('#logout').addEventListener('click', logout);

$('#login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    showError(null);
    const res = await api('POST', '/api/v1/admin/login', { body: { passphrase: $('#passphrase').value } });
    token = res.token;
    localStorage.setItem(KEY, token);
    $('#passphrase').value = '';
    go('start');
  } catch (e) {
    showError(e);
  }
});
