// The Screen app: a projector or TV at the front of the hall. Read-only: says hello with the
// game's join code and shows the current ball, the board, the stage, how to join, winners and
// the fairness commitment (then the revealed seed). Optional voice caller. In a session, the
// interval between games (interval.js), then the next game by itself.

import { api, qrUrl } from '/shared/api.js';
import { GameSocket } from '/shared/socket.js';
import { loadStrings, applyStrings } from '/shared/i18n.js';
import { h, $, fill, announce, connectionBadge } from '/shared/dom.js';
import { renderCard, renderPatternWays, fillBall, SHAPE } from '/shared/card.js';
import { applyEvent, currentStage, ballLetter, ballCount, money, columnOf, who } from '/shared/game.js';
import { showAnnouncement } from '/shared/announcement.js';
import { intervalFor, stopInterval } from './interval.js';

const t = await loadStrings('screen');
applyStrings(document, t);

const params = new URLSearchParams(location.search);
let code = (params.get('code') || '').trim().toUpperCase();
let snap = null;
let socket = null;
let webConfig = { public_url: location.origin, lan_urls: [] };
const settings = loadSettings();
let overlayTimer = null;
/** The card the caller is checking (the `checking` update), shown until its verdict. */
let checking = null;

function loadSettings() {
  try {
    return { voice: false, traditional: false, ...JSON.parse(localStorage.getItem('bingo.screen.v1') || '{}') };
  } catch {
    return { voice: false, traditional: false };
  }
}

function saveSettings() {
  localStorage.setItem('bingo.screen.v1', JSON.stringify(settings));
}

// ---------------------------------------------------------------- picking a game

$('#pick-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const value = $('#pick-code').value.trim().toUpperCase();
  try {
    await api('GET', '/api/v1/screen/' + encodeURIComponent(value));
    code = value;
    history.replaceState(null, '', '/screen?code=' + encodeURIComponent(code));
    start();
  } catch (e) {
    $('#pick-error').textContent = e.status === 404 ? t('not_found') : e.message;
  }
});

// ---------------------------------------------------------------- voice

function speak(n) {
  if (!settings.voice || !('speechSynthesis' in window) || !snap) return;
  const kind = snap.game.kind;
  let text =
    kind === '75' ? t('say_number_75', { letter: ballLetter(kind, n), n }) : t('say_number', { n });
  if (settings.traditional && kind === '90') {
    const calls = t('calls');
    const nick = Array.isArray(calls) ? calls[n] : '';
    if (nick) text = `${nick}, ${n === 1 ? t('say_one') : n}`;
  }
  const u = new SpeechSynthesisUtterance(text);
  u.lang = t.lang;
  u.rate = 0.9;
  speechSynthesis.cancel();
  speechSynthesis.speak(u);
}

function renderControls() {
  const voice = $('#voice');
  voice.textContent = settings.voice ? t('voice_on') : t('voice_off');
  voice.setAttribute('aria-pressed', String(settings.voice));
  const trad = $('#traditional');
  trad.textContent = settings.traditional ? t('traditional_on') : t('traditional_off');
  trad.setAttribute('aria-pressed', String(settings.traditional));
  trad.hidden = !snap || snap.game.kind !== '90';
}

$('#voice').addEventListener('click', () => {
  settings.voice = !settings.voice;
  saveSettings();
  renderControls();
});
$('#traditional').addEventListener('click', () => {
  settings.traditional = !settings.traditional;
  saveSettings();
  renderControls();
});
$('#fullscreen').addEventListener('click', () => {
  if (document.fullscreenElement) document.exitFullscreen();
  else document.documentElement.requestFullscreen().catch(() => {});
});

// ---------------------------------------------------------------- drawing

function renderBoard() {
  const g = snap.game;
  const called = new Set(g.calls);
  const last = g.calls[g.calls.length - 1];
  const board = $('#board');
  const total = ballCount(g.kind);
  board.className = 'board kind-' + g.kind;
  const cell = (n) => h('span', { class: 'num' + (called.has(n) ? ' on' : '') + (n === last ? ' last' : '') }, String(n));
  if (g.kind === '75') {
    fill(
      board,
      [...'BINGO'].map((letter, row) =>
        h(
          'div',
          { class: 'board-row' },
          h('span', { class: 'letter' }, letter),
          Array.from({ length: 15 }, (_, i) => cell(row * 15 + i + 1)),
        ),
      ),
    );
  } else {
    fill(board, Array.from({ length: total }, (_, i) => cell(i + 1)));
  }
}

function renderStage() {
  const g = snap.game;
  const stage = currentStage(snap);
  const el = $('#stage');
  if (!stage) {
    fill(el, h('p', { class: 'stage-name' }, g.state === 'finished' ? t('state_finished') : t('all_stages_done')));
    return;
  }
  const ways = stage.pictures.length;
  fill(
    el,
    h(
      'div',
      { class: 'stage-diagrams' },
      renderPatternWays(stage.pictures, ways > 1 ? t('pattern_ways', { name: stage.name, n: ways }) : stage.name),
      ways > 1 ? h('p', { class: 'ways', 'aria-hidden': 'true' }, t('ways', { n: ways })) : '',
    ),
    h(
      'div',
      {},
      h('p', { class: 'hint' }, t('stage_of', { n: g.stage + 1, total: g.stages.length })),
      h('p', { class: 'stage-name' }, stage.name),
      stage.prize ? h('p', { class: 'stage-prize' }, t('prize', { amount: money(stage.prize, g.rules.currency, t.lang) })) : '',
      // The hall's snowball, while a full house can still win it: one claimed on or before call
      // `within` wins, so it is still shown once call `within` is made.
      g.snowball && !g.snowball.outcome && g.calls.length <= g.snowball.within
        ? h('p', { class: 'stage-snowball' }, t('iv_snowball_pot', { amount: money(g.snowball.pot, g.rules.currency, t.lang), n: g.snowball.within }))
        : '',
    ),
  );
}

function renderJoin() {
  const g = snap.game;
  const url = `${webConfig.public_url}/player?code=${snap.join_code}`;
  // The address may break only after a "/" or before "?": never inside a name or the code.
  const shown = url.replace(/^https?:\/\//, '');
  fill($('#join-url'), shown.split(/(?<=\/)|(?=\?)/).flatMap((part, i) => [i ? h('wbr', {}) : '', h('span', { class: 'url-part' }, part)]));
  $('#join-qr').src = qrUrl(url);
  $('#join-qr').alt = url;
  const ips = webConfig.lan_urls.filter((u) => u !== webConfig.public_url).map((u) => u.replace(/^https?:\/\//, ''));
  $('#join-ip-line').hidden = !ips.length;
  // Each address stays whole on one line; a long list wraps between addresses.
  fill($('#join-ips'), ips.flatMap((ip, i) => [i ? '  ·  ' : '', h('span', { class: 'join-ip' }, ip)]));
  $('#join-code').textContent = snap.join_code;
  // The name is untrusted text: textContent, never HTML.
  $('#show-title').textContent = g.name ? t('show_title_named', { name: g.name, code: snap.join_code }) : t('show_title', { code: snap.join_code });
  $('#show-name').textContent = g.name;
  $('#show-name').hidden = !g.name;
  $('#players').textContent = t('players', { n: snap.players });
  $('#join-panel').classList.toggle('compact', g.state !== 'open' && g.state !== 'created');
  shrinkToFit($('#join-url'));
}

/** Makes `el`'s text smaller until its longest unbreakable part fits its width (a long public
 *  address on a narrow panel), down to half its size. */
function shrinkToFit(el) {
  el.style.fontSize = '';
  let scale = 1;
  while (el.scrollWidth > el.clientWidth + 1 && scale > 0.5) {
    scale -= 0.05;
    el.style.fontSize = `calc(${scale} * var(--url-size))`;
  }
}

/** What a stage's winners were paid, as the engine split it: "£10.00", "£5.00 each", or each
 *  winner's own amount when the prize did not divide evenly ("Ann · card 3 £5.01, card 7 £5.00"). */
function paid(winners, currency) {
  const amount = (w) => money(w.amount, currency, t.lang);
  if (winners.length === 1) return amount(winners[0]);
  if (winners.every((w) => w.amount === winners[0].amount)) return t('share', { amount: amount(winners[0]) });
  return winners.map((w) => t('card_amount', { who: who(t, w.serial, w.name), amount: amount(w) })).join(', ');
}

/** "Ann · card 14, card 20": winners (`{serial, name}`) as the hall knows them. */
function whoList(winners) {
  return winners.map((w) => who(t, w.serial, w.name)).join(', ');
}

/** The settled stages' winners as list items (the interval shows the last game's). */
function winnerRows() {
  const g = snap.game;
  return g.results.map((r) => {
    const stage = g.stages[r.stage];
    return h(
      'li',
      {},
      h('strong', {}, t('stage_winners', { stage: stage ? stage.name : '', winners: whoList(r.winners) })),
      r.prize && r.winners.length ? h('span', { class: 'share' }, ' · ' + paid(r.winners, g.rules.currency)) : '',
    );
  });
}

function renderWinners() {
  const g = snap.game;
  const rows = winnerRows();
  const pending = g.pending_winners.length
    ? [
        h(
          'li',
          { class: 'pending' },
          h('strong', {}, t('stage_winners', { stage: currentStage(snap)?.name || '', winners: whoList(pendingWinners(g)) })),
        ),
      ]
    : [];
  // Newest first: when the list is longer than the room for it, the oldest are cut.
  fill($('#winners'), pending, rows.reverse());
  $('#winners-panel').hidden = !rows.length && !pending.length;
  fitWinners();
}

/** The current stage's accepted claims, not yet settled, as `{serial, name}`. */
function pendingWinners(g) {
  return g.pending_winners.map((serial, i) => ({ serial, name: (g.pending_names || [])[i] }));
}

/** Shows only the winners that fit whole in their panel (the newest), none cut in half. */
function fitWinners() {
  const panel = $('#winners-panel');
  if (panel.hidden) return;
  const items = [...panel.querySelectorAll('li')];
  for (const li of items) li.hidden = false;
  const bottom = panel.getBoundingClientRect().bottom - parseFloat(getComputedStyle(panel).paddingBottom);
  for (const li of items) li.hidden = li.getBoundingClientRect().bottom > bottom + 1;
}

window.addEventListener('resize', () => {
  if (!snap) return;
  fitWinners();
  shrinkToFit($('#join-url'));
});

function renderFairness() {
  const g = snap.game;
  if (g.seed) {
    $('#fair-text').textContent = t('seed');
    $('#fair-value').textContent = g.seed;
    $('#fair-value').classList.add('seed');
  } else {
    $('#fair-text').textContent = t('commitment');
    $('#fair-value').textContent = g.commitment;
    $('#fair-value').classList.remove('seed');
  }
  document.body.classList.toggle('pregame', g.calls.length === 0 && !g.seed);
  document.body.classList.toggle('over', !!g.seed || g.state === 'finished');
}

function render() {
  if (!snap) return;
  const g = snap.game;
  const last = g.calls[g.calls.length - 1];
  const now = $('#now-ball');
  fillBall(now, g.kind, last);
  now.classList.toggle('empty', !last);
  $('#now-count').textContent = last
    ? t('calls_count', { n: g.calls.length, total: ballCount(g.kind) })
    : t('no_ball_yet');
  fill(
    $('#last-balls'),
    g.calls
      .slice(-6, -1)
      .reverse()
      .map((n) => fillBall(h('span', { class: 'ball small-ball' }), g.kind, n)),
  );
  renderStateLine();
  showAnnouncement($('#announcement'), t, snap.announcement);
  renderBoard();
  renderStage();
  renderJoin();
  renderWinners();
  renderFairness();
  renderControls();
  // A game of a session is over: the interval, when another game follows.
  if (g.state === 'finished') {
    intervalFor(snap, snap.game_id, { t, webConfig, winners: winnerRows, onMove: moveTo });
  }
}

/** Shows game `next` (the session's next game) in place of this one. */
function moveTo(next) {
  if (socket) socket.close();
  socket = null;
  snap = null;
  checking = null;
  clearTimeout(overlayTimer);
  $('#winner-overlay').hidden = true;
  code = next;
  history.replaceState(null, '', '/screen?code=' + encodeURIComponent(code));
  start();
}

/** The game's state, or the card the caller is checking while a running game waits for it. */
function renderStateLine() {
  const line = $('#state-line');
  const shown = checking !== null && (snap.game.state === 'running' || snap.game.state === 'paused');
  line.textContent = shown ? t('checking', { serial: checking }) : t('state_' + snap.game.state);
  line.classList.toggle('checking', shown);
}

/** The winning card as far as the claim tells: its shape with the completing numbers in place. */
function winnerCard(ev) {
  const [rows, cols] = SHAPE[snap.game.kind] || [3, 9];
  // `cells` are the pattern's cells (blanks too), `numbers` its numbered ones, both in card
  // order: each number goes to the next cell in its column.
  const at = new Map();
  let next = 0;
  for (const n of ev.numbers) {
    while (next < ev.cells.length && ev.cells[next][1] !== columnOf(snap.game.kind, n)) next++;
    if (next < ev.cells.length) at.set(ev.cells[next][0] + ':' + ev.cells[next][1], n);
    next++;
  }
  const grid = h('div', { class: `card-grid kind-${snap.game.kind}`, style: `--cols:${cols};--rows:${rows}` });
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const n = at.get(r + ':' + c);
      grid.append(h('span', { class: 'cell' + (n ? ' hl' : ' blank') }, n ? String(n) : ''));
    }
  }
  return grid;
}

function showWinner(ev) {
  const g = snap.game;
  const stage = g.stages[ev.stage];
  const overlay = $('#winner-overlay');
  fill(
    overlay,
    h(
      'div',
      { class: 'overlay-box' },
      h('p', { class: 'overlay-title' }, t('winner_banner')),
      h('p', { class: 'overlay-card' }, ev.name ? t('winner_card_named', { name: ev.name, serial: ev.serial }) : t('winner_card', { serial: ev.serial })),
      h('p', { class: 'overlay-what' }, t('winner_what', { stage: stage ? stage.name : '', label: ev.label })),
      h('div', { class: 'overlay-grid' }, winnerCard(ev)),
      h('p', { class: 'overlay-numbers' }, t('winner_numbers', { numbers: ev.numbers.join(', ') })),
    ),
  );
  overlay.hidden = false;
  // Then the whole card, with the completing numbers highlighted.
  api('GET', `/api/v1/screen/${encodeURIComponent(snap.join_code)}/winners/${ev.serial}`)
    .then((res) => {
      const slot = overlay.querySelector('.overlay-grid');
      if (slot && res && res.card) fill(slot, renderCard(res.card, { t, highlight: new Set(ev.numbers) }));
    })
    .catch(() => {});
  clearTimeout(overlayTimer);
  overlayTimer = setTimeout(() => {
    overlay.hidden = true;
  }, 15000);
}

function onEvent(frame) {
  const ev = frame.event;
  applyEvent(snap, ev, frame.seq);
  const live = Date.now() - (frame.published_at_ms || 0) < 5000;
  if (ev.type === 'ball_called') {
    $('#winner-overlay').hidden = true;
    const kind = snap.game.kind;
    announce(kind === '75' ? t('ball_announce_75', { letter: ballLetter(kind, ev.number), n: ev.number }) : t('ball_announce', { n: ev.number }));
    if (live) speak(ev.number);
  }
  // A ball or the card's claim ends its check.
  if (ev.type === 'ball_called' || ((ev.type === 'claim_accepted' || ev.type === 'claim_rejected') && ev.serial === checking)) checking = null;
  if (ev.type === 'claim_accepted') {
    showWinner(ev);
    announce(t('winner_banner') + ' ' + who(t, ev.serial, ev.name) + ', ' + ev.label);
  }
  render();
}

async function start() {
  stopInterval();
  $('#pick-view').hidden = true;
  $('#show-view').hidden = false;
  try {
    webConfig = await api('GET', '/api/v1/web/config');
  } catch {
    /* keep this page's own address */
  }
  socket = new GameSocket({
    hello: () => ({ join_code: code }),
    onWelcome: (msg) => {
      if (msg.mode === 'snapshot' || !snap) snap = msg.snapshot;
      render();
    },
    onEvent,
    onUpdate: (u) => {
      if (u.type === 'players' && snap) {
        snap.players = u.players;
        renderJoin();
      } else if (u.type === 'checking' && snap) {
        checking = u.serial;
        renderStateLine();
        if (checking !== null) announce(t('checking', { serial: checking }));
      } else if (u.type === 'announcement' && snap) {
        snap.announcement = u.text;
        showAnnouncement($('#announcement'), t, u.text);
        if (snap.game.state === 'finished') render();
      }
    },
    onResync: (s) => {
      snap = s;
      render();
    },
    onStatus: (status) => connectionBadge($('#conn'), t, status),
    onFatal: () => {
      $('#show-view').hidden = true;
      $('#pick-view').hidden = false;
      $('#pick-error').textContent = t('conn_failed');
    },
  });
  socket.connect();
}

if (code) {
  start();
} else {
  $('#pick-view').hidden = false;
  $('#pick-code').focus();
}
