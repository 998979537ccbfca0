// A phone in a session (GET /api/v1/screen/{code}/session): when its game is over and another
// follows, the phone keeps the finished game's result in view (the banner, the "Won" badges) and
// says "Next game: <name> in m:ss". As soon as the next game is open it joins it by itself, with
// the same name and as many cards as before (up to the next game's limit), without the player
// typing anything; when the next game starts, or the interval is over, the phone moves to it.

import { api } from '/shared/api.js';
import { $ } from '/shared/dom.js';
import { clock, nextGame, intervalOver } from '/shared/session.js';
import { t } from './t.js';
import { errorText } from './join.js';

const POLL_MS = 4000;

/** { gameId (the finished game), session, next } while watching; null otherwise. */
let state = null;
let poll = null;
let tick = null;
let joining = false;
/** Game ids known to be alone or last in their session (asked once). */
const done = new Set();
let hooks = null;

/**
 * The phone's game `S` (the app's session object) is over: watches for the session's next game.
 * `h` = { save: () => void, onSwitch: (code, joined) => void }.
 */
export function nextFor(S, h) {
  hooks = h;
  if (done.has(S.game_id) || (state && state.gameId === S.game_id)) return;
  stopNext();
  state = { gameId: S.game_id, S, session: null, next: null };
  refresh();
}

export function stopNext() {
  clearTimeout(poll);
  clearInterval(tick);
  state = null;
  $('#next-game').hidden = true;
}

async function refresh() {
  clearTimeout(poll);
  const s = state;
  if (!s) return;
  let session;
  try {
    session = await api('GET', `/api/v1/screen/${encodeURIComponent(s.S.join_code)}/session`);
  } catch (e) {
    if (e.status === 404) {
      done.add(s.gameId);
      stopNext();
    } else if (state === s) poll = setTimeout(refresh, POLL_MS);
    return;
  }
  if (state !== s) return;
  s.session = session;
  s.asked = (s.asked || 0) + 1;
  let found = nextGame(session, s.gameId);
  // A next game that ended without this phone (it was closed meanwhile) is passed over, so the
  // phone waits for the one after it instead of asking about a finished game for ever.
  const joinedTo = (g) => s.S.next && s.S.next.game_id === g.id;
  while (found && found.game.state === 'finished' && !joinedTo(found.game)) found = nextGame(session, found.game.id);
  if (!found) {
    done.add(s.gameId);
    stopNext();
    return;
  }
  s.next = found.game;
  const st = s.next.state;
  const mine = s.S.next && s.S.next.game_id === s.next.id ? s.S.next : null;
  if (!mine && (st === 'open' || st === 'running' || st === 'paused')) await join(s);
  if (state !== s) return;
  const joined = s.S.next && s.S.next.game_id === s.next.id ? s.S.next : null;
  // The countdown is trusted from the second look (see intervalOver); a start at once.
  if (joined && (st === 'running' || st === 'paused' || st === 'finished' || (s.asked > 1 && intervalOver(session)))) {
    const { code, joined: answer } = joined;
    stopNext();
    hooks.onSwitch(code, answer);
    return;
  }
  render();
  poll = setTimeout(refresh, POLL_MS);
}

/** Joins the next game with this phone's name and as many cards as it holds now. */
async function join(s) {
  if (joining) return;
  joining = true;
  const code = s.next.join_code;
  status(t('next_joining'));
  try {
    const snap = await api('GET', '/api/v1/screen/' + encodeURIComponent(code));
    const cards = Math.max(1, Math.min(s.S.cards.length, snap.game.rules.max_cards_per_player));
    const answer = await api('POST', '/api/v1/join', { body: { join_code: code, nickname: s.S.nickname, cards } });
    s.S.next = { game_id: answer.game_id, code, joined: answer };
    hooks.save();
    s.error = '';
  } catch (e) {
    s.error = e.status === 409 ? t('next_join_closed') : t('next_join_failed', { message: errorText(e) });
  } finally {
    joining = false;
  }
}

function status(text) {
  $('#next-status').textContent = text;
}

function render() {
  const s = state;
  if (!s || !s.next) return;
  $('#next-game').hidden = false;
  // The name is untrusted text: textContent only.
  $('#next-game-name').textContent = t('next_game', { name: s.next.name || s.next.join_code });
  const joined = s.S.next && s.S.next.game_id === s.next.id;
  status(s.error || (joined ? t('next_joined', { n: s.S.next.joined.cards.length }) : t('next_waiting')));
  clearInterval(tick);
  const until = s.session.interval_until_ms;
  const update = () => {
    $('#next-clock').textContent = until ? t('next_in', { clock: clock(until) }) : t('next_soon');
  };
  update();
  tick = setInterval(update, 1000);
}
