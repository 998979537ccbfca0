// The games list: every game with its kind, code and state, a button to run it, and "New game".

import { h, $, fill } from '/shared/dom.js';
import { t } from './t.js';
import { call } from './session.js';
import { go, show } from './nav.js';

export async function showGames() {
  show('games-view');
  history.replaceState(null, '', '/console');
  const res = await call('GET', '/api/v1/games');
  const list = $('#games');
  if (!res.games.length) {
    fill(list, h('li', { class: 'hint' }, t('no_games')));
    return;
  }
  fill(
    list,
    res.games.map((g) =>
      h(
        'li',
        { class: 'game-row' },
        h('span', {}, t('game_row', { kind: g.kind, code: g.join_code, state: t('state_' + g.state) })),
        h('button', { type: 'button', class: 'secondary', onclick: () => go('run', g.id) }, t('open_game')),
      ),
    ),
  );
}

$('#new-game').addEventListener('click', () => go('wizard'));
