// The interval between two games of a session (GET /api/v1/screen/{code}/session): when the
// Screen's game is over and another follows, the hall sees "Next: <name>", a countdown to the
// next game, its stages with their prizes (fixed, "30% of sales, at least £10.00" with the pool
// so far), the snowball when offered, the caller's announcement, the last game's winners and how
// to join the next game (its code, address and QR code). When the next game starts, or it is open
// and the countdown is over, the Screen moves to it by itself.

import { api, qrUrl } from '/shared/api.js';
import { h, $, fill, announce } from '/shared/dom.js';
import { money } from '/shared/game.js';
import { clock, nextGame, intervalOver, stagePrizeText } from '/shared/session.js';
import { showAnnouncement } from '/shared/announcement.js';

const POLL_MS = 3000;

/** What the interval shows: { gameId (the finished game), session, next, nextSnap } or null. */
let state = null;
let poll = null;
let tick = null;
/** Game ids known to have no session (asked once). */
const alone = new Set();
let opts = null;

/**
 * The Screen's game `snap` is over: shows the interval if a game of its session follows.
 * `o` = { t, webConfig, winners: () => [li], onMove: (code) => void }.
 */
export async function intervalFor(snap, gameId, o) {
  opts = o;
  if (alone.has(gameId)) return;
  if (state && state.gameId === gameId) {
    render(snap);
    return;
  }
  state = { gameId, session: null, next: null, nextSnap: null, finishedSnap: snap };
  await refresh();
}

/** Leaves the interval (the Screen shows another game). */
export function stopInterval() {
  clearTimeout(poll);
  clearInterval(tick);
  state = null;
  $('#interval-view').hidden = true;
}

export function intervalShown() {
  return !!state && !!state.next;
}

async function refresh() {
  clearTimeout(poll);
  if (!state) return;
  const s = state;
  const code = s.finishedSnap.join_code;
  let session;
  try {
    session = await api('GET', `/api/v1/screen/${encodeURIComponent(code)}/session`);
  } catch (e) {
    if (e.status === 404) {
      alone.add(s.gameId);
      state = null;
      return;
    }
    // The server could not be asked: try again.
    poll = setTimeout(refresh, POLL_MS);
    return;
  }
  if (state !== s) return;
  const found = nextGame(session, s.gameId);
  s.session = session;
  s.asked = (s.asked || 0) + 1;
  if (!found) {
    // The last game of the session: the Screen stays on its results.
    state = null;
    alone.add(s.gameId);
    return;
  }
  s.next = found;
  try {
    s.nextSnap = await api('GET', '/api/v1/screen/' + encodeURIComponent(found.game.join_code));
  } catch {
    s.nextSnap = null;
  }
  if (found.game.snowball) {
    try {
      s.pot = (await api('GET', '/api/v1/snowball')).pot;
    } catch {
      s.pot = null;
    }
  }
  if (state !== s) return;
  const st = s.nextSnap ? s.nextSnap.game.state : found.game.state;
  const started = st === 'running' || st === 'paused' || st === 'finished';
  // The countdown is trusted from the second look (see intervalOver); a start at once.
  if (started || (st === 'open' && s.asked > 1 && intervalOver(session))) {
    const target = found.game.join_code;
    stopInterval();
    opts.onMove(target);
    return;
  }
  render(s.finishedSnap);
  poll = setTimeout(refresh, POLL_MS);
}

function render(finishedSnap) {
  const s = state;
  if (!s || !s.next) return;
  s.finishedSnap = finishedSnap;
  const { t, webConfig } = opts;
  const { game, index } = s.next;
  const session = s.session;
  const m = (v) => money(v, session.currency, t.lang);
  $('#show-view').hidden = true;
  const view = $('#interval-view');
  const first = view.hidden;
  view.hidden = false;
  // Names are untrusted text: textContent only.
  $('#iv-session').textContent = t('iv_session', { name: session.name || '', n: index + 1, total: session.games.length });
  $('#iv-title').textContent = t('iv_next', { name: game.name || t('show_title', { code: game.join_code }) });
  document.title = t('iv_next', { name: game.name || game.join_code });
  fill(
    $('#iv-stages'),
    game.stages.map((st, j) => {
      const pool = game.pool[j];
      return h(
        'li',
        { dataset: { stage: j } },
        h('span', { class: 'iv-stage-name' }, st.pattern),
        h('span', { class: 'iv-stage-prize' }, stagePrizeText(t, st, session.currency, t.lang)),
        st.share && typeof pool === 'number' ? h('span', { class: 'iv-stage-pool' }, t('iv_pool_now', { amount: m(pool) })) : '',
      );
    }),
  );
  const sb = game.snowball;
  const pot = typeof s.pot === 'number' ? s.pot : null;
  $('#iv-snowball').hidden = !sb;
  if (sb) $('#iv-snowball').textContent = pot !== null ? t('iv_snowball_pot', { amount: m(pot), n: sb.within }) : t('iv_snowball', { n: sb.within });
  const rows = opts.winners();
  $('#iv-last').hidden = !rows.length;
  $('#iv-last-h').textContent = t('iv_last_winners', { name: finishedSnap.game.name || finishedSnap.join_code });
  fill($('#iv-winners'), rows);
  // The next game's announcement once the caller sets one, else the one still shown.
  const text = (s.nextSnap && s.nextSnap.announcement) || finishedSnap.announcement;
  showAnnouncement($('#iv-announcement'), t, text);
  const url = `${webConfig.public_url}/player?code=${game.join_code}`;
  const shown = url.replace(/^https?:\/\//, '');
  fill($('#iv-url'), shown.split(/(?<=\/)|(?=\?)/).flatMap((part, i) => [i ? h('wbr', {}) : '', h('span', { class: 'url-part' }, part)]));
  if ($('#iv-qr').dataset.url !== url) {
    $('#iv-qr').src = qrUrl(url);
    $('#iv-qr').alt = url;
    $('#iv-qr').dataset.url = url;
  }
  $('#iv-code').textContent = game.join_code;
  clearInterval(tick);
  const update = () => {
    if (!session.interval_until_ms) {
      $('#iv-clock').textContent = t('iv_soon');
      return;
    }
    // Once over, the next look-up (every few seconds) moves the Screen on.
    $('#iv-clock').textContent = clock(session.interval_until_ms);
  };
  update();
  tick = setInterval(update, 1000);
  if (first) announce($('#iv-title').textContent);
}
