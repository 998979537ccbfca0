// The new-game wizard, four steps: the game's name and kind; the stages (a pattern with its picture, a prize, or
// a custom pattern drawn on a grid) and the currency; the draw and claim rules; a review of
// everything, then "Create game". "Next" checks the step's answers first and says what is wrong
// (a currency that is not an ISO code, a prize below zero or with more decimals than its currency has, an
// empty custom pattern, a stage already won with an earlier one), instead of changing it.

import { api } from '/shared/api.js';
import { h, $, $$, fill } from '/shared/dom.js';
import { renderPatternWays, SHAPE } from '/shared/card.js';
import { currencyDecimals, money } from '/shared/game.js';
import { t } from './t.js';
import { adminToken } from './session.js';
import { showProblems as showWrong } from './problems.js';
import { amountOf, amountProblem, currencyKnown, decimalsKey, nameProblems } from './amounts.js';
import { go, show } from './nav.js';

/** Built-in patterns per kind ({ id, name, pictures }) in the order offered, and each kind's
 *  usual stages: from the server (GET /api/v1/patterns), so the wizard offers what the engine knows. */
const { PATTERNS, DEFAULT_STAGES } = await loadPatterns();

async function loadPatterns() {
  const res = await api('GET', '/api/v1/patterns');
  return { PATTERNS: res.kinds, DEFAULT_STAGES: res.default_stages };
}

/** The wizard's state: the step shown, the kind, and the stages as typed ({ pattern: a built-in
 *  id or 'custom', prize: the text typed, custom: { name, mask } }). */
const W = { step: 1, kind: '90', stages: [] };

export function startWizard() {
  W.step = 1;
  $('#game-name').value = '';
  setKind('90');
  fill(
    $('#kinds'),
    ['90', '75', '80', '30'].map((k) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name: 'kind', value: k, checked: k === W.kind, onchange: () => setKind(k) }),
        ' ',
        t('kind_' + k),
      ),
    ),
  );
  show('wizard-view');
  wizardStep(1);
}

function setKind(k) {
  W.kind = k;
  W.stages = DEFAULT_STAGES[k].map((id) => ({ pattern: id, prize: '', custom: null }));
}

function builtin(id) {
  return PATTERNS[W.kind].find((p) => p.id === id);
}

function blankMask(kind) {
  const [rows, cols] = SHAPE[kind];
  return Array.from({ length: rows }, () => '.'.repeat(cols));
}

/** A stage's pattern name and its ways to win (pictures: rows of "X" and "."). */
function stagePattern(s) {
  if (s.pattern === 'custom') return { name: s.custom.name.trim(), pictures: [s.custom.mask] };
  const p = builtin(s.pattern);
  return { name: p.name, pictures: p.pictures };
}

// ---------------------------------------------------------------- step 2: the stages

function renderStages() {
  const list = $('#stages');
  const currency = $('#currency').value.trim().toUpperCase() || '—';
  const decimals = currencyDecimals(currencyCode() || null);
  fill(
    list,
    W.stages.map((s, i) => {
      const id = `stage-${i}`;
      const select = h(
        'select',
        {
          id: id + '-pattern',
          onchange: (e) => {
            s.pattern = e.target.value;
            if (s.pattern === 'custom' && !s.custom) s.custom = { name: t('custom_default_name'), mask: blankMask(W.kind) };
            renderStages();
            $('#' + id + '-pattern').focus();
          },
        },
        PATTERNS[W.kind].map((p) => h('option', { value: p.id, selected: s.pattern === p.id }, p.name)),
        h('option', { value: 'custom', selected: s.pattern === 'custom' }, t('custom_pattern')),
      );
      const prize = h('input', {
        id: id + '-prize',
        type: 'number',
        inputmode: 'decimal',
        min: '0',
        // The currency's smallest unit: 1 for JPY, 0.01 for GBP (and without a currency), 0.001 for KWD.
        step: String(10 ** -decimals),
        value: s.prize,
        'aria-describedby': id + '-prize-hint',
        oninput: (e) => {
          s.prize = e.target.validity.badInput ? '?' : e.target.value;
        },
      });
      const { name, pictures } = stagePattern(s);
      return h(
        'li',
        { class: 'stage-item' },
        h(
          'div',
          { class: 'row-between' },
          h('h2', {}, t('stage_n', { n: i + 1 })),
          W.stages.length > 1
            ? h('button', { type: 'button', class: 'ghost', onclick: () => { W.stages.splice(i, 1); renderStages(); } }, t('remove_stage'))
            : '',
        ),
        h('div', { class: 'stage-fields' },
          h('div', {}, h('label', { for: id + '-pattern' }, t('pattern')), select,
            s.pattern === 'custom' ? '' : h('div', { class: 'stage-picture' }, renderPatternWays(pictures, name))),
          h('div', {}, h('label', { for: id + '-prize' }, t('prize')), prize,
            h('p', { id: id + '-prize-hint', class: 'hint' }, t(decimalsKey('prize_hint', decimals), { currency, d: decimals })))),
        s.pattern === 'custom' ? customEditor(s, id) : '',
      );
    }),
  );
}

/** Draw a custom pattern: a grid of toggle buttons (whole rows on 90-ball tickets). */
function customEditor(s, id) {
  const [rows, cols] = SHAPE[W.kind];
  const help = W.kind === '90' ? t('custom_help_90') : t('custom_help');
  const grid = h('div', { class: 'draw-grid', style: `--cols:${cols}`, role: 'group', 'aria-label': help });
  const set = (r, c, on) => {
    const row = s.custom.mask[r].split('');
    row[c] = on ? 'X' : '.';
    s.custom.mask[r] = row.join('');
  };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const on = s.custom.mask[r][c] === 'X';
      grid.append(
        h('button', {
          type: 'button',
          class: 'draw-cell' + (on ? ' on' : ''),
          'aria-pressed': String(on),
          'aria-label': `${r + 1}, ${c + 1}`,
          dataset: { r, c },
          onclick: () => {
            const now = s.custom.mask[r][c] !== 'X';
            if (W.kind === '90') for (let cc = 0; cc < cols; cc++) set(r, cc, now);
            else set(r, c, now);
            renderStages();
            const again = $(`#${id}-draw [data-r="${r}"][data-c="${c}"]`);
            if (again) again.focus();
          },
        }),
      );
    }
  }
  grid.id = id + '-draw';
  return h(
    'div',
    { class: 'custom' },
    h('label', { for: id + '-name' }, t('custom_name')),
    h('input', { id: id + '-name', value: s.custom.name, maxlength: '64', oninput: (e) => { s.custom.name = e.target.value; } }),
    h('p', { class: 'hint' }, help),
    grid,
  );
}

$('#add-stage').addEventListener('click', () => {
  W.stages.push({ pattern: PATTERNS[W.kind][0].id, prize: '', custom: null });
  renderStages();
  $(`#stage-${W.stages.length - 1}-pattern`).focus();
});
$('#currency').addEventListener('input', () => renderStages());

// ---------------------------------------------------------------- checking the answers

/** Whether picture `inner` needs no cell outside `outer` (a card with `outer` has `inner` too). */
function within(inner, outer) {
  const a = inner.join('');
  const b = outer.join('');
  return [...a].every((ch, i) => ch !== 'X' || b[i] === 'X');
}

function gameName() {
  return $('#game-name').value.trim();
}

function currencyCode() {
  return $('#currency').value.trim().toUpperCase();
}

/** What is wrong with the answers of step `n`: [{ field: the id to focus, message }]. */
function problems(n) {
  const out = [];
  if (n === 1) {
    // The server's rule: trimmed, at most 80 characters, no control characters.
    for (const p of nameProblems(gameName())) out.push({ field: 'game-name', message: t('bad_game_name_' + p.key, p) });
  }
  if (n === 2) {
    const typed = $('#currency').value.trim();
    const code = currencyCode();
    if (typed && !currencyKnown(code)) {
      out.push({ field: 'currency', message: t('bad_currency', { typed }) });
    }
    W.stages.forEach((s, i) => {
      const n = i + 1;
      const wrong = amountProblem(s.prize, code || null);
      if (wrong) {
        const key = wrong.key === 'bad' ? 'bad_prize' : wrong.key === 'decimals' ? decimalsKey('bad_prize_decimals', wrong.decimals) : 'bad_prize_' + wrong.key;
        out.push({ field: `stage-${i}-prize`, message: t(key, { n, typed: wrong.typed, d: wrong.decimals, currency: code }) });
      }
      if (s.pattern === 'custom') {
        if (!s.custom.name.trim()) out.push({ field: `stage-${i}-name`, message: t('bad_custom_name', { n }) });
        if (!s.custom.mask.join('').includes('X')) out.push({ field: `stage-${i}-draw`, message: t('bad_custom_empty', { n, name: s.custom.name.trim() }) });
      }
    });
    // A later stage must not be complete on a card that wins an earlier one: it would be won
    // on the same ball, by the same card.
    W.stages.forEach((later, j) => {
      const b = stagePattern(later);
      if (!b.pictures[0].join('').includes('X')) return;
      const i = W.stages.findIndex((earlier, k) => k < j && stagePattern(earlier).pictures.some((outer) => b.pictures.some((inner) => within(inner, outer))));
      if (i >= 0) {
        const a = stagePattern(W.stages[i]);
        out.push({ field: `stage-${j}-pattern`, message: t('bad_stage_order', { n: j + 1, name: b.name, m: i + 1, earlier: a.name }) });
      }
    });
  }
  if (n === 3) {
    const auto = $('#auto-draw').value.trim();
    const secs = Number(auto);
    if ($('#auto-draw').validity.badInput || (auto && !(Number.isInteger(secs) && secs >= 1 && secs <= 600))) {
      out.push({ field: 'auto-draw', message: t('bad_auto_draw') });
    }
    const max = Number($('#max-cards').value.trim());
    if (!(Number.isInteger(max) && max >= 1 && max <= 120)) out.push({ field: 'max-cards', message: t('bad_max_cards') });
  }
  return out;
}

/** Shows the problems (or none): a list in the alert, each field marked, the first focused. */
function showProblems(list) {
  showWrong($('#wizard-form'), $('#wizard-error'), list);
}

// ---------------------------------------------------------------- the game, and the review

/** The game's settings as POST /api/v1/games takes them. */
function config() {
  const autoDraw = $('#auto-draw').value.trim();
  const currency = currencyCode() || null;
  return {
    name: gameName(),
    kind: W.kind,
    stages: W.stages.map((s) => ({
      pattern: s.pattern === 'custom' ? { custom: { name: s.custom.name.trim(), masks: [s.custom.mask] } } : { builtin: s.pattern },
      prize: amountOf(s.prize, currency) || 0,
    })),
    draw_mode: $('input[name="draw_mode"]:checked').value,
    claim_before_next_ball: $('#claim-rule').checked,
    currency,
    auto_draw_ms: autoDraw ? Number(autoDraw) * 1000 : null,
    auto_daub: $('#auto-daub-rule').checked,
    late_entry: $('#late-entry-rule').checked,
    max_cards_per_player: Number($('#max-cards').value),
  };
}

function renderReview() {
  const c = config();
  const item = (label, ...value) => [h('dt', {}, label), h('dd', {}, ...value)];
  fill(
    $('#review'),
    h('p', {}, t('review_line', { kind: c.kind, stages: c.stages.length, mode: c.draw_mode })),
    h(
      'dl',
      { class: 'review-list' },
      item(t('review_name'), c.name || t('no_name')),
      item(t('review_kind'), t('kind_' + c.kind)),
      item(t('review_currency'), c.currency || t('review_no_currency')),
      item(
        t('review_stages'),
        h(
          'ol',
          {},
          W.stages.map((s, i) => {
            const { name, pictures } = stagePattern(s);
            const prize = c.stages[i].prize;
            return h('li', {}, renderPatternWays(pictures, name), ' ', name, ' — ', prize ? money(prize, c.currency, t.lang) : t('review_no_prize'));
          }),
        ),
      ),
      item(t('review_draw'), c.draw_mode === 'manual' ? t('draw_manual') : t('draw_random')),
      item(t('review_auto_draw'), c.auto_draw_ms ? t('review_auto_every', { s: c.auto_draw_ms / 1000 }) : t('review_auto_none')),
      item(t('review_claims'), c.claim_before_next_ball ? t('review_claim_before') : t('review_claim_any')),
      item(t('review_auto_daub'), c.auto_daub ? t('review_auto_daub_yes') : t('review_auto_daub_no')),
      item(t('review_late_entry'), c.late_entry ? t('review_late_entry_yes') : t('review_late_entry_no')),
      item(t('max_cards'), String(c.max_cards_per_player)),
    ),
  );
}

function wizardStep(n) {
  W.step = n;
  for (const fs of $$('#wizard-form fieldset')) fs.hidden = Number(fs.dataset.step) !== n;
  $('#wizard-step').textContent = t('step_of', { n, total: 4 });
  $('#wizard-back').hidden = n === 1;
  $('#wizard-next').hidden = n === 4;
  $('#wizard-create').hidden = n !== 4;
  showProblems([]);
  if (n === 2) renderStages();
  if (n === 4) renderReview();
  const first = $(`#wizard-form fieldset[data-step="${n}"] input, #wizard-form fieldset[data-step="${n}"] select`);
  // The review has no field: focus "Create game" rather than lose it with the hidden "Next".
  if (first) first.focus();
  else if (n === 4) $('#wizard-create').focus();
}

/** On to step `n` once every step before it is right; else the first wrong step, with why. */
function forward(n) {
  for (let step = W.step; step < n; step++) {
    const list = problems(step);
    if (list.length) {
      if (step !== W.step) wizardStep(step);
      showProblems(list);
      return false;
    }
  }
  wizardStep(n);
  return true;
}

$('#wizard-next').addEventListener('click', () => forward(Math.min(4, W.step + 1)));
$('#wizard-back').addEventListener('click', () => wizardStep(Math.max(1, W.step - 1)));
$('#wizard-cancel').addEventListener('click', () => go('games'));
$('#wizard-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (W.step !== 4) {
    forward(W.step + 1);
    return;
  }
  const wrong = [1, 2, 3].find((step) => problems(step).length);
  if (wrong) {
    wizardStep(wrong);
    showProblems(problems(wrong));
    return;
  }
  try {
    const created = await api('POST', '/api/v1/games', { body: config(), token: adminToken() });
    go('run', created.id);
  } catch (e) {
    fill($('#wizard-error'), e.message);
  }
});
