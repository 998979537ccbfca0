// The Players panel of the game being run: who has joined and how many cards each holds
// (GET .../players), loaded again whenever the number of players changes.

import { ApiError } from '/shared/api.js';
import { h, $, fill } from '/shared/dom.js';
import { t } from './t.js';
import { call } from './session.js';

let gameId = null;
/** The player count the list was last loaded for. */
let shownFor = -1;

export function resetPlayers(id) {
  gameId = id;
  shownFor = -1;
}

/** Loads the list if `count` (the snapshot's player count) differs from what it shows, or always with `force`. */
export function showPlayers(count, force = false) {
  if (!force && count === shownFor) return;
  shownFor = count;
  loadPlayers();
}

async function loadPlayers() {
  try {
    const res = await call('GET', `/api/v1/games/${gameId}/players`);
    fill(
      $('#players'),
      res.players.length
        ? res.players.map((p) => h('li', {}, t('player_row', { nick: p.nickname, n: p.cards })))
        : [h('li', { class: 'hint' }, t('no_players'))],
    );
  } catch (e) {
    // An API error is shown by call(); anything else is a fault here, not to be hidden.
    if (!(e instanceof ApiError)) throw e;
  }
}
