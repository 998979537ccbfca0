// What the apps share about a session (an evening's ordered games, docs/WEB.md "Sessions"): a
// stage's prize in words (fixed, "30% of sales, at least £10.00", or the pool once known), the
// interval's clock, and finding the game after a given one. Pure functions, no DOM.

import { money } from './game.js';

/** "4:05": the minutes and seconds until `atMs` (0:00 once passed). */
export function clock(atMs, now = Date.now()) {
  const s = Math.max(0, Math.ceil((atMs - now) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A share's percentage as typed or shown: 3000 basis points → "30", 1250 → "12.5". */
export function percentText(bps) {
  return String(Math.round(bps) / 100);
}

/**
 * A stage's prize in words, with `t` holding `prize_share` ("{percent}% of sales, at least
 * {minimum}") and `prize_share_pool` ("{amount} ({percent}% of sales)"): a fixed prize as money,
 * a share as its rule, or as its pool when `pool` (minor units, the live or final prize) is given.
 * `stage` is { prize, share: { percent_bps, minimum } | null }.
 */
export function stagePrizeText(t, stage, currency, lang, pool) {
  const m = (v) => money(v, currency, lang);
  if (!stage.share) return stage.prize ? m(stage.prize) : t('prize_none');
  const percent = percentText(stage.share.percent_bps);
  if (typeof pool === 'number') return t('prize_share_pool', { amount: m(pool), percent, minimum: m(stage.share.minimum) });
  return t('prize_share', { percent, minimum: m(stage.share.minimum) });
}

/** The session's game after `gameId` ({ game, index }) or null (none follows, or not in it). */
export function nextGame(session, gameId) {
  const i = session.games.findIndex((g) => g.id === gameId);
  if (i < 0 || i + 1 >= session.games.length) return null;
  return { game: session.games[i + 1], index: i + 1 };
}

/** Whether the interval before the next game is over (none is set: only with an interval of 0).
 *  Right after a game ends the server stores the new interval first, then opens the next game
 *  (bingo-service sessions.rs, next_in_session), so a session read once the next game is open
 *  has the new interval. The apps still trust it only from their second look: a session read a
 *  moment earlier, while the game was ending, may hold the last interval (or none). */
export function intervalOver(session, now = Date.now()) {
  if (!session.interval_until_ms) return session.interval_s === 0;
  return now >= session.interval_until_ms;
}
