// A game's sales (GET /api/v1/games/{id}/sales): tickets by channel and kind, the takings, each
// stage's prize pool ("as of now" until the first ball closes the sales, then final) and the
// snowball when offered. The run view shows it as a panel for a game of a session (or one that
// sells tickets), refreshed when the game's events or its players change; the session page
// shows the current game's.

import { ApiError } from '/shared/api.js';
import { h, $, fill } from '/shared/dom.js';
import { money } from '/shared/game.js';
import { t } from './t.js';
import { call } from './session.js';

/** The sales as a table and lines of text, into `el`. `stages` are the game's stage names. */
export function renderSales(el, sales, stages) {
  const m = (v) => money(v, sales.currency, t.lang);
  const row = (key, value) => h('tr', { dataset: { row: key } }, h('th', { scope: 'row' }, t('sales_' + key)), h('td', { class: 'num' }, value));
  fill(
    el,
    h(
      'table',
      { class: 'figures sales-table' },
      h('caption', { class: 'sr-only' }, t('sales_tickets')),
      h(
        'tbody',
        {},
        row('phone', String(sales.phone_cards)),
        row('paper', String(sales.paper_cards)),
        sales.late_cards ? row('late', String(sales.late_cards)) : '',
        row('singles', String(sales.singles)),
        row('strips', String(sales.strips)),
        row('books', String(sales.books)),
        row('cards', String(sales.cards)),
        row('takings', m(sales.takings)),
        sales.late_takings ? row('late_takings', m(sales.late_takings)) : '',
      ),
    ),
    h('h3', { class: 'sales-sub' }, t('sales_pool')),
    h(
      'ul',
      { class: 'list small sales-pool' },
      sales.pool.map((amount, i) => h('li', { dataset: { stage: i } }, t('sales_pool_line', { n: i + 1, name: stages[i] || '', amount: m(amount) }))),
    ),
    h('p', { class: sales.closed ? 'sales-state closed' : 'sales-state hint' }, sales.closed ? t('sales_closed') : t('sales_open')),
    sales.snowball ? h('p', { class: 'sales-snowball' }, t('sales_snowball', { amount: m(sales.snowball.pot), n: sales.snowball.within })) : '',
  );
}

/** The game the run view shows: { id, stages: () => names, inSession }. */
let current = null;
let timer = null;
let loading = false;

/** The run view opened game `id` (`snap` its snapshot): finds its session, then shows its sales. */
export async function resetSales(id, snap) {
  current = { id, snap: () => snap, session: null };
  $('#sales-panel').hidden = true;
  $('#session-link').hidden = true;
  clearTimeout(timer);
  try {
    const res = await fetch('/api/v1/screen/' + encodeURIComponent(snap.join_code) + '/session');
    if (res.ok && current && current.id === id) {
      const session = await res.json();
      current.session = session;
      const link = $('#session-link');
      link.textContent = t('back_to_session', { name: session.name || t('no_name') });
      link.href = '/console?session=' + encodeURIComponent(session.id);
      link.hidden = false;
    }
  } catch {
    /* not in a session, or an older server */
  }
  loadSales();
}

/** The run view's snapshot getter (its snapshot object changes on a resync). */
export function salesSnapshot(get) {
  if (current) current.snap = get;
}

/** Something that may change the sales happened (an event, the players): loads them again soon. */
export function salesChanged() {
  if (!current) return;
  clearTimeout(timer);
  timer = setTimeout(loadSales, 300);
}

export function stopSales() {
  clearTimeout(timer);
  current = null;
}

async function loadSales() {
  if (!current || loading) return;
  const { id } = current;
  loading = true;
  try {
    const sales = await call('GET', `/api/v1/games/${id}/sales`);
    if (!current || current.id !== id) return;
    // A game outside a session that sells nothing has no Sales panel.
    const shown = !!current.session || sales.takings > 0 || !!sales.snowball;
    $('#sales-panel').hidden = !shown;
    if (shown) renderSales($('#sales'), sales, current.snap().game.stages.map((s) => s.name));
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
  } finally {
    loading = false;
  }
  // Every few seconds too: a book sold elsewhere changes the takings without an event here.
  clearTimeout(timer);
  if (current && current.id === id) timer = setTimeout(loadSales, 5000);
}
