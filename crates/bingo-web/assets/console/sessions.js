// The sessions list (an evening's ordered games, newest first): each with its name, when it was
// made and how far it has got, opening its page; "New session"; and the hall's snowball pot (GET
// and PUT /api/v1/snowball), carried from session to session until a full house wins it.

import { h, $, fill } from '/shared/dom.js';
import { t } from './t.js';
import { call } from './session.js';
import { go, show } from './nav.js';
import { amountOf, amountProblem } from './amounts.js';

export async function showSessions() {
  show('sessions-view');
  history.replaceState(null, '', '/console?view=sessions');
  $('#hall-pot-error').textContent = '';
  const list = await call('GET', '/api/v1/sessions');
  const when = new Intl.DateTimeFormat(t.lang, { dateStyle: 'medium', timeStyle: 'short' });
  const sessions = [...list].sort((a, b) => b.created_at_ms - a.created_at_ms);
  fill(
    $('#sessions'),
    sessions.length
      ? sessions.map((s) =>
          h(
            'li',
            { class: 'game-row', dataset: { session: s.id } },
            h(
              'span',
              {},
              // The name is untrusted text.
              h('strong', { class: 'game-name' }, s.name || t('no_name')),
              t('session_row', { finished: s.finished, games: s.games }),
              h('span', { class: 'hint game-date' }, t('game_created', { when: when.format(new Date(s.created_at_ms)) })),
            ),
            h('button', { type: 'button', class: 'secondary', onclick: () => go('session', s.id) }, t('session_open')),
          ),
        )
      : [h('li', { class: 'hint' }, t('no_sessions'))],
  );
  loadPot();
}

/** The pot as an amount with two decimals (the hall's pot has no currency of its own). */
function potText(minor) {
  return new Intl.NumberFormat(t.lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(minor / 100);
}

async function loadPot() {
  try {
    const res = await call('GET', '/api/v1/snowball');
    $('#hall-pot').textContent = t('hall_pot', { amount: potText(res.pot) });
    $('#hall-pot-input').value = res.pot ? (res.pot / 100).toFixed(2) : '';
  } catch {
    $('#hall-pot').textContent = '';
  }
}

$('#new-session').addEventListener('click', () => go('session-form'));

$('#hall-pot-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('#hall-pot-input');
  const wrong = amountProblem(input.value);
  input.removeAttribute('aria-invalid');
  if (wrong) {
    $('#hall-pot-error').textContent = t('bad_amount' + (wrong.key === 'bad' ? '' : '_' + wrong.key), { what: t('hall_pot_heading'), typed: wrong.typed });
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  $('#hall-pot-error').textContent = '';
  try {
    await call('PUT', '/api/v1/snowball', { pot: amountOf(input.value) });
    await loadPot();
  } catch {
    /* shown */
  }
});
