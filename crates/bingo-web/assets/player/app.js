// The Player app: join by code (or continue with a recovery code), then play: cards sorted by
// how close they are, tap to daub (or auto-daub), a BINGO button, and a clear signal on a win.
// The session lives in localStorage so a reload or a dropped Wi-Fi comes back where it was.

import { api } from '/shared/api.js';
import { GameSocket } from '/shared/socket.js';
import { t } from './t.js';
import { show, showJoin, onJoined, errorText } from './join.js';
import { h, $, fill, announce, beep, vibrate, connectionBadge, reducedMotion } from '/shared/dom.js';
import { renderCard, renderPatternWays, fillBall } from '/shared/card.js';
import { applyEvent, toGo, currentStage, ballLetter, money, who } from '/shared/game.js';
import { showAnnouncement } from '/shared/announcement.js';
import { nextFor, stopNext } from './next.js';

const KEY = 'bingo.player.v1';

/** The session: who we are and what we know of the game (null before joining). */
let S = loadSession();
let socket = null;
/** Numbers called this stage that already raised the win alert, by "stage:serial". */
const alerted = new Set();

function loadSession() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || 'null');
  } catch {
    return null;
  }
}

function save() {
  if (S) localStorage.setItem(KEY, JSON.stringify(S));
  else localStorage.removeItem(KEY);
}

const params = new URLSearchParams(location.search);
const urlCode = (params.get('code') || '').trim().toUpperCase();

onJoined(begin);

/** A phone that has just joined (or, `recovered`, come back with its recovery code; or, with
 *  `keep`, moved on to the next game of its session, keeping its settings). */
function begin(code, joined, recovered = false, keep = null) {
  S = {
    join_code: code,
    game_id: joined.game_id,
    token: joined.player_token,
    recovery_code: joined.recovery_code,
    nickname: joined.nickname,
    cards: joined.cards,
    daubs: [],
    pending: [],
    snap: null,
    last_seq: 0,
    epoch: null,
    auto_daub: false,
    sound: true,
    // The recovery code stays in view until the player says they have it (not when they typed it).
    recovery_noted: recovered,
    ...keep,
  };
  save();
  history.replaceState(null, '', '/player?code=' + encodeURIComponent(code));
  play();
  if (keep) return;
  // The focus follows the player into the game: to the recovery code to note, else the game.
  $(S.recovery_noted ? '#game-title' : '#recovery-note').focus();
}

// ---------------------------------------------------------------- playing

function daubSet() {
  return new Set(S.daubs.map(([s, n]) => s + ':' + n));
}

function calledSet() {
  return new Set(S.snap ? S.snap.game.calls : []);
}

function setDaub(serial, number, on) {
  const key = serial + ':' + number;
  const had = daubSet().has(key);
  if (had === on) return;
  S.daubs = on ? [...S.daubs, [serial, number]] : S.daubs.filter(([s, n]) => s + ':' + n !== key);
  S.pending = [...S.pending.filter(([s, n]) => s + ':' + n !== key), [serial, number, on]];
  save();
  sendDaub(serial, number, on);
}

function sendDaub(serial, number, on) {
  if (!socket) return;
  socket
    .request({ type: 'daub', serial, number, on })
    .then(() => {
      S.pending = S.pending.filter(([s, n, o]) => !(s === serial && n === number && o === on));
      save();
    })
    .catch(() => {
      /* stays pending; sent again after the next welcome */
    });
}

function tap(serial, number) {
  if (!calledSet().has(number)) {
    announce(t('cell', { n: number }));
    return;
  }
  const on = !daubSet().has(serial + ':' + number);
  setDaub(serial, number, on);
  render();
}

function autoDaub() {
  if (!S.auto_daub || !S.snap || !S.snap.game.rules.auto_daub) return;
  const called = calledSet();
  const daubed = daubSet();
  for (const card of S.cards) {
    for (const n of card.grid.flat()) {
      if (n && called.has(n) && !daubed.has(card.serial + ':' + n)) setDaub(card.serial, n, true);
    }
  }
}

/** The stage being played for: none once the game is over or every stage is settled. */
function stageInPlay() {
  return S.snap.game.state === 'finished' ? null : currentStage(S.snap);
}

/** What this phone's cards won in settled stages: { serial, stage (its name), amount }. */
function myWins() {
  const g = S.snap.game;
  const mine = new Set(S.cards.map((c) => c.serial));
  return g.results.flatMap((r) =>
    r.winners
      .filter((w) => mine.has(w.serial))
      .map((w) => ({ serial: w.serial, stage: g.stages[r.stage] ? g.stages[r.stage].name : '', amount: r.prize ? w.amount : 0 })),
  );
}

function amountOf(w) {
  return money(w.amount, S.snap.game.rules.currency, t.lang);
}

/** "One line with card 12 (£10.00)". */
function winText(w) {
  return w.amount
    ? t('won_item', { stage: w.stage, serial: w.serial, amount: amountOf(w) })
    : t('won_item_free', { stage: w.stage, serial: w.serial });
}

/** Each card with its to-go for the current stage, closest first (once every stage is
 *  settled, the cards that won first). */
function rankedCards() {
  const stage = stageInPlay();
  const called = calledSet();
  const won = new Set(stage ? [] : myWins().map((w) => w.serial));
  return S.cards
    .map((card) => ({ card, go: stage ? toGo(card, stage.pictures, called) : { count: Infinity, missing: [] } }))
    .sort((a, b) => a.go.count - b.go.count || won.has(b.card.serial) - won.has(a.card.serial) || a.card.serial - b.card.serial);
}

function setBanner(kind, text) {
  const banner = $('#banner');
  banner.className = 'banner ' + kind;
  banner.hidden = !text;
  banner.textContent = text || '';
}

function signalWin() {
  if (S.sound) beep(988, 160, 3);
  vibrate([300, 120, 300, 120, 600]);
  document.body.classList.remove('flash');
  void document.body.offsetWidth;
  if (!reducedMotion()) document.body.classList.add('flash');
}

function checkWins(live) {
  const g = S.snap.game;
  const stage = stageInPlay();
  if (!stage) return;
  for (const { card, go } of rankedCards()) {
    const key = g.stage + ':' + card.serial;
    if (go.count === 0 && !g.pending_winners.includes(card.serial) && !alerted.has(key) && !isSleeper(card.serial)) {
      alerted.add(key);
      const label = stage.name;
      setBanner('win', t('win_alert', { serial: card.serial, label }));
      announce(t('win_alert', { serial: card.serial, label }), true);
      if (live) signalWin();
    }
  }
}

let claiming = false;

/** Cards this stage refused as sleepers (won earlier, claimed too late): not claimed again. */
function isSleeper(serial) {
  return (S.sleepers || []).includes(S.snap.game.stage + ':' + serial);
}

async function claim() {
  if (claiming || !S.snap) return;
  const g = S.snap.game;
  const ranked = rankedCards().filter(({ card }) => !g.pending_winners.includes(card.serial));
  if (!ranked.length) return;
  const winners = ranked.filter(({ card, go }) => go.count === 0 && !isSleeper(card.serial));
  const serials = (winners.length ? winners : ranked.slice(0, 1)).map(({ card }) => card.serial);
  const button = $('#bingo-button');
  claiming = true;
  button.disabled = true;
  button.textContent = t('claiming');
  try {
    for (const serial of serials) {
      let event;
      try {
        const result = await socket.request({ type: 'claim', serial });
        event = result.event;
      } catch (e) {
        if (e.code !== 'offline' && e.code !== 'timeout') throw e;
        event = await api('POST', '/api/v1/me/claims', { body: { serial }, token: S.token });
      }
      showClaim(event);
    }
  } catch (e) {
    setBanner('bad', t('claim_failed', { message: errorText(e) }));
    announce(t('claim_failed', { message: errorText(e) }), true);
  } finally {
    claiming = false;
    button.disabled = false;
    button.textContent = t('bingo');
  }
}

function showClaim(ev) {
  const g = S.snap.game;
  const stage = g.stages[ev.stage];
  if (ev.type === 'claim_accepted') {
    let text = t('accepted', { serial: ev.serial, label: ev.label });
    if (stage && stage.prize) text += ' ' + t('accepted_prize', { amount: money(stage.prize, g.rules.currency, t.lang) });
    setBanner('good', text);
    announce(text, true);
    signalWin();
  } else {
    if (ev.reason === 'sleeper') {
      S.sleepers = [...(S.sleepers || []), ev.stage + ':' + ev.serial];
      save();
      render();
    }
    const why =
      ev.reason === 'sleeper'
        ? t('reject_sleeper')
        : ev.reason === 'already_won'
          ? t('reject_already_won')
          : t('rejected', { message: ev.message });
    setBanner('bad', why);
    announce(why, true);
    if (S.sound) beep(220, 300, 1);
  }
}

function ballText(n) {
  const kind = S.snap.game.kind;
  return kind === '75' ? t('ball_announce_75', { letter: ballLetter(kind, n), n }) : t('ball_announce', { n });
}

function onEvent(frame) {
  const ev = frame.event;
  // Events replayed after a reconnect are history: no sounds for them.
  const live = Date.now() - (frame.published_at_ms || 0) < 5000;
  applyEvent(S.snap, ev, frame.seq);
  S.last_seq = frame.seq;
  S.epoch = frame.epoch || S.epoch;
  const mine = (serial) => S.cards.some((c) => c.serial === serial);
  const g = S.snap.game;
  switch (ev.type) {
    case 'ball_called':
      if (live) announce(ballText(ev.number));
      autoDaub();
      break;
    case 'stage_won': {
      const stage = g.stages[ev.stage];
      const own = ev.winners.filter((w) => mine(w.serial));
      if (own.length) {
        const text = own
          .map((w) => t('you_won', { amount: money(w.amount, g.rules.currency, t.lang), serial: w.serial }))
          .join(' ');
        setBanner('good', text);
        announce(text, true);
        if (live) signalWin();
      } else {
        const winners = ev.winners.map((w) => who(t, w.serial, w.name)).join(', ');
        const text = t('someone_won', { stage: stage ? stage.name : '', winners });
        setBanner('info', text);
        announce(text);
      }
      break;
    }
    case 'claim_accepted':
      if (mine(ev.serial) && !claiming) showClaim(ev);
      break;
    case 'game_finished':
      // render() says what this phone won, with the thanks.
      break;
    case 'seed_revealed':
      announce(t('seed_revealed'));
      break;
    default:
      break;
  }
  save();
  render();
  checkWins(live);
}

function onWelcome(msg) {
  if (msg.mode === 'snapshot' || !S.snap) S.snap = msg.snapshot;
  S.last_seq = msg.last_seq;
  S.epoch = msg.epoch;
  if (msg.you) {
    S.cards = msg.you.cards;
    S.nickname = msg.you.nickname;
    // The server's daubs, then whatever this phone did while offline.
    const server = msg.you.daubs.map(([s, n]) => [s, n]);
    const keys = new Set(server.map(([s, n]) => s + ':' + n));
    for (const [s, n, on] of S.pending) {
      const k = s + ':' + n;
      if (on && !keys.has(k)) {
        server.push([s, n]);
        keys.add(k);
      } else if (!on && keys.has(k)) {
        keys.delete(k);
        server.splice(
          server.findIndex(([a, b]) => a + ':' + b === k),
          1,
        );
      }
    }
    S.daubs = server;
    for (const [s, n, on] of S.pending) sendDaub(s, n, on);
  }
  save();
  autoDaub();
  render();
  checkWins(false);
}

function play() {
  show('game-view');
  render();
  if (socket) socket.close();
  socket = new GameSocket({
    hello: () => ({ player_token: S.token }),
    lastSeq: S.snap ? S.last_seq : 0,
    epoch: S.snap ? S.epoch : null,
    onWelcome,
    onEvent,
    onUpdate: (u) => {
      if (u.type === 'players' && S.snap) {
        S.snap.players = u.players;
        render();
      } else if (u.type === 'announcement' && S.snap) {
        S.snap.announcement = u.text;
        save();
        render();
      }
    },
    onResync: (snap) => {
      S.snap = snap;
      S.last_seq = snap.game.last_seq;
      S.epoch = snap.epoch;
      save();
      render();
    },
    onStatus: (status) => connectionBadge($('#conn'), t, status),
    onFatal: () => {
      const code = S.join_code;
      S = null;
      save();
      showJoin(code, t('conn_failed'));
    },
  });
  socket.connect();
}

// ---------------------------------------------------------------- drawing

function render() {
  if (!S) return;
  $('#menu-nick').textContent = S.nickname;
  $('#recovery-show').textContent = S.recovery_code || '';
  $('#recovery-note-code').textContent = S.recovery_code || '';
  $('#recovery-note').hidden = !!S.recovery_noted || !S.recovery_code;
  const name = S.snap ? S.snap.game.name : '';
  // The name is untrusted text: textContent, never HTML.
  $('#game-title').textContent = name ? t('game_title_named', { name, code: S.join_code }) : t('game_title', { code: S.join_code });
  $('#game-name').textContent = name || '';
  $('#game-name').hidden = !name;
  if (!S.snap) return;
  showAnnouncement($('#announcement'), t, S.snap.announcement);
  const g = S.snap.game;
  const calls = g.calls;
  const last = calls[calls.length - 1];
  if (last) fillBall($('#current-ball'), g.kind, last);
  else $('#current-ball').textContent = t('no_ball_yet');
  fill(
    $('#recent'),
    ...calls
      .slice(-5, -1)
      .reverse()
      .map((n) => fillBall(h('span', { class: 'ball mini-ball' }), g.kind, n)),
  );
  $('#calls-count').textContent = t('calls_count', { n: calls.length }) + ' · ' + t('players', { n: S.snap.players });
  const stage = stageInPlay();
  const line = $('#stage-line');
  if (g.state === 'finished') {
    fill(line, h('strong', {}, t('game_over')));
  } else if (!stage) {
    fill(line, h('strong', {}, t('all_stages_done')));
  } else {
    fill(
      line,
      renderPatternWays(stage.pictures, stage.name),
      h(
        'span',
        {},
        h('span', { class: 'hint' }, t('stage_of', { n: g.stage + 1, total: g.stages.length }) + ' '),
        h('strong', {}, stage.name),
        stage.prize ? h('span', { class: 'prize' }, ' · ' + money(stage.prize, g.rules.currency, t.lang)) : '',
      ),
    );
  }
  const wins = myWins();
  if (g.state === 'finished') {
    // The end keeps what this phone won in view (after a reload too).
    if (wins.length) setBanner('good', t('finished_won', { wins: wins.map(winText).join('; ') }));
    else setBanner('info', t('finished'));
  } else if (g.state === 'open' || g.state === 'created') setBanner('info', t('waiting_start'));
  else if (g.state === 'paused') setBanner('info', t('paused'));
  else if ($('#banner').textContent === t('waiting_start') || $('#banner').textContent === t('paused')) setBanner('', '');
  // In a session, the next game: joined by itself, then played (next.js).
  if (g.state === 'finished') nextFor(S, { save, onSwitch: nextGame });

  // Keep the keyboard focus on the same cell across redraws.
  const focused = document.activeElement;
  const focusKey =
    focused && focused.dataset && focused.dataset.n
      ? focused.closest('[data-serial]').dataset.serial + ':' + focused.dataset.n
      : null;
  const daubed = daubSet();
  const called = calledSet();
  const list = $('#cards-list');
  fill(
    list,
    rankedCards().map(({ card, go }) => {
      const set = new Set(card.grid.flat().filter((n) => n && daubed.has(card.serial + ':' + n)));
      const won = g.pending_winners.includes(card.serial);
      const cardWins = wins.filter((w) => w.serial === card.serial);
      const late = go.count === 0 && isSleeper(card.serial);
      const state = !stage ? '' : late ? 'sleeper' : go.count === 0 ? 'win' : go.count === 1 ? 'one' : '';
      const chip = !stage
        ? ''
        : late
          ? t('too_late')
          : won
            ? t('claimed')
            : go.count === 0
          ? t('won_now')
          : go.count === 1
            ? t('one_to_go') + ' (' + go.missing[0] + ')'
            : t('to_go', { n: go.count });
      return h(
        'section',
        { class: `player-card ${state} ${won ? 'claimed' : ''}`, dataset: { serial: card.serial } },
        h(
          'div',
          { class: 'card-top' },
          h('h3', {}, t('card_title', { serial: card.serial })),
          cardWins.length
            ? h('span', { class: 'won-badge' }, t('won_badge', { wins: cardWins.map((w) => (w.amount ? `${w.stage} · ${amountOf(w)}` : w.stage)).join(', ') }))
            : '',
          chip ? h('span', { class: 'togo ' + state, 'aria-live': state ? 'polite' : 'off' }, chip) : '',
        ),
        renderCard(card, { t, daubed: set, called, onTap: (n) => tap(card.serial, n) }),
      );
    }),
  );
  if (focusKey) {
    const [serial, n] = focusKey.split(':');
    const el = list.querySelector(`[data-serial="${serial}"] [data-n="${n}"]`);
    if (el) el.focus();
  }
  const over = g.state === 'finished' || !stage;
  $('#bingo-button').disabled = over || g.state === 'open' || g.state === 'created' || claiming;
  const ad = $('#auto-daub');
  ad.disabled = !g.rules.auto_daub;
  ad.checked = !!S.auto_daub && g.rules.auto_daub;
  $('#auto-daub-note').textContent = g.rules.auto_daub ? t('auto_daub_hint') : t('auto_daub_off');
  $('#sound').checked = S.sound !== false;
}

/** Moves this phone to the session's next game, already joined (`joined`), keeping its settings. */
function nextGame(code, joined) {
  if (socket) socket.close();
  socket = null;
  alerted.clear();
  begin(code, joined, true, { auto_daub: S.auto_daub, sound: S.sound });
}

// ---------------------------------------------------------------- menu

const menu = $('#menu');
$('#menu-button').addEventListener('click', () => menu.showModal());
$('#close-menu').addEventListener('click', () => menu.close());
$('#auto-daub').addEventListener('change', (e) => {
  S.auto_daub = e.target.checked;
  save();
  autoDaub();
  render();
});
$('#sound').addEventListener('change', (e) => {
  S.sound = e.target.checked;
  save();
});
$('#leave').addEventListener('click', () => {
  if (!confirm(t('leave_confirm'))) return;
  const code = S.join_code;
  if (socket) socket.close();
  socket = null;
  stopNext();
  S = null;
  save();
  menu.close();
  showJoin(code);
});
$('#bingo-button').addEventListener('click', claim);
$('#recovery-ok').addEventListener('click', () => {
  S.recovery_noted = true;
  save();
  render();
  $('#game-title').focus();
});

// ---------------------------------------------------------------- start

if (S && S.token && (!urlCode || urlCode === S.join_code)) {
  play();
} else {
  showJoin(urlCode);
}
