// Moving between the Console's views without the views importing each other: app.js registers
// each view's entry ("games", "wizard", "run", "login") and a view goes to another by name.

const views = new Map();

export function register(name, enter) {
  views.set(name, enter);
}

/** Enters view `name` with `args` (e.g. `go('run', gameId)`); resolves when it is shown. */
export function go(name, ...args) {
  const enter = views.get(name);
  return enter ? enter(...args) : Promise.resolve();
}

/** Shows one of the top-level views (`<main id="...-view">`) and hides the others. */
export function show(view) {
  for (const id of ['login-view', 'games-view', 'wizard-view', 'run-view']) document.getElementById(id).hidden = id !== view;
  document.getElementById('logout').hidden = view === 'login-view';
}
