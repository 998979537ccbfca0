// The apps' features the whole-game test (game.test.mjs) does not reach, each in a real browser
// against a real `bingo serve`: the manual-mode keypad driven by the keyboard alone, auto-draw
// with its countdown, taking over control from another console, recovering a player on another
// phone, the console's new-game wizard by keyboard with a visible focus ring, and the screen's
// voice caller with the traditional calls.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PASSPHRASE, PHONE, TV, LAPTOP, sleep, startServer, launchBrowser, openPage, consoleLogin } from './support.mjs';

let server;
let base;
let browser;
let adminToken; // one console session for the tests that are not about logging in (logins are rate limited)
const pages = [];

before(async () => {
  server = await startServer();
  base = server.base;
  browser = await launchBrowser();
  const res = await fetch(base + '/api/v1/admin/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ passphrase: PASSPHRASE }),
  });
  assert.equal(res.status, 200);
  adminToken = (await res.json()).token;
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.stop();
});

async function open(viewport, opts = {}) {
  const page = await openPage(browser, viewport, opts);
  pages.push(page);
  return page;
}

function noErrors(...list) {
  for (const p of list) assert.deepEqual(p.errors, [], 'no script errors');
}

/** A console on the games list: logged in with the passphrase (login: true), else with the
 *  session made in before(). */
async function newConsole({ login = false } = {}) {
  const page = await open(LAPTOP);
  if (login) {
    await consoleLogin(page, base);
  } else {
    await page.addInitScript((token) => localStorage.setItem('bingo.console.token', token), adminToken);
    await page.goto(base + '/console');
  }
  await page.waitForSelector('#games-view:not([hidden])');
  return page;
}

/** Creates a game with the wizard (mouse): returns { id, code }, the console on its run view. */
async function createGame(page, { kind = '90', manual = false, autoDraw = '' } = {}) {
  await page.click('#new-game');
  await page.check(`input[name="kind"][value="${kind}"]`);
  await page.click('#wizard-next');
  await page.click('#wizard-next');
  await page.check(`input[name="draw_mode"][value="${manual ? 'manual' : 'random'}"]`);
  await page.fill('#auto-draw', autoDraw);
  await page.click('#wizard-next');
  await page.waitForSelector('#review li');
  await page.click('#wizard-create');
  await page.waitForSelector('#run-view:not([hidden])');
  await page.waitForFunction(() => document.querySelector('#run-state').dataset.state === 'created');
  const code = (await page.textContent('#run-code')).trim();
  return { id: new URL(page.url()).searchParams.get('game'), code };
}

async function waitState(page, state) {
  await page.waitForFunction((s) => document.querySelector('#run-state').dataset.state === s, state);
}

async function openAndStart(page) {
  await page.click('#btn-open');
  await waitState(page, 'open');
  await page.click('#btn-start');
  await waitState(page, 'running');
}

/** The number of balls called, as the console shows it. */
async function consoleCalls(page) {
  return Number(/^(\d+)/.exec(await page.textContent('#run-calls'))[1]);
}

async function waitConsoleCalls(page, n) {
  await page.waitForFunction((n) => document.querySelector('#run-calls').textContent.startsWith(n + ' '), n);
}

/** The screen's lit board numbers, ascending. */
async function screenBoard(screen) {
  return screen.$$eval('#board .num.on', (els) => els.map((e) => Number(e.textContent)).sort((a, b) => a - b));
}

async function waitScreenBoard(screen, numbers) {
  const want = [...numbers].sort((a, b) => a - b);
  await screen.waitForFunction(
    (want) => {
      const on = [...document.querySelectorAll('#board .num.on')].map((e) => Number(e.textContent)).sort((a, b) => a - b);
      return JSON.stringify(on) === JSON.stringify(want);
    },
    want,
  );
}

async function openScreen(code, init) {
  const screen = await open(TV);
  if (init) await screen.addInitScript(init);
  await screen.goto(`${base}/screen?code=${code}`);
  await screen.waitForFunction((c) => document.querySelector('#join-code')?.textContent === c, code);
  return screen;
}

/** What has keyboard focus, and whether it shows a focus indicator (outline or box-shadow). */
function focusInfo(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    return {
      id: el.id,
      tag: el.tagName.toLowerCase(),
      value: el.value,
      body: el === document.body,
      ring: !!(outline || shadow),
      style: `outline: ${cs.outlineStyle} ${cs.outlineWidth}; box-shadow: ${cs.boxShadow}`,
    };
  });
}

async function assertFocusRing(page, what) {
  const f = await focusInfo(page);
  assert.ok(!f.body, `${what}: something has focus`);
  assert.ok(f.ring, `${what}: #${f.id} (${f.tag}) shows a focus indicator (${f.style})`);
  return f;
}

/** Presses Tab (or Shift+Tab) until `selector` has focus, checking the focus ring at each stop. */
async function tabTo(page, selector, { back = false, max = 40 } = {}) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) {
      await assertFocusRing(page, selector);
      return;
    }
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focusInfo(page);
    if (!f.body) assert.ok(f.ring, `#${f.id} (${f.tag}) shows a focus indicator on the way to ${selector} (${f.style})`);
  }
  assert.fail(`${selector} never got focus with ${back ? 'Shift+Tab' : 'Tab'}`);
}

async function clearAndType(page, text) {
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

// ---------------------------------------------------------------- 1. manual mode, keypad by keyboard

test('manual 75-ball game: the keypad by keyboard only, refusals, void last', { timeout: 180000 }, async () => {
  const c = await newConsole();
  const { code } = await createGame(c, { kind: '75', manual: true });
  const screen = await openScreen(code);

  // From here on, the keyboard only: focus, typing and Enter.
  await c.focus('#btn-open');
  await c.keyboard.press('Enter');
  await waitState(c, 'open');
  // The focus moves on to the next step as each button goes: Start, then the keypad.
  await c.waitForFunction(() => document.activeElement?.id === 'btn-start');
  await assertFocusRing(c, 'Start');
  await c.keyboard.press('Enter');
  await waitState(c, 'running');
  await c.waitForSelector('#keypad-form:not([hidden])');
  assert.equal(await c.isVisible('#btn-next'), false, 'no "Next ball" in manual mode');
  await c.waitForFunction(() => document.activeElement?.id === 'keypad-input');
  await assertFocusRing(c, 'keypad input');
  const callKey = async (n) => {
    await c.keyboard.type(String(n));
    await c.keyboard.press('Enter');
  };
  await callKey(7);
  await waitConsoleCalls(c, 1);
  // The call's answer clears the keypad; the ball's event may show the call a moment before it.
  await c.waitForFunction(() => document.querySelector('#keypad-input').value === '', null, { timeout: 5000 });
  assert.equal(await c.inputValue('#keypad-input'), '', 'the keypad clears after a call');
  await callKey(42);
  await waitConsoleCalls(c, 2);
  await waitScreenBoard(screen, [7, 42]);
  assert.equal((await screen.textContent('#now-ball')).trim(), 'N42');
  assert.equal(await c.isDisabled('#keypad-grid .key[data-n="7"]'), true, 'a called number is disabled on the keypad grid');

  // A repeated number is refused with a readable message.
  await callKey(7);
  await c.waitForSelector('#error:not([hidden])');
  assert.match(await c.textContent('#error'), /7 was already called \(call 1\)/);
  assert.equal(await consoleCalls(c), 2);
  assert.equal(await c.evaluate(() => document.activeElement.id), 'keypad-input', 'focus stays in the keypad');

  // An out-of-range number is refused.
  await clearAndType(c, '76');
  await c.keyboard.press('Enter');
  await c.waitForFunction(() => /76 is not a ball of this game: balls run from 1 to 75/.test(document.querySelector('#error').textContent));
  assert.equal(await consoleCalls(c), 2);

  // A mis-keyed 13 (meant 31) is voided with "Void last call", reached with Tab.
  await clearAndType(c, '13');
  await c.keyboard.press('Enter');
  await waitConsoleCalls(c, 3);
  assert.equal(await c.isHidden('#error'), true, 'the error goes away after a good call');
  await waitScreenBoard(screen, [7, 13, 42]);
  await tabTo(c, '#btn-void');
  await c.keyboard.press('Enter');
  await waitConsoleCalls(c, 2);
  await waitScreenBoard(screen, [7, 42]);
  assert.equal(await c.isDisabled('#keypad-grid .key[data-n="13"]'), false, 'a voided number can be called again');
  await tabTo(c, '#keypad-input', { back: true });
  await callKey(31);
  await waitConsoleCalls(c, 3);
  await waitScreenBoard(screen, [7, 31, 42]);
  assert.equal((await screen.textContent('#now-ball')).trim(), 'N31');
  assert.match(await screen.textContent('#now-count'), /^3 of 75 called/);
  noErrors(c, screen);
});

// ---------------------------------------------------------------- 2. auto-draw with a countdown

test('auto-draw: a countdown on the console, balls arrive on the screen by themselves', { timeout: 180000 }, async () => {
  const c = await newConsole();
  const { code } = await createGame(c, { kind: '90', autoDraw: '2' });
  await openAndStart(c);
  const screen = await openScreen(code);
  const screenCalls = async () => Number((/^(\d+) of/.exec(await screen.textContent('#now-count')) || [0, 0])[1]);
  assert.equal(await screenCalls(), 0);
  assert.equal(await c.textContent('#countdown'), '', 'no countdown while auto-draw is off');

  await c.click('#btn-auto');
  await c.waitForFunction(() => /^Next ball in [0-2] s$/.test(document.querySelector('#countdown').textContent));
  assert.equal(await c.getAttribute('#btn-auto', 'aria-pressed'), 'true');
  assert.equal((await c.textContent('#btn-auto')).trim(), 'Stop auto-draw');
  assert.ok(await c.isVisible('#countdown'), 'the countdown is visible');
  // Nobody presses anything: three balls arrive on the screen, and the countdown keeps running.
  await screen.waitForFunction(() => /^3 of 90 called/.test(document.querySelector('#now-count').textContent), null, { timeout: 20000 });
  assert.match(await c.textContent('#countdown'), /^Next ball in [0-2] s$/);
  assert.ok((await consoleCalls(c)) >= 3);

  await c.click('#btn-auto');
  await c.waitForFunction(() => document.querySelector('#countdown').textContent === '');
  assert.equal(await c.getAttribute('#btn-auto', 'aria-pressed'), 'false');
  await sleep(1000); // a draw already under way when it was turned off
  const stoppedAt = await consoleCalls(c);
  await screen.waitForFunction((n) => document.querySelector('#now-count').textContent.startsWith(n + ' of'), stoppedAt);
  await sleep(5000); // more than two intervals
  assert.equal(await consoleCalls(c), stoppedAt, 'no more balls on the console');
  assert.equal(await screenCalls(), stoppedAt, 'no more balls on the screen');
  assert.equal(await c.textContent('#countdown'), '');
  noErrors(c, screen);
});

// ---------------------------------------------------------------- 3. take over

test('a second console takes over control', { timeout: 180000 }, async () => {
  const a = await newConsole();
  const { id } = await createGame(a, { kind: '90' });
  await openAndStart(a);
  await a.click('#btn-next');
  await waitConsoleCalls(a, 1);

  const b = await newConsole({ login: true }); // another browser, the same passphrase
  await b.goto(`${base}/console?game=${id}`);
  await waitState(b, 'running');
  await waitConsoleCalls(b, 1);
  assert.equal(await b.isHidden('#takeover'), true);
  await b.click('#btn-next');
  await b.waitForSelector('#takeover:not([hidden])');
  assert.match(await b.textContent('#takeover-text'), /another console controls this game/);
  assert.equal(await b.evaluate(() => document.activeElement.id), 'takeover-button', 'focus goes to "Take over control"');
  assert.equal(await consoleCalls(b), 1, 'the draw was refused');

  await b.click('#takeover-button');
  await b.waitForSelector('#takeover', { state: 'hidden' });
  await b.click('#btn-next');
  await waitConsoleCalls(b, 2);
  await waitConsoleCalls(a, 2); // the first console follows the game

  await a.click('#btn-next');
  await a.waitForSelector('#takeover:not([hidden])');
  assert.match(await a.textContent('#takeover-text'), /another console controls this game/);
  await sleep(500);
  assert.equal(await consoleCalls(a), 2);
  assert.equal(await consoleCalls(b), 2);
  noErrors(a, b);
});

// ---------------------------------------------------------------- 4. recovery on another phone

/** The daubed cells of a phone as "serial:number", sorted. */
function daubsOn(page) {
  return page.$$eval('.player-card', (cards) =>
    cards.flatMap((c) => [...c.querySelectorAll('.cell.daubed')].map((e) => c.dataset.serial + ':' + e.dataset.n)).sort(),
  );
}

function serialsOn(page) {
  return page.$$eval('.player-card', (els) => els.map((e) => e.dataset.serial).sort());
}

test('recovery: the same cards and daubs on another phone', { timeout: 180000 }, async () => {
  const c = await newConsole();
  const { code } = await createGame(c, { kind: '90' });
  await c.click('#btn-open');
  await waitState(c, 'open');

  const phoneA = await open(PHONE, { isMobile: true, hasTouch: true });
  await phoneA.goto(`${base}/player?code=${code}`);
  await phoneA.waitForFunction(() => document.querySelector('#cards option[value="3"]'));
  await phoneA.fill('#nickname', 'Dee');
  await phoneA.selectOption('#cards', '3');
  await phoneA.click('#join-button');
  await phoneA.waitForSelector('#game-view:not([hidden]) .player-card');
  assert.equal(await phoneA.locator('.player-card').count(), 3);

  await c.click('#btn-start');
  await waitState(c, 'running');
  // Balls until two of Dee's numbers are called (3 tickets hold 45 of the 90).
  let calls = 0;
  while ((await phoneA.locator('.cell.due').count()) < 2) {
    assert.ok(calls < 40, 'two of the numbers were called');
    calls += 1;
    await c.click('#btn-next');
    await waitConsoleCalls(c, calls);
    await phoneA.waitForFunction((n) => document.querySelector('#calls-count').textContent.startsWith(n + ' '), calls);
  }
  await phoneA.locator('.cell.due').first().tap();
  await phoneA.locator('.cell.due').first().tap();
  const daubs = await daubsOn(phoneA);
  assert.equal(daubs.length, 2);
  // The server has acknowledged both daubs.
  await phoneA.waitForFunction(() => JSON.parse(localStorage.getItem('bingo.player.v1')).pending.length === 0);
  const serials = await serialsOn(phoneA);

  await phoneA.click('#menu-button');
  const recovery = (await phoneA.textContent('#recovery-show')).trim();
  assert.match(recovery, /^[A-Z0-9-]{6,20}$/);
  await phoneA.click('#close-menu');

  // Phone B: a new browser; the player opens the game's link and continues with the code.
  const phoneB = await open(PHONE, { isMobile: true, hasTouch: true });
  await phoneB.goto(`${base}/player?code=${code}`);
  await phoneB.waitForSelector('#join-view:not([hidden])');
  await phoneB.click('#show-recover');
  await phoneB.waitForSelector('#recover-view:not([hidden])');
  assert.equal(await phoneB.inputValue('#recover-join-code'), code);
  await phoneB.fill('#recovery-code', recovery.toLowerCase()); // typed in lower case on purpose
  await phoneB.click('#recover-form button[type="submit"]');
  await phoneB.waitForSelector('#game-view:not([hidden]) .player-card');
  await phoneB.waitForFunction((n) => document.querySelector('#calls-count').textContent.startsWith(n + ' '), calls);
  assert.deepEqual(await serialsOn(phoneB), serials, 'the same cards');
  await phoneB.waitForFunction((n) => document.querySelectorAll('.cell.daubed').length === n, daubs.length);
  assert.deepEqual(await daubsOn(phoneB), daubs, 'the same daubs');
  await phoneB.click('#menu-button');
  assert.equal((await phoneB.textContent('#menu-nick')).trim(), 'Dee');
  assert.equal((await phoneB.textContent('#recovery-show')).trim(), recovery);
  await phoneB.click('#close-menu');

  // The two phones stay in step: the next ball reaches both.
  await c.click('#btn-next');
  for (const p of [phoneA, phoneB]) {
    await p.waitForFunction((n) => document.querySelector('#calls-count').textContent.startsWith(n + ' '), calls + 1);
  }
  noErrors(c, phoneA, phoneB);
});

// ---------------------------------------------------------------- 5. the wizard by keyboard

test('the console: log in and create a game with the keyboard only, focus always visible', { timeout: 180000 }, async () => {
  const c = await open(LAPTOP);
  await c.goto(base + '/console');
  await c.waitForFunction(() => document.activeElement?.id === 'passphrase');
  await c.keyboard.type(PASSPHRASE);
  await c.keyboard.press('Enter');
  await c.waitForSelector('#games-view:not([hidden])');

  await tabTo(c, '#new-game');
  await c.keyboard.press('Enter');
  await c.waitForSelector('#wizard-view:not([hidden])');

  // Step 1: the name, typed, then the kind with the arrow keys (90 → 75).
  await c.waitForFunction(() => document.activeElement?.id === 'game-name');
  await assertFocusRing(c, 'name');
  await c.keyboard.type('Keyboard game');
  await c.keyboard.press('Tab');
  await c.waitForFunction(() => document.activeElement?.name === 'kind');
  await assertFocusRing(c, 'kind radio');
  assert.equal((await focusInfo(c)).value, '90');
  await c.keyboard.press('ArrowDown');
  assert.equal((await focusInfo(c)).value, '75');
  assert.equal(await c.isChecked('input[name="kind"][value="75"]'), true);
  await assertFocusRing(c, 'kind radio after an arrow key');
  await tabTo(c, '#wizard-next');
  await c.keyboard.press('Enter');

  // Step 2: currency, the first stage's pattern (arrow key) and prize.
  await c.waitForFunction(() => document.activeElement?.id === 'currency');
  await assertFocusRing(c, 'currency');
  await clearAndType(c, 'EUR');
  await tabTo(c, '#stage-0-pattern');
  const patternBefore = await c.inputValue('#stage-0-pattern');
  await c.keyboard.press('ArrowDown');
  await c.waitForFunction((before) => document.querySelector('#stage-0-pattern').value !== before, patternBefore);
  const pattern = await c.inputValue('#stage-0-pattern');
  assert.equal(await c.evaluate(() => document.activeElement.id), 'stage-0-pattern', 'focus stays on the pattern after it changes');
  await tabTo(c, '#stage-0-prize');
  await clearAndType(c, '5');
  await tabTo(c, '#wizard-next');
  await c.keyboard.press('Enter');

  // Step 3: manual draw (arrow key), 5 s auto-draw, the claim rule off (Space).
  await c.waitForFunction(() => document.activeElement?.name === 'draw_mode');
  await c.keyboard.press('ArrowDown');
  assert.equal(await c.isChecked('input[name="draw_mode"][value="manual"]'), true);
  await c.keyboard.press('ArrowUp');
  assert.equal(await c.isChecked('input[name="draw_mode"][value="random"]'), true);
  await tabTo(c, '#auto-draw');
  await clearAndType(c, '5');
  await tabTo(c, '#claim-rule');
  await c.keyboard.press('Space');
  assert.equal(await c.isChecked('#claim-rule'), false);
  await tabTo(c, '#auto-draw', { back: true });
  assert.equal(await c.inputValue('#auto-draw'), '5');
  await tabTo(c, '#wizard-next');
  await c.keyboard.press('Enter');

  // Step 4: review and create.
  await c.waitForSelector('#review li');
  assert.match(await c.textContent('#review'), /75-ball, \d+ stages, random draw/);
  await assertFocusRing(c, 'the review step'); // focus is not lost with the hidden "Next"
  await tabTo(c, '#wizard-create');
  await c.keyboard.press('Enter');
  await c.waitForSelector('#run-view:not([hidden])');
  await waitState(c, 'created');
  const id = new URL(c.url()).searchParams.get('game');

  // The server got what was typed.
  const snap = await (await fetch(`${base}/api/v1/games/${id}`, { headers: { Authorization: 'Bearer ' + adminToken } })).json();
  const g = snap.game;
  assert.equal(g.name, 'Keyboard game');
  assert.equal(g.kind, '75');
  assert.equal(g.rules.draw_mode, 'random');
  assert.equal(g.rules.currency, 'EUR');
  assert.equal(g.rules.auto_draw_ms, 5000);
  assert.equal(g.rules.claim_before_next_ball, false);
  assert.equal(g.stages[0].prize, 500);
  assert.ok(g.stages[0].name, 'the first stage has its pattern');
  assert.ok(pattern, 'a pattern was chosen');

  // And the game runs from the keyboard: open, start, then N for a ball.
  await tabTo(c, '#btn-open');
  await c.keyboard.press('Enter');
  await waitState(c, 'open');
  await c.waitForFunction(() => document.activeElement?.id === 'btn-start');
  await assertFocusRing(c, 'Start');
  await c.keyboard.press('Enter');
  await waitState(c, 'running');
  await c.waitForFunction(() => document.activeElement?.id === 'btn-next');
  await assertFocusRing(c, 'Next ball');
  await c.keyboard.press('n');
  await waitConsoleCalls(c, 1);
  noErrors(c);
});

// ---------------------------------------------------------------- 6. the screen's voice caller

test('the screen: voice caller with the traditional calls', { timeout: 180000 }, async () => {
  const c = await newConsole();
  const { code } = await createGame(c, { kind: '90', manual: true });
  await openAndStart(c);
  const screen = await openScreen(code, () => {
    // Records what would be spoken instead of speaking.
    window.__spoken = [];
    if (!('SpeechSynthesisUtterance' in window)) {
      window.SpeechSynthesisUtterance = class {
        constructor(text) {
          this.text = text;
        }
      };
    }
    const synth = window.speechSynthesis || {};
    Object.defineProperty(synth, 'speak', { configurable: true, value: (u) => window.__spoken.push(u.text) });
    Object.defineProperty(synth, 'cancel', { configurable: true, value: () => {} });
    if (!window.speechSynthesis) Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: synth });
  });
  const spoken = () => screen.evaluate(() => window.__spoken.slice());
  const call = async (n, count) => {
    await c.fill('#keypad-input', String(n));
    await c.press('#keypad-input', 'Enter');
    await waitConsoleCalls(c, count);
    await waitScreenBoard(screen, called);
  };
  const called = [];

  // Off by default: nothing is said.
  assert.equal((await screen.textContent('#voice')).trim(), 'Voice: off');
  assert.equal(await screen.getAttribute('#voice', 'aria-pressed'), 'false');
  called.push(10);
  await call(10, 1);
  await sleep(300);
  assert.deepEqual(await spoken(), []);

  // Voice on: the number.
  await screen.click('#voice');
  assert.equal((await screen.textContent('#voice')).trim(), 'Voice: on');
  assert.equal(await screen.getAttribute('#voice', 'aria-pressed'), 'true');
  called.push(5);
  await call(5, 2);
  await screen.waitForFunction(() => window.__spoken.length === 1);
  assert.deepEqual(await spoken(), ['Number 5']);

  // Traditional calls on: 22 is "Two little ducks".
  await screen.click('#traditional');
  assert.equal((await screen.textContent('#traditional')).trim(), 'Traditional calls: on');
  assert.equal(await screen.getAttribute('#traditional', 'aria-pressed'), 'true');
  called.push(22);
  await call(22, 3);
  await screen.waitForFunction(() => window.__spoken.length === 2);
  const said = (await spoken())[1];
  assert.match(said, /two little ducks/i);
  assert.match(said, /\b22\b/);
  called.push(1);
  await call(1, 4);
  await screen.waitForFunction(() => window.__spoken.length === 3);
  assert.match((await spoken())[2], /^Kelly's eye, number one$/);

  // The settings survive a reload of the screen.
  await screen.reload();
  await screen.waitForFunction((c) => document.querySelector('#join-code')?.textContent === c, code);
  assert.equal((await screen.textContent('#voice')).trim(), 'Voice: on');
  assert.equal((await screen.textContent('#traditional')).trim(), 'Traditional calls: on');

  // Voice off again: silence.
  await screen.click('#voice');
  called.push(88);
  await call(88, 5);
  await sleep(300);
  assert.deepEqual(await spoken(), [], 'nothing spoken since the reload with the voice off');
  noErrors(c, screen);
});
