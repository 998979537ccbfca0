// The games list, newest first: every game with its name (as text: it is untrusted), its kind, code, state and when it was created,
// a button to run it (to view it once finished, with a link to its report), and "New game".

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
  const when = new Intl.DateTimeFormat(t.lang, { dateStyle: 'medium', timeStyle: 'short' });
  fill(
    list,
    res.games.map((g) =>
      h(
        'li',
        { class: 'game-row' },
        h(
          'span',
          {},
          g.name ? h('strong', { class: 'game-name' }, g.name) : '',
          t('game_row', { kind: g.kind, code: g.join_code, state: t('state_' + g.state) }),
          h('span', { class: 'hint game-date' }, t('game_created', { when: when.format(new Date(g.created_at_ms)) })),
        ),
        // A finished game is only looked at: its results and revealed seed, and its report.
        h(
          'span',
          { class: 'inline' },
          g.state === 'finished'
            ? h('a', { class: 'btn secondary report-link', href: '/console/report.html?game=' + encodeURIComponent(g.id) }, t('report'))
            : '',
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => go('run', g.id) },
            g.state === 'finished' ? t('view_game') : t('open_game'),
          ),
        ),
      ),
    ),
  );
}

$('#new-game').addEventListener('click', () => go('wizard'));
