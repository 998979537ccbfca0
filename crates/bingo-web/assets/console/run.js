// Running a game: open, start, next ball (or a keypad for a ball machine), auto-draw with a
// countdown, pause, end; the board, the stage, the results and the fairness values. The game's
// snapshot is kept up to date by the socket; the panels (claims, players, paper) get what they
// need from here.

import { GameSocket } from '/shared/socket.js';
import { h, $, $$, fill, announce, connectionBadge } from '/shared/dom.js';
import { applyEvent, currentStage, ballCount, money, secondsUntil, who } from '/shared/game.js';
import { fillBall } from '/shared/card.js';
import { t } from './t.js';
import { call, adminToken, logout, onLogout } from './session.js';
import { go, show, onLeave } from './nav.js';
import { resetClaims, loadPastClaims, addClaim, checkSerial, renderClaims } from './claims.js';
import { resetPlayers, showPlayers } from './players.js';
import { resetPaper } from './paper.js';
import { resetAnnouncement, showAnnouncementNow } from './announce.js';
import { resetSales, salesChanged, salesSnapshot, stopSales } from './sales.js';

/** The game being run: { id, snap } (null when none), its socket and the countdown's timer. */
let game = null;
let socket = null;
let tick = null;
/** A "Next ball" under way (a held key must not draw twice). */
let drawing = false;

function stop() {
  if (socket) socket.close();
  socket = null;
  game = null;
  clearInterval(tick);
  stopSales();
}

onLogout(stop);
onLeave((view) => {
  if (view !== 'run-view' && game) stop();
});

export async function runGame(id) {
  show('run-view');
  history.replaceState(null, '', '/console?game=' + id);
  $('#takeover').hidden = true;
  const snap = await call('GET', '/api/v1/games/' + id);
  game = { id, snap };
  resetClaims(id, () => game.snap);
  resetPlayers(id);
  resetPaper(id, snap.join_code, snap.game.name);
  resetAnnouncement(id);
  resetSales(id, snap);
  salesSnapshot(() => game.snap);
  render();
  loadPastClaims();
  if (socket) socket.close();
  socket = new GameSocket({
    hello: () => ({ admin_token: adminToken(), game_id: id }),
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
      if (ev.type !== 'ball_called' || firstBall()) salesChanged();
      render();
    },
    onUpdate: (u) => {
      if (u.type === 'players') {
        game.snap.players = u.players;
        showPlayers(u.players, true);
        salesChanged();
      } else if (u.type === 'auto_draw') {
        game.snap.auto_draw = { on: u.on, next_draw_at_ms: u.next_draw_at_ms };
      } else if (u.type === 'announcement') {
        game.snap.announcement = u.text;
      } else {
        return; // `checking` is this console's own news, for the Screen
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

/** The first ball closes the sales: the pools are final from then. */
function firstBall() {
  return game.snap.game.calls.length === 1;
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
  stop();
  go('games');
});

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

// ---------------------------------------------------------------- drawing the run view

function render() {
  if (!game) return;
  const s = game.snap;
  showPlayers(s.players);
  const g = s.game;
  const last = g.calls[g.calls.length - 1];
  $('#run-code').textContent = s.join_code;
  // The name is untrusted text: textContent, never HTML.
  $('#run-name').textContent = g.name || '';
  $('#run-name').hidden = !g.name;
  $('#run-kind').textContent = t('kind_label', { kind: g.kind });
  $('#run-state').textContent = t('state_' + g.state);
  $('#run-state').dataset.state = g.state;
  $('#run-players').textContent = t('players_n', { n: s.players });
  $('#screen-link').href = '/screen?code=' + s.join_code;
  if (last) fillBall($('#run-ball'), g.kind, last);
  else $('#run-ball').textContent = '–';
  $('#run-calls').textContent = t('calls_n', { n: g.calls.length });
  const stage = currentStage(s);
  $('#run-stage').textContent = stage
    ? t('stage_line', { n: g.stage + 1, total: g.stages.length, name: stage.name }) + (stage.prize ? ' · ' + money(stage.prize, g.rules.currency, t.lang) : '')
    : '';
  const finalWon = g.pending_winners.length > 0 && g.stage === g.stages.length - 1;
  // Nothing left to draw for: the last stage is won (or every stage settled).
  const done = finalWon || !stage;
  $('#run-note').textContent =
    g.state === 'finished' ? '' : finalWon ? t('final_won') : g.pending_winners.length ? t('stage_done') : '';
  const manual = g.rules.draw_mode === 'manual';
  const st = g.state;
  $('#btn-open').hidden = st !== 'created';
  $('#btn-start').hidden = st !== 'open';
  $('#btn-next').hidden = manual || !(st === 'running' || st === 'paused');
  $('#btn-next').disabled = st !== 'running' || done;
  $('#btn-auto').hidden = manual || !g.rules.auto_draw_ms || !(st === 'running' || st === 'paused');
  // Auto-draw can still be stopped, never started, once there is nothing left to draw for.
  $('#btn-auto').disabled = done && !s.auto_draw.on;
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
        winners: r.winners.map((w) => who(t, w.serial, w.name)).join(', '),
        amount: r.winners.map((w) => money(w.amount, g.rules.currency, t.lang)).join(' + ') || '0',
      })),
    ),
  );
  // The end-of-game report (report.html): its figures come from the ledger, so only once it is complete.
  $('#report-row').hidden = st !== 'finished';
  $('#report-link').href = '/console/report.html?game=' + encodeURIComponent(game.id);
  $('#fair-label').textContent = g.seed ? t('seed') : t('commitment');
  $('#fair-value').textContent = g.seed || g.commitment;
  renderClaims();
  showAnnouncementNow(s.announcement);
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
