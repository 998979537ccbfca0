// One session (/console?session=ID, GET /api/v1/sessions/{id}): its prices and interval, each
// game in order with its state, join code, prizes (fixed, or a share of the takings with its pool)
// and a Run link to the run view; the current game's sales; "Sell books" (paper books for every
// game whose sales are open, POST .../books); the countdown of the interval; and a link to the
// session's report. Loaded again every few seconds while shown.

import { h, $, fill } from '/shared/dom.js';
import { money } from '/shared/game.js';
import { clock, stagePrizeText } from '/shared/session.js';
import { t } from './t.js';
import { call } from './session.js';
import { go, show, onLeave } from './nav.js';
import { renderSales } from './sales.js';

const REFRESH_MS = 3000;

let sessionId = null;
let view = null;
let refresh = null;
let tick = null;

onLeave((v) => {
  if (v !== 'session-view') stopPage();
});

function stopPage() {
  clearTimeout(refresh);
  clearInterval(tick);
  sessionId = null;
}

export async function showSession(id) {
  stopPage();
  sessionId = id;
  show('session-view');
  history.replaceState(null, '', '/console?session=' + encodeURIComponent(id));
  fill($('#books-result'));
  $('#books-error').textContent = '';
  $('#sv-report').href = '/console/session-report.html?session=' + encodeURIComponent(id);
  await load();
}

async function load() {
  const id = sessionId;
  if (!id) return;
  clearTimeout(refresh);
  try {
    const s = await call('GET', '/api/v1/sessions/' + encodeURIComponent(id));
    if (id !== sessionId) return;
    view = s;
    render();
    const currentGame = s.games[s.current];
    if (currentGame) {
      const sales = await call('GET', `/api/v1/games/${currentGame.id}/sales`);
      if (id === sessionId) renderSales($('#sv-sales'), sales, currentGame.stages.map((st) => st.pattern));
    } else {
      fill($('#sv-sales'), h('p', { class: 'hint' }, t('session_over')));
    }
  } catch {
    /* shown by call() */
  }
  if (id === sessionId) refresh = setTimeout(load, REFRESH_MS);
}

function render() {
  const s = view;
  const m = (v) => money(v, s.currency, t.lang);
  // The name is untrusted text.
  $('#sv-name').textContent = s.name || t('no_name');
  const item = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
  fill(
    $('#sv-facts'),
    item(t('price_card'), s.prices.card ? m(s.prices.card) : t('not_sold')),
    item(t('price_strip'), s.prices.strip ? m(s.prices.strip) : t('not_sold')),
    item(t('price_book'), s.prices.book ? m(s.prices.book) : t('not_sold')),
    item(t('interval_short'), t('interval_minutes', { n: Math.round((s.interval_s / 60) * 100) / 100 })),
    item(t('session_progress'), t('session_row', { finished: s.games.filter((g) => g.state === 'finished').length, games: s.games.length })),
  );
  fill(
    $('#sv-games tbody'),
    s.games.map((g, i) =>
      h(
        'tr',
        { class: i === s.current ? 'current' : '', dataset: { game: g.id } },
        h('td', {}, String(g.position + 1)),
        h('td', {}, h('strong', {}, g.name || t('no_name')), h('span', { class: 'hint block' }, t('kind_label', { kind: g.kind }))),
        h('td', {}, h('span', { class: 'tag state', dataset: { state: g.state } }, t('state_' + g.state))),
        h('td', { class: 'code-cell' }, g.join_code),
        h(
          'td',
          {},
          h(
            'ul',
            { class: 'plain' },
            g.stages.map((st, j) =>
              h('li', {}, `${st.pattern}: ${stagePrizeText(t, st, s.currency, t.lang, st.share && g.pool[j] !== undefined ? g.pool[j] : undefined)}`),
            ),
            g.snowball ? h('li', { class: 'snowball-line' }, t('snowball_rule', { n: g.snowball.within })) : '',
          ),
        ),
        h(
          'td',
          {},
          h('button', { type: 'button', class: 'secondary', onclick: () => go('run', g.id) }, g.state === 'finished' ? t('view_game') : t('open_game')),
        ),
      ),
    ),
  );
  const currentGame = s.games[s.current];
  $('#sv-now-h').textContent = currentGame ? t('sales_of', { name: currentGame.name || t('no_name') }) : t('sales');
  clearInterval(tick);
  const line = $('#sv-interval');
  const next = currentGame;
  if (s.interval_until_ms && next && s.interval_until_ms > Date.now()) {
    const update = () => {
      line.textContent = t('interval_now', { name: next.name || t('no_name'), clock: clock(s.interval_until_ms) });
    };
    update();
    tick = setInterval(update, 1000);
  } else {
    line.textContent = '';
  }
}

$('#books-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('#books-count');
  const n = Number(input.value.trim());
  input.removeAttribute('aria-invalid');
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    $('#books-error').textContent = t('bad_books');
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  $('#books-error').textContent = '';
  try {
    const res = await call('POST', `/api/v1/sessions/${encodeURIComponent(sessionId)}/books`, { count: n });
    const names = new Map(view.games.map((g) => [g.id, g.name || g.join_code]));
    fill(
      $('#books-result'),
      res.games.length
        ? [
            // What to take for them: only the games still selling count (a late book holds fewer).
            h('li', { class: 'books-charge' }, t('books_charge', { n, amount: money(res.charged, view.currency, t.lang) })),
            ...res.games.map((b) => h('li', {}, t('books_line', { name: names.get(b.game_id) || b.game_id, first: b.first, last: b.last, amount: money(b.amount, view.currency, t.lang) }))),
          ]
        : [h('li', { class: 'hint' }, t('books_none'))],
    );
    load();
  } catch (e) {
    // Also next to the field: e.g. no game's sales are open any more (409).
    $('#books-error').textContent = e.status === 409 ? t('books_none') : e.message || '';
  }
});
