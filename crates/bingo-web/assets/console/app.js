// The Console app: the caller logs in, creates a game with a short wizard, and runs it: open,
// start, next ball (or a keypad for a ball machine), auto-draw with a countdown, pause, the
// claims queue with the cards, paper cards to print, players, and the end with the seed.
// Fully keyboard operable: native controls everywhere, plus N / A / P / "/" shortcuts.

import { api, qrUrl } from '/shared/api.js';
import { GameSocket } from '/shared/socket.js';
import { loadStrings, applyStrings } from '/shared/i18n.js';
import { h, $, $$, fill, announce, connectionBadge } from '/shared/dom.js';
import { renderCard, renderPattern, SHAPE } from '/shared/card.js';
import { applyEvent, currentStage, ballCount, money, secondsUntil } from '/shared/game.js';

const t = await loadStrings('console');
applyStrings(document, t);

/** Built-in patterns per kind as [id, name] in the order offered, and each kind's usual stages:
 *  from the server (GET /api/v1/patterns), so the wizard always offers what the engine knows. */
const { BUILTINS, DEFAULT_STAGES } = await loadPatterns();

async function loadPatterns() {
  const res = await api('GET', '/api/v1/patterns');
  const builtins = {};
  for (const [kind, list] of Object.entries(res.kinds)) builtins[kind] = list.map((p) => [p.id, p.name]);
  return { BUILTINS: builtins, DEFAULT_STAGES: res.default_stages };
}

let token = sessionStorage.getItem('bingo.console.token');
let webConfig = { public_url: location.origin, lan_urls: [] };
let game = null; // { id, snap }
let socket = null;
const claims = []; // { key, event?, check?, card?, decided }
let tick = null;

// ---------------------------------------------------------------- plumbing

function show(view) {
  for (const id of ['login-view', 'games-view', 'wizard-view', 'run-view']) $('#' + id).hidden = id !== view;
  $('#logout').hidden = view === 'login-view';
}

function showError(e) {
  const box = $('#error');
  if (!e) {
    box.hidden = true;
    return;
  }
  box.textContent = t('error', { message: e.message || String(e) });
  box.hidden = false;
}

async function call(method, path, body) {
  try {
    showError(null);
    return await api(method, path, { body, token });
  } catch (e) {
    if (e.status === 401) {
      logout();
      throw e;
    }
    if (e.status === 409 && /another console/.test(e.message)) {
      $('#takeover-text').textContent = e.message;
      $('#takeover').hidden = false;
      $('#takeover-button').focus();
      throw e;
    }
    showError(e);
    throw e;
  }
}

function logout() {
  if (token) api('POST', '/api/v1/admin/logout', { token }).catch(() => {});
  token = null;
  sessionStorage.removeItem('bingo.console.token');
  if (socket) socket.close();
  socket = null;
  show('login-view');
  $('#passphrase').focus();
}

$('#logout').addEventListener('click', logout);

$('#login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    showError(null);
    const res = await api('POST', '/api/v1/admin/login', { body: { passphrase: $('#passphrase').value } });
    token = res.token;
    sessionStorage.setItem('bingo.console.token', token);
    $('#passphrase').value = '';
    route();
  } catch (e) {
    showError(e);
  }
});

// ---------------------------------------------------------------- games list

async function showGames() {
  show('games-view');
  history.replaceState(null, '', '/console');
  const res = await call('GET', '/api/v1/games');
  const list = $('#games');
  if (!res.games.length) {
    fill(list, h('li', { class: 'hint' }, t('no_games')));
    return;
  }
  fill(
    list,
    res.games.map((g) =>
      h(
        'li',
        { class: 'game-row' },
        h('span', {}, t('game_row', { kind: g.kind, code: g.join_code, state: t('state_' + g.state) })),
        h('button', { type: 'button', class: 'secondary', onclick: () => runGame(g.id) }, t('open_game')),
      ),
    ),
  );
}

$('#new-game').addEventListener('click', () => startWizard());

// ---------------------------------------------------------------- wizard

const W = { step: 1, kind: '90', stages: [] };

function startWizard() {
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
$('#wizard-cancel').addEventListener('click', () => showGames());
$('#wizard-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (W.step !== 4) {
    wizardStep(W.step + 1);
    return;
  }
  try {
    const created = await api('POST', '/api/v1/games', { body: config(), token });
    runGame(created.id);
  } catch (e) {
    $('#wizard-error').textContent = e.message;
  }
});

// ---------------------------------------------------------------- running a game

async function runGame(id) {
  show('run-view');
  history.replaceState(null, '', '/console?game=' + id);
  claims.length = 0;
  $('#takeover').hidden = true;
  $('#print-view').hidden = true;
  const snap = await call('GET', '/api/v1/games/' + id);
  game = { id, snap };
  render();
  loadPlayers();
  try {
    const past = await call('GET', `/api/v1/games/${id}/claims`);
    for (const ev of past.claims) addClaim(ev, false);
  } catch {
    /* shown */
  }
  if (socket) socket.close();
  socket = new GameSocket({
    hello: () => ({ admin_token: token, game_id: id }),
    lastSeq: snap.game.last_seq,
    epoch: snap.epoch,
    onWelcome: (msg) => {
      if (msg.mode === 'snapshot') game.snap = msg.snapshot;
      render();
    },
    onEvent: (frame) => {
      if (frame.seq > game.snap.game.last_seq) applyEvent(game.snap, frame.event, frame.seq);
      const ev = frame.event;
      if (ev.type === 'claim_accepted' || ev.type === 'claim_rejected') addClaim(ev, true);
      if (ev.type === 'ball_called') announce(String(ev.number));
      render();
    },
    onUpdate: (u) => {
      if (u.type === 'players') {
        game.snap.players = u.players;
        loadPlayers();
      } else if (u.type === 'auto_draw') {
        game.snap.auto_draw = { on: u.on, next_draw_at_ms: u.next_draw_at_ms };
      }
      render();
    },
    onResync: (s) => {
      game.snap = s;
      render();
    },
    onStatus: (status) => connectionBadge($('#conn'), t, status),
    onFatal: () => logout(),
  });
  socket.connect();
  const check = new URLSearchParams(location.search).get('check');
  if (check) checkSerial(Number(check));
}

async function command(path, body) {
  const res = await call('POST', `/api/v1/games/${game.id}/${path}`, body);
  // The answer's snapshot is at least as new as what the socket brought; events up to it are
  // then skipped when they arrive.
  if (res && res.snapshot && res.snapshot.game.last_seq >= game.snap.game.last_seq) game.snap = res.snapshot;
  render();
  return res;
}

$('#takeover-button').addEventListener('click', async () => {
  await call('POST', `/api/v1/games/${game.id}/control`);
  $('#takeover').hidden = true;
  announce(t('taken_over'));
});

/** Moves the focus on when the button that had it is hidden (Open → Start → Next ball or the keypad). */
function focusNext(from, to) {
  if (document.activeElement === from || document.activeElement === document.body) to.focus();
}

$('#btn-open').addEventListener('click', () =>
  command('open')
    .then(() => focusNext($('#btn-open'), $('#btn-start')))
    .catch(() => {}),
);
$('#btn-start').addEventListener('click', () =>
  command('start')
    .then(() => focusNext($('#btn-start'), game.snap.game.rules.draw_mode === 'manual' ? $('#keypad-input') : $('#btn-next')))
    .catch(() => {}),
);
$('#btn-next').addEventListener('click', () => nextBall());
$('#btn-auto').addEventListener('click', () => command('auto-draw', { on: !game.snap.auto_draw.on }).catch(() => {}));
$('#btn-pause').addEventListener('click', () => command(game.snap.game.state === 'paused' ? 'resume' : 'pause').catch(() => {}));
$('#btn-end').addEventListener('click', () => {
  if (confirm(t('end_confirm'))) command('finish').catch(() => {});
});
$('#btn-void').addEventListener('click', () => command('void').catch(() => {}));
$('#to-games').addEventListener('click', () => {
  if (socket) socket.close();
  socket = null;
  game = null;
  showGames();
});

let drawing = false;
async function nextBall() {
  if (drawing || !game) return;
  drawing = true;
  try {
    await command('draw');
  } catch {
    /* shown */
  } finally {
    drawing = false;
  }
}

$('#keypad-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const n = Number($('#keypad-input').value);
  if (!n) return;
  command('call', { number: n })
    .then(() => {
      $('#keypad-input').value = '';
    })
    .catch(() => {});
  $('#keypad-input').focus();
});

document.addEventListener('keydown', (ev) => {
  if (!game || $('#run-view').hidden || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const tag = (ev.target.tagName || '').toLowerCase();
  if (tag === 'input' || tag === 'textarea' || tag === 'select') return;
  const key = ev.key.toLowerCase();
  if (key === 'n' && game.snap.game.rules.draw_mode === 'random') {
    ev.preventDefault();
    nextBall();
  } else if (key === 'a') {
    ev.preventDefault();
    $('#btn-auto').click();
  } else if (key === 'p') {
    ev.preventDefault();
    $('#btn-pause').click();
  } else if (key === '/') {
    ev.preventDefault();
    $('#check-serial').focus();
  }
});

// ---------------------------------------------------------------- claims

async function cardCheck(serial) {
  return call('GET', `/api/v1/games/${game.id}/cards/${serial}`);
}

function addClaim(ev, fresh) {
  const key = ev.seq ? 'e' + ev.seq : `e${ev.type}-${ev.serial}-${ev.call}`;
  if (claims.some((c) => c.key === key)) return;
  const item = { key, event: ev, card: null };
  claims.unshift(item);
  // The card, to show the completing numbers in place.
  cardCheck(ev.serial)
    .then((res) => {
      item.card = res.card;
      renderClaims();
    })
    .catch(() => {});
  renderClaims();
  if (fresh) {
    announce(
      ev.type === 'claim_accepted'
        ? t('claim_accepted', { serial: ev.serial, label: ev.label })
        : t('claim_rejected', { serial: ev.serial, message: ev.message }),
      true,
    );
  }
}

async function checkSerial(serial) {
  if (!serial) return;
  try {
    const res = await cardCheck(serial);
    claims.unshift({ key: 'c' + Date.now(), check: res, card: res.card, serial, decided: null });
    renderClaims();
    const accept = $('#claims .claim-item button.success');
    if (accept) accept.focus();
  } catch {
    /* shown */
  }
}

$('#check-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const serial = Number($('#check-serial').value);
  $('#check-serial').value = '';
  checkSerial(serial);
});

function renderClaims() {
  const list = $('#claims');
  if (!claims.length) {
    fill(list, h('li', { class: 'hint' }, t('no_claims')));
    return;
  }
  const called = new Set(game.snap.game.calls);
  fill(
    list,
    claims.slice(0, 30).map((c) => {
      if (c.event) {
        const ev = c.event;
        const ok = ev.type === 'claim_accepted';
        return h(
          'li',
          { class: 'claim-item ' + (ok ? 'ok' : 'no') },
          h('p', { class: 'claim-head' }, ok ? t('claim_accepted', { serial: ev.serial, label: ev.label }) : t('claim_rejected', { serial: ev.serial, message: ev.message })),
          c.card ? renderCard(c.card, { t, called, highlight: new Set(ok ? ev.numbers : []) }) : '',
          h('button', { type: 'button', class: 'ghost', onclick: () => { claims.splice(claims.indexOf(c), 1); renderClaims(); } }, t('dismiss')),
        );
      }
      // A paper card checked by serial: the caller accepts (the engine still decides) or rejects.
      const won = c.check.verdict.verdict === 'won';
      const text = won ? t('verdict_won', { serial: c.serial, message: c.check.message }) : t('verdict_not', { serial: c.serial, message: c.check.message });
      const stage = currentStage(game.snap);
      const hl = won && stage ? new Set(c.card.grid.flat().filter((n, i) => n && stage.pictures[c.check.verdict.alternative].join('')[i] === 'X')) : new Set();
      return h(
        'li',
        { class: 'claim-item paper ' + (won ? 'ok' : 'no') },
        h('p', { class: 'claim-head' }, text),
        renderCard(c.card, { t, called, highlight: hl }),
        c.decided
          ? h('p', { class: 'hint' }, c.decided)
          : h(
              'div',
              { class: 'inline' },
              h('button', {
                type: 'button',
                class: 'success',
                onclick: async () => {
                  try {
                    const ev = await call('POST', `/api/v1/games/${game.id}/claims`, { serial: c.serial });
                    claims.splice(claims.indexOf(c), 1);
                    addClaim(ev, true);
                  } catch {
                    /* shown */
                  }
                },
              }, t('accept')),
              h('button', { type: 'button', class: 'danger', onclick: () => { c.decided = t('rejected_by_caller'); renderClaims(); } }, t('reject')),
            ),
      );
    }),
  );
}

// ---------------------------------------------------------------- players, paper, results

async function loadPlayers() {
  try {
    const res = await call('GET', `/api/v1/games/${game.id}/players`);
    fill(
      $('#players'),
      res.players.length
        ? res.players.map((p) => h('li', {}, t('player_row', { nick: p.nickname, cards: p.cards.join(', ') })))
        : [h('li', { class: 'hint' }, t('no_players'))],
    );
  } catch {
    /* shown */
  }
}

$('#paper-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const count = Number($('#paper-count').value) || 1;
  const res = await call('POST', `/api/v1/games/${game.id}/paper`, { count }).catch(() => null);
  if (!res) return;
  const code = game.snap.join_code;
  const base = webConfig.public_url;
  fill(
    $('#print-sheets'),
    res.cards.map((card) =>
      h(
        'article',
        { class: 'paper-card' },
        h('header', {}, h('strong', {}, t('paper_title', { code })), h('span', { class: 'serial' }, t('paper_card', { serial: card.serial }))),
        h('div', { class: 'paper-body' },
          renderCard(card, { t }),
          h('figure', {}, h('img', { src: qrUrl(`${base}/console?game=${game.id}&check=${card.serial}`), alt: t('paper_card', { serial: card.serial }), width: 96, height: 96 }), h('figcaption', {}, t('paper_scan')))),
      ),
    ),
  );
  $('#print-view').hidden = false;
  document.body.classList.add('printing');
  $('#do-print').focus();
});
$('#do-print').addEventListener('click', () => window.print());
$('#close-print').addEventListener('click', () => {
  $('#print-view').hidden = true;
  document.body.classList.remove('printing');
});

// ---------------------------------------------------------------- drawing the run view

let playersShown = -1;

function render() {
  if (!game) return;
  const s = game.snap;
  if (s.players !== playersShown) {
    playersShown = s.players;
    loadPlayers();
  }
  const g = s.game;
  const last = g.calls[g.calls.length - 1];
  $('#run-code').textContent = s.join_code;
  $('#run-kind').textContent = t('kind_label', { kind: g.kind });
  $('#run-state').textContent = t('state_' + g.state);
  $('#run-state').dataset.state = g.state;
  $('#run-players').textContent = t('players_n', { n: s.players });
  $('#screen-link').href = '/screen?code=' + s.join_code;
  $('#run-ball').textContent = last || '–';
  $('#run-calls').textContent = t('calls_n', { n: g.calls.length });
  const stage = currentStage(s);
  $('#run-stage').textContent = stage
    ? t('stage_line', { n: g.stage + 1, total: g.stages.length, name: stage.name }) + (stage.prize ? ' · ' + money(stage.prize, g.rules.currency, t.lang) : '')
    : '';
  const finalWon = g.pending_winners.length && g.stage === g.stages.length - 1;
  $('#run-note').textContent =
    g.state === 'finished' ? '' : finalWon ? t('final_won') : g.pending_winners.length ? t('stage_done') : '';
  const manual = g.rules.draw_mode === 'manual';
  const st = g.state;
  $('#btn-open').hidden = st !== 'created';
  $('#btn-start').hidden = st !== 'open';
  $('#btn-next').hidden = manual || !(st === 'running' || st === 'paused');
  $('#btn-next').disabled = st !== 'running' || !!finalWon;
  $('#btn-auto').hidden = manual || !g.rules.auto_draw_ms || !(st === 'running' || st === 'paused');
  $('#btn-auto').textContent = s.auto_draw.on ? t('auto_off') : t('auto_on');
  $('#btn-auto').setAttribute('aria-pressed', String(!!s.auto_draw.on));
  $('#btn-pause').hidden = !(st === 'running' || st === 'paused');
  $('#btn-pause').textContent = st === 'paused' ? t('resume') : t('pause');
  $('#btn-end').hidden = st === 'finished' || st === 'created';
  $('#keypad-form').hidden = !manual || !(st === 'running' || st === 'paused');
  if (manual && !$('#keypad-grid').childElementCount) {
    fill(
      $('#keypad-grid'),
      Array.from({ length: ballCount(g.kind) }, (_, i) =>
        h('button', { type: 'button', class: 'key', dataset: { n: i + 1 }, onclick: () => command('call', { number: i + 1 }).catch(() => {}) }, String(i + 1)),
      ),
    );
  }
  const called = new Set(g.calls);
  for (const key of $$('#keypad-grid .key')) key.disabled = called.has(Number(key.dataset.n));
  fill(
    $('#run-board'),
    Array.from({ length: ballCount(g.kind) }, (_, i) => h('span', { class: called.has(i + 1) ? 'on' : '' }, String(i + 1))),
  );
  $('#run-board').style.setProperty('--cols', g.kind === '75' ? 15 : 10);
  fill(
    $('#results'),
    g.results.map((r) =>
      h('li', {}, t('result_line', {
        stage: g.stages[r.stage] ? g.stages[r.stage].name : '',
        serials: r.winners.map((w) => w.serial).join(', '),
        amount: r.winners.map((w) => money(w.amount, g.rules.currency, t.lang)).join(' + ') || '0',
      })),
    ),
  );
  $('#fair-label').textContent = g.seed ? t('seed') : t('commitment');
  $('#fair-value').textContent = g.seed || g.commitment;
  renderClaims();
  clearInterval(tick);
  const countdown = $('#countdown');
  if (s.auto_draw.on && s.auto_draw.next_draw_at_ms && st === 'running') {
    const update = () => {
      countdown.textContent = t('next_in', { s: secondsUntil(s.auto_draw.next_draw_at_ms) });
    };
    update();
    tick = setInterval(update, 250);
  } else {
    countdown.textContent = '';
  }
}

// ---------------------------------------------------------------- start

async function route() {
  try {
    webConfig = await api('GET', '/api/v1/web/config');
  } catch {
    /* keep this page's own address */
  }
  if (!token) {
    show('login-view');
    $('#passphrase').focus();
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

route();
