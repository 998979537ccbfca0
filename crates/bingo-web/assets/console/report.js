// The game report (/console/report.html?game=ID): the figures of GET /api/v1/games/{id}/report,
// laid out to print, and "Download CSV" (the same report as a spreadsheet). The report is derived
// from the game's ledger; names are shown as text (they are whatever the winners typed).

import { api } from '/shared/api.js';
import { h, $, fill } from '/shared/dom.js';
import { t } from './t.js';
import { downloadCsv } from './download.js';

const TOKEN_KEY = 'bingo.console.token';
const token = localStorage.getItem(TOKEN_KEY);
const id = new URLSearchParams(location.search).get('game') || '';

function showError(message) {
  const box = $('#error');
  box.textContent = t('error', { message });
  box.hidden = false;
}

function fact(term, value, cls) {
  return [h('dt', {}, term), h('dd', cls ? { class: cls } : {}, value)];
}

const when = new Intl.DateTimeFormat(t.lang, { dateStyle: 'medium', timeStyle: 'medium' });
const time = (ms) => (ms === null || ms === undefined ? '—' : when.format(new Date(ms)));

function render(r) {
  document.title = t('report_title_game', { id: r.game_id });
  $('#r-name').textContent = r.game.name || '';
  const g = r.game;
  fill(
    $('#r-game'),
    fact(t('report_game_id'), r.game_id, 'hex'),
    fact(t('report_kind'), t('report_kind_value', { kind: g.kind, draw: t('report_draw_' + g.draw_mode) })),
    fact(t('report_currency'), g.currency || t('report_minor_units')),
    fact(t('report_started'), time(g.started_at_ms)),
    fact(t('report_finished'), g.finished_at_ms === null ? t('report_not_finished') : time(g.finished_at_ms)),
  );
  fill(
    $('#r-stages tbody'),
    g.stages.map((s) =>
      h('tr', {}, h('td', {}, String(s.stage)), h('td', {}, s.pattern), h('td', { class: 'num' }, s.share ? t('report_share_prize', { amount: s.prize.text, pct: s.share.percent_bps / 100 }) : s.prize.text)),
    ),
  );
  const c = r.cards;
  fill(
    $('#r-cards tbody'),
    [
      ['phone', c.phone],
      ['paper', c.paper],
      ['late', c.late],
      ['total', c.total],
    ].map(([key, n]) => h('tr', { dataset: { channel: key } }, h('td', {}, t('report_channel_' + key)), h('td', { class: 'num' }, String(n)))),
  );
  fill(
    $('#r-issues'),
    c.issues.map((i) =>
      h('li', {}, t(i.late ? 'report_issue_late' : 'report_issue', {
        channel: t('report_via_' + i.channel),
        cards: i.first === i.last ? String(i.first) : `${i.first}–${i.last}`,
        n: i.count,
        call: i.after_call,
      })),
    ),
  );
  $('#r-balls').textContent = r.balls.called
    ? t('report_balls_line', { n: r.balls.called, numbers: r.balls.numbers.join(', ') })
    : t('report_balls_none');
  fill($('#r-voided'), r.balls.voided.map((v) => h('li', {}, t('report_voided', { call: v.call, number: v.number }))));
  fill(
    $('#r-prizes tbody'),
    r.prizes.length
      ? r.prizes.map((p) =>
          h(
            'tr',
            {},
            h('td', {}, `${p.stage} ${p.pattern}`),
            h('td', {}, String(p.serial)),
            h('td', { class: 'winner' }, p.name || '—'),
            h('td', { class: 'num' }, p.call === null ? '—' : t('report_call_ball', { call: p.call, ball: p.ball ?? '—' })),
            h('td', { class: 'num' }, p.amount.text),
          ),
        )
      : [h('tr', {}, h('td', { colspan: 5, class: 'hint' }, t('report_no_prizes')))],
  );
  $('#r-total').textContent = r.total_paid.text;
  $('#r-house-block').hidden = !r.house.length;
  fill($('#r-house'), r.house.map((k) => h('li', {}, `${k.stage} ${k.pattern}: ${k.amount.text}`)));
  renderMoney(r);
  $('#r-claims').textContent = t('report_claims_line', { accepted: r.claims.accepted, rejected: r.claims.rejected });
  fill(
    $('#r-fairness'),
    fact(t('commitment'), r.fairness.commitment, 'hex'),
    fact(t('seed'), r.fairness.seed || t('report_not_revealed'), r.fairness.seed ? 'hex' : ''),
    fact(t('report_verify'), r.fairness.verify, 'hex'),
  );
  $('#report').hidden = false;
}

/** The game's sales and snowball, when it sold tickets or played the snowball. */
function renderMoney(r) {
  const sales = r.sales;
  $('#r-sales-block').hidden = !sales;
  if (sales) {
    const line = (key, label, value) => h('tr', { dataset: { row: key } }, h('td', {}, label), h('td', { class: 'num' }, value));
    fill(
      $('#r-sales tbody'),
      line('singles', t('sales_singles'), String(sales.singles)),
      line('strips', t('sales_strips'), String(sales.strips)),
      line('books', t('sales_books'), String(sales.books)),
      line('takings', t('sales_takings'), sales.takings.text),
      line('late_takings', t('sales_late_takings'), sales.late_takings.text),
    );
  }
  const snow = r.snowball;
  $('#r-snowball-block').hidden = !snow;
  if (snow) {
    const offered = t('sr_snowball_offered', { amount: snow.pot.text, n: snow.within });
    const winners = snow.winners
      .map((w) => `${w.name ? t('who_named', { name: w.name, serial: w.serial }) : t('who', { serial: w.serial })} (${w.amount.text})`)
      .join(', ');
    const next = snow.next_pot ? snow.next_pot.text : '';
    $('#r-snowball').textContent =
      snow.outcome === 'won'
        ? `${offered} ${t('sr_snowball_won', { winners })} ${t('sr_snowball_next', { amount: next })}`
        : snow.outcome === 'carried'
          ? `${offered} ${t('sr_snowball_carried', { amount: next })}`
          : `${offered} ${t('sr_snowball_open')}`;
  }
}

/** Saves GET .../report.csv as a file. */
async function download() {
  try {
    await downloadCsv(`/api/v1/games/${encodeURIComponent(id)}/report.csv`, token, `bingo-report-${id}.csv`);
  } catch (e) {
    showError(e.message || String(e));
  }
}

if (id) $('#report-back').href = '/console?game=' + encodeURIComponent(id);
$('#report-print').addEventListener('click', () => window.print());
$('#report-download').addEventListener('click', download);

if (!token) {
  showError(t('report_login'));
} else {
  api('GET', `/api/v1/games/${encodeURIComponent(id)}/report`, { token })
    .then(render)
    .catch((e) => showError(e.message || String(e)));
}
