// The sessions list (an evening's ordered games, newest first): each with its name, when it was
// made and how far it has got, opening its page; "New session"; and the hall's snowball pot (GET
// and PUT /api/v1/snowball), carried from session to session until a full house wins it.

import { h, $, fill } from '/shared/dom.js';
import { t } from './t.js';
import { call } from './session.js';
import { go, show } from './nav.js';
import { amountOf, amountProblem, amountText } from './amounts.js';

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

// The hall's pot has no currency of its own: it is one count of minor units carried from session
// to session (GET/PUT /api/v1/snowball), and each session, with its own currency or none, offers
// it to its games, whose screens show it in that game's currency. Which session's currency to
// type it in is not known here (there may be none yet, or several), so the pot is typed and shown
// as an amount without a currency, with two decimals, as it always has been: `null` below is "no
// currency", which the amount functions take as two decimals. So "150" typed here is 15000 minor
// units whatever the sessions' currency: £150.00 in a GBP session, but ¥15,000 in a JPY one and
// 15.000 KWD in a KWD one (there the pot, as shown on the game's screen, is what to go by).
const POT_CURRENCY = null;

/** The pot as an amount with two decimals (see POT_CURRENCY). */
function potText(minor) {
  return new Intl.NumberFormat(t.lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(minor / 100);
}

async function loadPot() {
  try {
    const res = await call('GET', '/api/v1/snowball');
    $('#hall-pot').textContent = t('hall_pot', { amount: potText(res.pot) });
    $('#hall-pot-input').value = amountText(res.pot, POT_CURRENCY);
  } catch {
    $('#hall-pot').textContent = '';
  }
}

$('#new-session').addEventListener('click', () => go('session-form'));

$('#hall-pot-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('#hall-pot-input');
  const wrong = amountProblem(input.value, POT_CURRENCY);
  input.removeAttribute('aria-invalid');
  if (wrong) {
    $('#hall-pot-error').textContent = t('bad_amount' + (wrong.key === 'bad' ? '' : '_' + wrong.key), { what: t('hall_pot_heading'), typed: wrong.typed });
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  $('#hall-pot-error').textContent = '';
  try {
    await call('PUT', '/api/v1/snowball', { pot: amountOf(input.value, POT_CURRENCY) });
    await loadPot();
  } catch {
    /* shown */
  }
});
