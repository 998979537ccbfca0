// Moving between the Console's views without the views importing each other: app.js registers
// each view's entry ("games", "wizard", "run", "sessions", "session-form", "session", "login")
// and a view goes to another by name.

const views = new Map();
const MAINS = ['login-view', 'games-view', 'wizard-view', 'run-view', 'sessions-view', 'session-form-view', 'session-view'];
const leaving = [];

export function register(name, enter) {
  views.set(name, enter);
}

/** Enters view `name` with `args` (e.g. `go('run', gameId)`); resolves when it is shown. */
export function go(name, ...args) {
  const enter = views.get(name);
  return enter ? enter(...args) : Promise.resolve();
}

/** Runs `fn` whenever another view is shown (a view's timers stop there). */
export function onLeave(fn) {
  leaving.push(fn);
}

/** Shows one of the top-level views (`<main id="...-view">`) and hides the others. */
export function show(view) {
  for (const fn of leaving) fn(view);
  for (const id of MAINS) document.getElementById(id).hidden = id !== view;
  document.getElementById('logout').hidden = view === 'login-view';
  const nav = document.getElementById('console-nav');
  nav.hidden = view === 'login-view';
  const inSessions = view.startsWith('session');
  document.getElementById('nav-sessions').toggleAttribute('aria-current', inSessions);
  document.getElementById('nav-games').toggleAttribute('aria-current', !inSessions);
  if (inSessions) document.getElementById('nav-sessions').setAttribute('aria-current', 'page');
  else document.getElementById('nav-games').setAttribute('aria-current', 'page');
}
