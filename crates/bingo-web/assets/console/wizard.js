// The new-game wizard, four steps: the kind; the stages (pattern, prize, or a custom pattern drawn
// on a grid) and the currency; the draw and claim rules; a review, then "Create game".

import { api } from '/shared/api.js';
import { h, $, $$, fill } from '/shared/dom.js';
import { renderPattern, SHAPE } from '/shared/card.js';
import { money } from '/shared/game.js';
import { t } from './t.js';
import { adminToken } from './session.js';
import { go, show } from './nav.js';

/** Built-in patterns per kind as [id, name] in the order offered, and each kind's usual stages:
 *  from the server (GET /api/v1/patterns), so the wizard always offers what the engine knows. */
const { BUILTINS, DEFAULT_STAGES } = await loadPatterns();

async function loadPatterns() {
  const res = await api('GET', '/api/v1/patterns');
  const builtins = {};
  for (const [kind, list] of Object.entries(res.kinds)) builtins[kind] = list.map((p) => [p.id, p.name]);
  return { BUILTINS: builtins, DEFAULT_STAGES: res.default_stages };
}

/** The wizard's state: the step shown, the kind, and the stages being set up. */
const W = { step: 1, kind: '90', stages: [] };

export function startWizard() {
  W.step = 1;
  W.kind = '90';
  W.stages = DEFAULT_STAGES['90'].map((id) => ({ pattern: id, prize: 0, custom: null }));
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
  W.stages = DEFAULT_STAGES[k].map((id) => ({ pattern: id, prize: 0, custom: null }));
}

function blankMask(kind) {
  const [rows, cols] = SHAPE[kind];
  return Array.from({ length: rows }, () => '.'.repeat(cols));
}

function renderStages() {
  const list = $('#stages');
  const currency = $('#currency').value.trim().toUpperCase() || '—';
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
        BUILTINS[W.kind].map(([value, name]) => h('option', { value, selected: s.pattern === value }, name)),
        h('option', { value: 'custom', selected: s.pattern === 'custom' }, t('custom_pattern')),
      );
      const prize = h('input', {
        id: id + '-prize',
        type: 'number',
        min: '0',
        step: '0.01',
        value: String(s.prize / 100),
        'aria-describedby': id + '-prize-hint',
        oninput: (e) => {
          s.prize = Math.max(0, Math.round(Number(e.target.value || 0) * 100));
        },
      });
      return h(
        'li',
        { class: 'stage-item' },
        h(
          'div',
          { class: 'row-between' },
          h('h3', {}, t('stage_n', { n: i + 1 })),
          W.stages.length > 1
            ? h('button', { type: 'button', class: 'ghost', onclick: () => { W.stages.splice(i, 1); renderStages(); } }, t('remove_stage'))
            : '',
        ),
        h('div', { class: 'stage-fields' },
          h('div', {}, h('label', { for: id + '-pattern' }, t('pattern')), select),
          h('div', {}, h('label', { for: id + '-prize' }, t('prize')), prize,
            h('p', { id: id + '-prize-hint', class: 'hint' }, t('prize_hint', { currency })))),
        s.pattern === 'custom' ? customEditor(s, id) : '',
      );
    }),
  );
}

/** Draw a custom pattern: a grid of toggle buttons (whole rows on 90-ball tickets). */
function customEditor(s, id) {
  const [rows, cols] = SHAPE[W.kind];
  const grid = h('div', { class: 'draw-grid', style: `--cols:${cols}`, role: 'group', 'aria-label': t('custom_help') });
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
    h('p', { class: 'hint' }, t('custom_help')),
    grid,
  );
}

$('#add-stage').addEventListener('click', () => {
  W.stages.push({ pattern: BUILTINS[W.kind][0][0], prize: 0, custom: null });
  renderStages();
  $(`#stage-${W.stages.length - 1}-pattern`).focus();
});
$('#currency').addEventListener('input', () => renderStages());

/** The game's settings as POST /api/v1/games takes them. */
function config() {
  const autoDraw = $('#auto-draw').value.trim();
  const currency = $('#currency').value.trim().toUpperCase();
  return {
    kind: W.kind,
    stages: W.stages.map((s) => ({
      pattern: s.pattern === 'custom' ? { custom: { name: s.custom.name, masks: [s.custom.mask] } } : { builtin: s.pattern },
      prize: s.prize,
    })),
    draw_mode: $('input[name="draw_mode"]:checked').value,
    claim_before_next_ball: $('#claim-rule').checked,
    currency: currency || null,
    auto_draw_ms: autoDraw ? Math.round(Number(autoDraw) * 1000) : null,
    auto_daub: $('#auto-daub-rule').checked,
    max_cards_per_player: Number($('#max-cards').value) || 6,
  };
}

function renderReview() {
  const c = config();
  fill(
    $('#review'),
    h('p', {}, t('review_line', { kind: c.kind, stages: c.stages.length, mode: c.draw_mode })),
    h(
      'ol',
      {},
      W.stages.map((s) => {
        const name = s.pattern === 'custom' ? s.custom.name : (BUILTINS[W.kind].find(([id]) => id === s.pattern) || [])[1];
        return h(
          'li',
          {},
          s.pattern === 'custom' ? renderPattern(s.custom.mask, name) : '',
          ' ',
          name,
          s.prize ? ' — ' + money(s.prize, c.currency, t.lang) : '',
        );
      }),
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
  $('#wizard-error').textContent = '';
  if (n === 2) renderStages();
  if (n === 4) renderReview();
  const first = $(`#wizard-form fieldset[data-step="${n}"] input, #wizard-form fieldset[data-step="${n}"] select`);
  // The review has no field: focus "Create game" rather than lose it with the hidden "Next".
  if (first) first.focus();
  else if (n === 4) $('#wizard-create').focus();
}

$('#wizard-next').addEventListener('click', () => wizardStep(Math.min(4, W.step + 1)));
$('#wizard-back').addEventListener('click', () => wizardStep(Math.max(1, W.step - 1)));
$('#wizard-cancel').addEventListener('click', () => go('games'));
$('#wizard-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (W.step !== 4) {
    wizardStep(W.step + 1);
    return;
  }
  try {
    const created = await api('POST', '/api/v1/games', { body: config(), token: adminToken() });
    go('run', created.id);
  } catch (e) {
    $('#wizard-error').textContent = e.message;
  }
});
