// The Console app: the caller logs in, creates a game with a short wizard, and runs it: open,
// start, next ball (or a keypad for a ball machine), auto-draw with a countdown, pause, the
// claims queue with the cards, paper cards to print, players, and the end with the seed.
// Fully keyboard operable: native controls everywhere, plus N / A / P / "/" shortcuts.
//
// One module per view, each keeping its own state: session.js (login, token, API calls),
// games.js (the list), wizard.js (a new game), run.js (running one) with its panels claims.js,
// players.js and paper.js. They move between views through nav.js; this file routes.

import { loggedIn, showLogin } from './session.js';
import { register } from './nav.js';
import { showGames } from './games.js';
import { startWizard } from './wizard.js';
import { runGame } from './run.js';

/** The view the address asks for: a game's run view (`?game=<id>`), else the games list. */
async function route() {
  if (!loggedIn()) {
    showLogin();
    return;
  }
  const id = new URLSearchParams(location.search).get('game');
  try {
    if (id) await runGame(id);
    else await showGames();
  } catch {
    /* shown */
  }
}

register('start', route);
register('games', () => showGames().catch(() => {}));
register('wizard', startWizard);
register('run', (id) => runGame(id).catch(() => {}));

route();
