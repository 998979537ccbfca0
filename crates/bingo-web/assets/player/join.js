// Joining a game (its code, a name, how many cards) or continuing one on this phone with a
// recovery code. The code is looked up as it is typed, so the form says at once, in the player's
// words, whether the game can be joined (no game has that code, not open yet, over) and offers
// "Join the game" only when it can; a game not open yet is looked up again until it opens.

import { api } from '/shared/api.js';
import { h, $, fill } from '/shared/dom.js';
import { t } from './t.js';

const codeInput = $('#join-code');
const cardsSelect = $('#cards');
const button = $('#join-button');
const RECHECK_MS = 4000;

/** Called with (code, joined, recovered) once the server has given this phone its cards. */
let joinedHandler = () => {};
let typingTimer = null;
let recheckTimer = null;
/** What is known of the code last looked up: status 'short' (not a whole code yet), 'open'
 *  (open, running or paused: it can be joined), 'created', 'finished', 'not_found' or
 *  'unknown' (the server could not be asked), with the game when there is one. */
let known = { code: '', status: 'short', game: null };

export function onJoined(fn) {
  joinedHandler = fn;
}

export function show(view) {
  for (const id of ['join-view', 'recover-view', 'game-view']) $('#' + id).hidden = id !== view;
}

/** Why a request failed, in the player's words where the reason is known. */
export function errorText(e) {
  if (e.code === 'rate_limited') return t('rate_limited');
  if (e.status === 0) return t('offline');
  return e.message || String(e);
}

/** Why the game of `k` cannot be joined, or '' when it can (or nobody knows). */
function whyNot(k) {
  if (k.status === 'not_found') return t('game_not_found');
  if (k.status === 'created') return t('game_not_open');
  if (k.status === 'finished') return t('game_over_join');
  return '';
}

function fillCardsSelect(max) {
  const keep = Number(cardsSelect.value) || Math.min(3, max);
  fill(cardsSelect, ...Array.from({ length: max }, (_, i) => h('option', { value: i + 1 }, String(i + 1))));
  cardsSelect.value = String(Math.min(keep, max));
}

function setKnown(k) {
  known = k;
  clearTimeout(recheckTimer);
  const info = $('#game-info');
  if (k.status === 'open') {
    const g = k.game;
    fillCardsSelect(g.rules.max_cards_per_player);
    // The name is untrusted text: a text node, never HTML.
    fill(
      info,
      g.name ? h('strong', { class: 'join-game-name' }, g.name) : '',
      t('game_found', { kind: t('kind_' + g.kind), state: t('state_' + g.state) }) + ' · ' + t('up_to_cards', { n: g.rules.max_cards_per_player }),
    );
  } else {
    info.textContent = whyNot(k);
  }
  button.disabled = !!whyNot(k);
  if (k.status === 'created') {
    recheckTimer = setTimeout(() => {
      if (!$('#join-view').hidden && codeInput.value === k.code) lookUp(k.code, true);
    }, RECHECK_MS);
  }
}

/** Looks the code's game up (once per code unless `again`); resolves to what is known. */
async function lookUp(code, again = false) {
  if (code === known.code && !again) return known;
  if (code.length < 6) {
    setKnown({ code, status: 'short', game: null });
    return known;
  }
  let k;
  try {
    const snap = await api('GET', '/api/v1/screen/' + encodeURIComponent(code));
    const state = snap.game.state;
    k = { code, status: state === 'created' || state === 'finished' ? state : 'open', game: snap.game };
  } catch (e) {
    k = { code, status: e.status === 404 ? 'not_found' : 'unknown', game: null };
  }
  // A later code may have been typed meanwhile: only the one in the field is shown.
  if (codeInput.value === code) setKnown(k);
  return k;
}

codeInput.addEventListener('input', () => {
  codeInput.value = codeInput.value.toUpperCase().replace(/[^A-Z0-9]/g, '');
  $('#join-error').textContent = '';
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => lookUp(codeInput.value), 250);
});

$('#join-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const code = codeInput.value.trim().toUpperCase();
  const nickname = $('#nickname').value.trim();
  if (!code) return codeInput.focus();
  if (whyNot(await lookUp(code))) return codeInput.focus();
  if (!nickname) return $('#nickname').focus();
  button.disabled = true;
  button.textContent = t('joining');
  $('#join-error').textContent = '';
  try {
    const joined = await api('POST', '/api/v1/join', {
      body: { join_code: code, nickname, cards: Number(cardsSelect.value) || 1 },
    });
    joinedHandler(code, joined);
  } catch (e) {
    // The game may have gone or closed since it was looked up: say which.
    const k = e.status === 404 || e.status === 409 ? await lookUp(code, true) : known;
    $('#join-error').textContent = whyNot(k) || t('join_failed', { message: errorText(e) });
  } finally {
    button.textContent = t('join_button');
    button.disabled = !!whyNot(known);
  }
});

$('#recover-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const code = $('#recover-join-code').value.trim().toUpperCase();
  const recovery = $('#recovery-code').value.trim().toUpperCase();
  $('#recover-error').textContent = '';
  try {
    const joined = await api('POST', '/api/v1/recover', { body: { join_code: code, recovery_code: recovery } });
    joinedHandler(code, joined, true);
  } catch (e) {
    $('#recover-error').textContent =
      e.status === 404 ? t('game_not_found') : e.status === 401 ? t('recovery_unknown') : t('join_failed', { message: errorText(e) });
  }
});

$('#show-recover').addEventListener('click', () => {
  $('#recover-join-code').value = codeInput.value;
  show('recover-view');
  $('#recover-join-code').focus();
});
$('#show-join').addEventListener('click', () => {
  show('join-view');
  codeInput.focus();
});

/** The join form, with `code` filled in and looked up when there is one; `message` says why
 *  this phone is back here. */
export function showJoin(code, message = '') {
  show('join-view');
  fillCardsSelect(6);
  $('#join-error').textContent = message;
  if (code) {
    codeInput.value = code;
    lookUp(code, true);
    $('#nickname').focus();
  } else {
    codeInput.focus();
  }
}
