// A new session: its name, currency, prices (a card, a strip of six 90-ball tickets, a book for
// the whole session), the interval between games, and its games in order, each with its kind's
// usual stages (a fixed prize or "% of takings with a minimum" each) and an optional snowball
// (a full house within N balls wins the hall's pot). "Create session" checks every answer first
// and says what is wrong next to the field (as the wizard does); "Save as template" keeps the plan
// under the session's name (PUT /api/v1/session-templates/{name}), and a template can be loaded
// or deleted.

import { api } from '/shared/api.js';
import { h, $, fill } from '/shared/dom.js';
import { percentText } from '/shared/session.js';
import { ballCount } from '/shared/game.js';
import { t } from './t.js';
import { call } from './session.js';
import { go, show } from './nav.js';
import { amountOf, amountText, amountProblem, currencyKnown, decimalsKey, nameProblems } from './amounts.js';
import { showProblems } from './problems.js';

const KINDS = ['90', '75', '80', '30'];
const MAX_GAMES = 20;

/** Built-in patterns and each kind's usual stages, from the server (as the wizard has them). */
let PATTERNS = null;

/** The games as typed: [{ name, kind, stages: [{ pattern, label, type: 'fixed' | 'share',
 *  prize, percent, minimum }], late, snowball: { on, within, grows, growsPct, reset } }] (every value the text typed). */
let games = [];
let templates = [];

async function patterns() {
  if (!PATTERNS) {
    const res = await api('GET', '/api/v1/patterns');
    PATTERNS = { kinds: res.kinds, defaults: res.default_stages };
  }
  return PATTERNS;
}

function label(kind, pattern) {
  if (pattern.custom) return pattern.custom.name;
  const p = (PATTERNS.kinds[kind] || []).find((x) => x.id === pattern.builtin);
  return p ? p.name : pattern.builtin;
}

function defaultStages(kind) {
  return PATTERNS.defaults[kind].map((id) => ({ pattern: { builtin: id }, label: label(kind, { builtin: id }), type: 'fixed', prize: '', percent: '', minimum: '' }));
}

function blankGame(n, kind = '90') {
  return { name: t('session_game_default', { n }), kind, stages: defaultStages(kind), late: false, snowball: { on: false, within: '', grows: '', growsPct: '', reset: '' } };
}

export async function newSession() {
  await patterns();
  show('session-form-view');
  history.replaceState(null, '', '/console?view=sessions');
  $('#s-name').value = '';
  $('#s-currency').value = 'GBP';
  for (const id of ['card', 'strip', 'book']) $('#s-price-' + id).value = '';
  $('#s-interval').value = '5';
  games = [blankGame(1)];
  $('#session-note').textContent = '';
  renderGames();
  showProblems($('#session-form'), $('#session-error'), []);
  await loadTemplates();
  $('#s-name').focus();
}

// ---------------------------------------------------------------- the games' rows

function field(id, text, input, hint) {
  return h('div', { class: 'field' }, h('label', { for: id }, text), input, hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : '');
}

function textInput(id, value, set, attrs = {}) {
  return h('input', { id, value, autocomplete: 'off', ...attrs, oninput: (e) => set(e.target.value) });
}

function stageRow(g, i, s, j) {
  const id = `g${i}-s${j}`;
  const type = h(
    'select',
    { id: id + '-type', onchange: (e) => { s.type = e.target.value; renderGames(); $('#' + id + '-type').focus(); } },
    h('option', { value: 'fixed', selected: s.type === 'fixed' }, t('prize_fixed')),
    h('option', { value: 'share', selected: s.type === 'share' }, t('prize_share_option')),
  );
  const amounts =
    s.type === 'fixed'
      ? [field(id + '-prize', t('prize_amount'), textInput(id + '-prize', s.prize, (v) => { s.prize = v; }, { inputmode: 'decimal' }))]
      : [
          field(id + '-percent', t('share_percent'), textInput(id + '-percent', s.percent, (v) => { s.percent = v; }, { inputmode: 'decimal' })),
          field(id + '-minimum', t('share_minimum'), textInput(id + '-minimum', s.minimum, (v) => { s.minimum = v; }, { inputmode: 'decimal' })),
        ];
  return h('li', { class: 'session-stage' }, h('span', { class: 'stage-label' }, t('stage_n_label', { n: j + 1, name: s.label })), field(id + '-type', t('prize_kind'), type), ...amounts);
}

function gameItem(g, i) {
  const id = `g${i}`;
  const kind = h(
    'select',
    {
      id: id + '-kind',
      onchange: (e) => {
        g.kind = e.target.value;
        g.stages = defaultStages(g.kind);
        renderGames();
        $('#' + id + '-kind').focus();
      },
    },
    KINDS.map((k) => h('option', { value: k, selected: g.kind === k }, t('kind_' + k))),
  );
  const sb = g.snowball;
  const snowball = h('input', {
    id: id + '-snowball',
    type: 'checkbox',
    checked: sb.on,
    onchange: (e) => {
      sb.on = e.target.checked;
      renderGames();
      $('#' + id + '-snowball').focus();
    },
  });
  return h(
    'li',
    { class: 'session-game', dataset: { game: i } },
    h(
      'div',
      { class: 'row-between' },
      h('h3', {}, t('game_n', { n: i + 1 })),
      h(
        'span',
        { class: 'inline' },
        i > 0 ? h('button', { type: 'button', class: 'ghost', onclick: () => move(i, -1) }, t('move_up')) : '',
        games.length > 1 ? h('button', { type: 'button', class: 'ghost', onclick: () => { games.splice(i, 1); renderGames(); } }, t('remove_game')) : '',
      ),
    ),
    h(
      'div',
      { class: 'game-fields' },
      field(id + '-name', t('game_name'), textInput(id + '-name', g.name, (v) => { g.name = v; }, { maxlength: '80' })),
      field(id + '-kind', t('kind'), kind),
    ),
    h('ol', { class: 'session-stages' }, g.stages.map((s, j) => stageRow(g, i, s, j))),
    h(
      'label',
      { class: 'check' },
      h('input', { id: id + '-late', type: 'checkbox', checked: !!g.late, onchange: (e) => { g.late = e.target.checked; } }),
      ' ',
      h('span', {}, t('session_late_entry')),
    ),
    h('label', { class: 'check' }, snowball, ' ', h('span', {}, t('snowball_option'))),
    sb.on
      ? h(
          'div',
          { class: 'game-fields snowball-fields' },
          field(id + '-within', t('snowball_within'), textInput(id + '-within', sb.within, (v) => { sb.within = v; }, { inputmode: 'numeric' }), t('snowball_within_hint', { n: ballCount(g.kind) })),
          field(id + '-grows', t('snowball_grows'), textInput(id + '-grows', sb.grows, (v) => { sb.grows = v; }, { inputmode: 'decimal' })),
          field(id + '-grows-pct', t('snowball_grows_pct'), textInput(id + '-grows-pct', sb.growsPct || '', (v) => { sb.growsPct = v; }, { inputmode: 'decimal' })),
          field(id + '-reset', t('snowball_reset'), textInput(id + '-reset', sb.reset, (v) => { sb.reset = v; }, { inputmode: 'decimal' })),
        )
      : '',
  );
}

function move(i, by) {
  const [g] = games.splice(i, 1);
  games.splice(i + by, 0, g);
  renderGames();
}

function renderGames() {
  fill($('#s-games'), games.map(gameItem));
  $('#add-game').disabled = games.length >= MAX_GAMES;
}

$('#add-game').addEventListener('click', () => {
  games.push(blankGame(games.length + 1));
  renderGames();
  $(`#g${games.length - 1}-name`).focus();
});

// ---------------------------------------------------------------- checking the answers

/** The session's currency as typed (upper case), or null for none: amounts are typed in it. */
function currency() {
  return $('#s-currency').value.trim().toUpperCase() || null;
}

function amountWrong(out, fieldId, text, what) {
  const code = currency();
  const wrong = amountProblem(text, code);
  if (!wrong) return;
  const key = wrong.key === 'bad' ? 'bad_amount' : wrong.key === 'decimals' ? decimalsKey('bad_amount_decimals', wrong.decimals) : 'bad_amount_' + wrong.key;
  out.push({ field: fieldId, message: t(key, { what, typed: wrong.typed, d: wrong.decimals, currency: code }) });
}

/** Minutes as typed → whole seconds, or null unless 0 to 60 minutes in whole seconds. */
function intervalSeconds(text) {
  const typed = String(text).trim() || '0';
  if (!/^\d+(\.\d+)?$/.test(typed)) return null;
  const s = Number(typed) * 60;
  return Number.isInteger(Math.round(s * 1000) / 1000) && s <= 3600 ? Math.round(s) : null;
}

/** A percentage as typed → basis points (1 to 10000), or null. */
function basisPoints(text) {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(text).trim());
  if (!m) return null;
  const bps = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
  return bps >= 1 && bps <= 10000 ? bps : null;
}

function problems({ forTemplate = false } = {}) {
  const out = [];
  const name = $('#s-name').value.trim();
  if (!name) out.push({ field: 's-name', message: forTemplate ? t('bad_template_name') : t('bad_session_name') });
  for (const p of nameProblems(name)) out.push({ field: 's-name', message: t('bad_session_name_' + p.key, p) });
  const typed = $('#s-currency').value.trim();
  if (typed && !currencyKnown(typed.toUpperCase())) out.push({ field: 's-currency', message: t('bad_currency', { typed }) });
  for (const id of ['card', 'strip', 'book']) amountWrong(out, 's-price-' + id, $('#s-price-' + id).value, t('price_' + id));
  if (intervalSeconds($('#s-interval').value) === null) out.push({ field: 's-interval', message: t('bad_interval') });
  games.forEach((g, i) => {
    const n = i + 1;
    for (const p of nameProblems(g.name.trim())) out.push({ field: `g${i}-name`, message: t('bad_game_n_name_' + p.key, { ...p, g: n }) });
    g.stages.forEach((s, j) => {
      const what = t('stage_what', { g: n, n: j + 1, name: s.label });
      if (s.type === 'fixed') amountWrong(out, `g${i}-s${j}-prize`, s.prize, what);
      else {
        if (basisPoints(s.percent) === null) out.push({ field: `g${i}-s${j}-percent`, message: t('bad_percent', { what }) });
        amountWrong(out, `g${i}-s${j}-minimum`, s.minimum, t('share_minimum_what', { what }));
      }
    });
    if (g.snowball.on) {
      const within = Number(g.snowball.within.trim());
      const most = ballCount(g.kind);
      if (!/^\d+$/.test(g.snowball.within.trim()) || within < 1 || within > most) {
        out.push({ field: `g${i}-within`, message: t('bad_within', { g: n, most }) });
      }
      amountWrong(out, `g${i}-grows`, g.snowball.grows, t('snowball_grows_what', { g: n }));
      const pct = (g.snowball.growsPct || '').trim();
      if (pct && pct !== '0' && basisPoints(pct) === null) {
        out.push({ field: `g${i}-grows-pct`, message: t('bad_percent', { what: t('snowball_grows_pct_what', { g: n }) }) });
      }
      amountWrong(out, `g${i}-reset`, g.snowball.reset, t('snowball_reset_what', { g: n }));
    }
  });
  return out;
}

/** The session's plan as POST /api/v1/sessions takes it (the answers checked first). */
function plan() {
  const code = currency();
  const amount = (text) => amountOf(text, code) || 0;
  return {
    name: $('#s-name').value.trim(),
    currency: code,
    prices: {
      card: amount($('#s-price-card').value),
      strip: amount($('#s-price-strip').value),
      book: amount($('#s-price-book').value),
    },
    interval_s: intervalSeconds($('#s-interval').value),
    games: games.map((g) => ({
      name: g.name.trim(),
      kind: g.kind,
      stages: g.stages.map((s) =>
        s.type === 'share'
          ? { pattern: s.pattern, prize: 0, share: { percent_bps: basisPoints(s.percent), minimum: amount(s.minimum) } }
          : { pattern: s.pattern, prize: amount(s.prize) },
      ),
      late_entry: !!g.late,
      snowball: g.snowball.on
        ? {
            within: Number(g.snowball.within),
            grows_by: amount(g.snowball.grows),
            grows_share_bps: basisPoints((g.snowball.growsPct || '').trim()) || 0,
            reset_to: amount(g.snowball.reset),
          }
        : null,
    })),
  };
}

/** Fills the form from a saved plan. */
function load(p) {
  const text = (minor) => amountText(minor, p.currency || null);
  $('#s-name').value = p.name || '';
  $('#s-currency').value = p.currency || '';
  for (const id of ['card', 'strip', 'book']) $('#s-price-' + id).value = text((p.prices || {})[id] || 0);
  $('#s-interval').value = String((p.interval_s ?? 300) / 60);
  games = (p.games || []).map((g, i) => ({
    name: g.name || t('session_game_default', { n: i + 1 }),
    kind: g.kind,
    stages: g.stages.map((s) => ({
      pattern: s.pattern,
      label: label(g.kind, s.pattern),
      type: s.share ? 'share' : 'fixed',
      prize: text(s.prize),
      percent: s.share ? percentText(s.share.percent_bps) : '',
      minimum: s.share ? text(s.share.minimum) : '',
    })),
    late: !!g.late_entry,
    snowball: g.snowball
      ? { on: true, within: String(g.snowball.within), grows: text(g.snowball.grows_by), growsPct: g.snowball.grows_share_bps ? percentText(g.snowball.grows_share_bps) : '', reset: text(g.snowball.reset_to) }
      : { on: false, within: '', grows: '', growsPct: '', reset: '' },
  }));
  if (!games.length) games = [blankGame(1)];
  renderGames();
}

// ---------------------------------------------------------------- templates

async function loadTemplates() {
  try {
    templates = await call('GET', '/api/v1/session-templates');
  } catch {
    templates = [];
  }
  fill($('#template-pick'), templates.map((tp) => h('option', { value: tp.name }, tp.name)));
  $('#template-row').hidden = !templates.length;
}

function picked() {
  return templates.find((tp) => tp.name === $('#template-pick').value);
}

$('#template-load').addEventListener('click', () => {
  const tp = picked();
  if (!tp) return;
  load(tp.plan);
  $('#session-note').textContent = t('template_loaded', { name: tp.name });
});

$('#template-delete').addEventListener('click', async () => {
  const tp = picked();
  if (!tp || !confirm(t('template_delete_confirm', { name: tp.name }))) return;
  try {
    await call('DELETE', '/api/v1/session-templates/' + encodeURIComponent(tp.name));
    $('#session-note').textContent = t('template_deleted', { name: tp.name });
    await loadTemplates();
  } catch {
    /* shown */
  }
});

$('#template-save').addEventListener('click', async () => {
  const list = problems({ forTemplate: true });
  showProblems($('#session-form'), $('#session-error'), list);
  if (list.length) return;
  const p = plan();
  try {
    await call('PUT', '/api/v1/session-templates/' + encodeURIComponent(p.name), p);
    $('#session-note').textContent = t('template_saved', { name: p.name });
    await loadTemplates();
    $('#template-pick').value = p.name;
  } catch {
    /* shown */
  }
});

$('#session-cancel').addEventListener('click', () => go('sessions'));

$('#session-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const list = problems();
  showProblems($('#session-form'), $('#session-error'), list);
  if (list.length) return;
  try {
    const created = await call('POST', '/api/v1/sessions', plan());
    go('session', created.id);
  } catch (e) {
    fill($('#session-error'), e.message);
  }
});
