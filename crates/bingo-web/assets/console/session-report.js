// A session's report (/console/session-report.html?session=ID): the totals of GET
// /api/v1/sessions/{id}/report (tickets by kind and channel, takings, prizes paid, what the house
// kept, the snowball), the snowball's movements game by game, and a row per game with a link to
// its own report; "Print" and "Download CSV" (GET .../report.csv). Names are shown as text.

import { api } from '/shared/api.js';
import { h, $, fill } from '/shared/dom.js';
import { t } from './t.js';
import { downloadCsv } from './download.js';

const token = localStorage.getItem('bingo.console.token');
const id = new URLSearchParams(location.search).get('session') || '';

function showError(message) {
  const box = $('#error');
  box.textContent = t('error', { message });
  box.hidden = false;
}

const row = (key, label, value) => h('tr', { dataset: { row: key } }, h('th', { scope: 'row' }, label), h('td', { class: 'num' }, value));

/** "Ann · card 3 (£150.00), card 9 (£150.00)". */
function winners(list) {
  return list.map((w) => `${w.name ? t('who_named', { name: w.name, serial: w.serial }) : t('who', { serial: w.serial })} (${w.amount.text})`).join(', ');
}

function snowballText(s) {
  const offered = t('sr_snowball_offered', { amount: s.pot.text, n: s.within });
  if (s.outcome === 'won') return `${offered} ${t('sr_snowball_won', { winners: winners(s.winners) })}${s.next_pot ? ' ' + t('sr_snowball_next', { amount: s.next_pot.text }) : ''}`;
  if (s.outcome === 'carried') return `${offered} ${t('sr_snowball_carried', { amount: s.next_pot ? s.next_pot.text : s.pot.text })}`;
  return `${offered} ${t('sr_snowball_open')}`;
}

function gameName(r, i) {
  return r.game.name || t('game_n', { n: i + 1 });
}

function render(r) {
  document.title = t('sr_title_named', { name: r.name });
  $('#sr-name').textContent = r.name;
  const T = r.totals;
  fill(
    $('#sr-facts'),
    h('dt', {}, t('report_currency')),
    h('dd', {}, r.currency || t('report_minor_units')),
    h('dt', {}, t('sr_played')),
    h('dd', {}, t('session_row', { finished: T.finished, games: T.games })),
    h('dt', {}, t('sr_voided')),
    h('dd', { dataset: { total: 'voided_calls' } }, String(T.voided_calls)),
  );
  fill(
    $('#sr-tickets tbody'),
    row('phone', t('sales_phone'), String(T.phone_cards)),
    row('paper', t('sales_paper'), String(T.paper_cards)),
    row('cards', t('sr_cards'), String(T.cards)),
    row('singles', t('sales_singles'), String(T.singles)),
    row('strips', t('sales_strips'), String(T.strips)),
    row('books', t('sales_books'), String(T.books)),
  );
  fill(
    $('#sr-money tbody'),
    row('takings', t('sales_takings'), T.takings.text),
    T.late_takings.minor ? row('late_takings', t('sales_late_takings'), T.late_takings.text) : '',
    row('prizes_paid', t('sr_prizes_paid'), T.prizes_paid.text),
    T.house.minor ? row('house', t('report_house'), T.house.text) : '',
    row('snowball_paid', t('sr_snowball_paid'), T.snowball_paid.text),
    T.snowball_next_pot ? row('snowball_next_pot', t('sr_snowball_next_pot'), T.snowball_next_pot.text) : '',
  );
  const moves = r.games.map((g, i) => [g, i]).filter(([g]) => g.snowball);
  fill(
    $('#sr-snowball'),
    moves.length
      ? moves.map(([g, i]) => h('li', { dataset: { game: i + 1 } }, h('strong', {}, gameName(g, i) + ': '), snowballText(g.snowball)))
      : [h('li', { class: 'hint' }, t('sr_snowball_none'))],
  );
  fill(
    $('#sr-games tbody'),
    r.games.map((g, i) =>
      h(
        'tr',
        { dataset: { game: g.game_id } },
        h('td', {}, String(i + 1)),
        h('td', { class: 'winner' }, gameName(g, i)),
        h('td', { class: 'num' }, String(g.cards.total)),
        h('td', { class: 'num' }, g.sales ? g.sales.takings.text : '—'),
        h('td', { class: 'num' }, g.total_paid.text),
        h('td', {}, g.snowball ? t('sr_outcome_' + g.snowball.outcome) : '—'),
        h('td', {}, h('a', { href: '/console/report.html?game=' + encodeURIComponent(g.game_id) }, t('report'))),
      ),
    ),
  );
  $('#report').hidden = false;
}

if (id) $('#report-back').href = '/console?session=' + encodeURIComponent(id);
$('#report-print').addEventListener('click', () => window.print());
$('#report-download').addEventListener('click', () =>
  downloadCsv(`/api/v1/sessions/${encodeURIComponent(id)}/report.csv`, token, `bingo-session-${id}.csv`).catch((e) => showError(e.message || String(e))),
);

if (!token) {
  showError(t('report_login'));
} else {
  api('GET', `/api/v1/sessions/${encodeURIComponent(id)}/report`, { token })
    .then(render)
    .catch((e) => showError(e.message || String(e)));
}
