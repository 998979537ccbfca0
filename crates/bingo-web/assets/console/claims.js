// The claims queue of the game being run: players' claims as the engine decided them (with the
// card and its completing numbers), and paper cards checked by serial, which the caller accepts
// (the engine still decides) or rejects.

import { h, $, fill, announce } from '/shared/dom.js';
import { renderCard } from '/shared/card.js';
import { currentStage, who } from '/shared/game.js';
import { t } from './t.js';
import { call, adminToken } from './session.js';
import { api } from '/shared/api.js';

/** The game whose claims these are, and how to read its snapshot now. */
let gameId = null;
let snapshot = () => null;
/** Newest first: { key, event?, check?, card, serial?, decided?, name? }. */
const claims = [];
/** The paper card the hall has been told is being checked, or null. */
let told = null;

/** Tells the hall (the Screen) which card is being checked, or none. Quietly: the notice is a
 *  courtesy, and the check itself has said anything that went wrong. */
function tellChecking(serial) {
  if (serial === told) return;
  told = serial;
  api('PUT', `/api/v1/games/${gameId}/checking`, { body: { serial }, token: adminToken() }).catch(() => {});
}

/** Starts an empty queue for game `id`; `getSnap()` gives its snapshot when drawing. */
export function resetClaims(id, getSnap) {
  gameId = id;
  snapshot = getSnap;
  claims.length = 0;
  told = null;
}

/** Adds the game's claims so far (GET .../claims). */
export async function loadPastClaims() {
  try {
    const past = await call('GET', `/api/v1/games/${gameId}/claims`);
    for (const ev of past.claims) addClaim(ev, false);
  } catch {
    /* shown */
  }
}

function cardCheck(serial) {
  return call('GET', `/api/v1/games/${gameId}/cards/${serial}`);
}

/** The head line of a decided claim: "Accepted: Ann · card 14, row 2". */
function claimText(ev) {
  const claimant = who(t, ev.serial, ev.name);
  return ev.type === 'claim_accepted' ? t('claim_accepted', { who: claimant, label: ev.label }) : t('claim_rejected', { who: claimant, message: ev.message });
}

/** A claim_accepted or claim_rejected event; `fresh` ones are announced. */
export function addClaim(ev, fresh) {
  const key = ev.seq ? 'e' + ev.seq : `e${ev.type}-${ev.serial}-${ev.call}`;
  if (claims.some((c) => c.key === key)) return;
  const item = { key, event: ev, card: null };
  claims.unshift(item);
  // The card, to show the completing numbers in place.
  cardCheck(ev.serial)
    .then((res) => {
      item.card = res.card;
      renderClaims();
    })
    .catch(() => {});
  renderClaims();
  if (fresh) announce(claimText(ev), true);
}

/** Checks a paper card by its serial and puts the verdict at the top of the queue. */
export async function checkSerial(serial) {
  if (!serial) return;
  try {
    const res = await cardCheck(serial);
    claims.unshift({ key: 'c' + Date.now(), check: res, card: res.card, serial, decided: null });
    renderClaims();
    tellChecking(serial);
    const accept = $('#claims .claim-item button.success');
    if (accept) accept.focus();
  } catch {
    /* shown */
  }
}

$('#check-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const serial = Number($('#check-serial').value);
  $('#check-serial').value = '';
  checkSerial(serial);
});

function dismiss(item) {
  claims.splice(claims.indexOf(item), 1);
  renderClaims();
  if (item.check && item.serial === told) tellChecking(null);
}

export function renderClaims() {
  const list = $('#claims');
  // A ball redraws the queue: the caller typing a winner's name keeps the field.
  const typing = document.activeElement?.classList.contains('winner-name') ? document.activeElement.id : null;
  if (!claims.length) {
    fill(list, h('li', { class: 'hint' }, t('no_claims')));
    return;
  }
  const snap = snapshot();
  const called = new Set(snap.game.calls);
  fill(
    list,
    claims.slice(0, 30).map((c) => {
      if (c.event) {
        const ev = c.event;
        const ok = ev.type === 'claim_accepted';
        return h(
          'li',
          { class: 'claim-item ' + (ok ? 'ok' : 'no') },
          h('p', { class: 'claim-head' }, claimText(ev)),
          c.card ? renderCard(c.card, { t, called, highlight: new Set(ok ? ev.numbers : []) }) : '',
          h('button', { type: 'button', class: 'ghost', onclick: () => dismiss(c) }, t('dismiss')),
        );
      }
      // A paper card checked by serial: a winning card is accepted (the engine still decides) or
      // rejected by the caller; one that does not win is only dismissed.
      const won = c.check.verdict.verdict === 'won';
      // The engine's verdict for a win already names the card ("card 7 wins One line: ..."); say it once.
      const sentence = c.check.message.charAt(0).toUpperCase() + c.check.message.slice(1);
      const text = won ? t('verdict_won', { serial: c.serial, message: sentence }) : t('verdict_not', { serial: c.serial, message: c.check.message });
      const stage = currentStage(snap);
      const hl = won && stage ? new Set(c.card.grid.flat().filter((n, i) => n && stage.pictures[c.check.verdict.alternative].join('')[i] === 'X')) : new Set();
      return h(
        'li',
        { class: 'claim-item paper ' + (won ? 'ok' : 'no') },
        h('p', { class: 'claim-head' }, text),
        renderCard(c.card, { t, called, highlight: hl }),
        paperActions(c, won),
      );
    }),
  );
  const field = typing && document.getElementById(typing);
  if (field) {
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
  }
}

/** What the caller can do with a checked paper card: accept a winning one under the name of
 *  whoever holds it (optional; what the Screen and Results show) or reject it, dismiss one that
 *  does not win; once rejected, only the note. */
function paperActions(c, won) {
  if (c.decided) return h('p', { class: 'hint' }, c.decided);
  if (!won) return h('button', { type: 'button', class: 'ghost', onclick: () => dismiss(c) }, t('dismiss'));
  const nameId = 'winner-name-' + c.key;
  const name = h('input', { id: nameId, class: 'winner-name', type: 'text', maxlength: 24, autocomplete: 'off', value: c.name || '' });
  // Kept on the item, so a redraw (a ball, another claim) does not lose what was typed.
  name.addEventListener('input', () => {
    c.name = name.value;
  });
  const accept = async (submit) => {
    submit.preventDefault();
    const body = { serial: c.serial };
    if (name.value.trim()) body.name = name.value.trim();
    try {
      const ev = await call('POST', `/api/v1/games/${gameId}/claims`, body);
      // The claim's event ends the check on the Screen.
      if (c.serial === told) told = null;
      claims.splice(claims.indexOf(c), 1);
      addClaim(ev, true);
    } catch {
      /* shown */
    }
  };
  const reject = () => {
    c.decided = t('rejected_by_caller');
    renderClaims();
    if (c.serial === told) tellChecking(null);
  };
  return h(
    'form',
    { class: 'inline paper-accept', onsubmit: accept },
    h('label', { for: nameId }, t('winner_name')),
    name,
    h('button', { type: 'submit', class: 'success' }, t('accept')),
    h('button', { type: 'button', class: 'danger', onclick: reject }, t('reject')),
  );
}
