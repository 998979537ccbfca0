// The apps' features the whole-game test (game.test.mjs) does not reach, each in a real browser
// against a real `bingo serve`: the manual-mode keypad driven by the keyboard alone, auto-draw
// with its countdown, taking over control from another console, and recovering a player on
// another phone. access.test.mjs has the wizard by keyboard and the screen's voice caller.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, sleep } from './support.mjs';
import { useServer, open, noErrors, newConsole, createGame, waitState, openAndStart, consoleCalls, waitConsoleCalls, waitScreenBoard, openScreen, assertFocusRing, tabTo, clearAndType } from './features-support.mjs';

const ctx = useServer();

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
  await b.goto(`${ctx.base}/console?game=${id}`);
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
  await phoneA.goto(`${ctx.base}/player?code=${code}`);
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
  await phoneB.goto(`${ctx.base}/player?code=${code}`);
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
