// The Console app: the caller logs in, creates a game with a short wizard, and runs it: open,
// start, next ball (or a keypad for a ball machine), auto-draw with a countdown, pause, the
// claims queue with the cards, paper cards to print, players, and the end with the seed.
// Fully keyboard operable: native controls everywhere, plus N / A / P / "/" shortcuts.
//
// One module per view, each keeping its own state: session.js (login, token, API calls),
// games.js (the list), wizard.js (a new game), run.js (running one) with its panels claims.js,
// players.js, paper.js and sales.js; sessions (an evening's ordered games): sessions.js (the
// list and the hall's snowball), session-form.js (a new session, templates), session-page.js (one
// session: its games, the current game's sales, books). They move between views through nav.js;
// this file routes.

import { loggedIn, showLogin } from './session.js';
import { register, go } from './nav.js';
import { showGames } from './games.js';
import { startWizard } from './wizard.js';
import { runGame } from './run.js';
import { showSessions } from './sessions.js';
import { newSession } from './session-form.js';
import { showSession } from './session-page.js';
import { $ } from '/shared/dom.js';

/** The view the address asks for: a game's run view (`?game=<id>`), else the games list. */
async function route() {
  if (!loggedIn()) {
    showLogin();
    return;
  }
  const params = new URLSearchParams(location.search);
  const id = params.get('game');
  try {
    if (id) await runGame(id);
    else if (params.get('session')) await showSession(params.get('session'));
    else if (params.get('view') === 'sessions') await showSessions();
    else await showGames();
  } catch {
    /* shown */
  }
}

register('start', route);
register('games', () => showGames().catch(() => {}));
register('wizard', startWizard);
register('run', (id) => runGame(id).catch(() => {}));
register('sessions', () => showSessions().catch(() => {}));
register('session-form', newSession);
register('session', (id) => showSession(id).catch(() => {}));

for (const [link, view] of [['#nav-games', 'games'], ['#nav-sessions', 'sessions']]) {
  $(link).addEventListener('click', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button) return;
    ev.preventDefault();
    go(view);
  });
}

route();
