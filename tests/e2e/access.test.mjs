// The console's new-game wizard by keyboard alone with a visible focus ring, and the screen's
// voice caller with the traditional calls, in a real browser against a real `bingo serve`
// (the steps they share with features.test.mjs are in features-support.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSPHRASE, LAPTOP, sleep } from './support.mjs';
import { useServer, open, noErrors, newConsole, createGame, waitState, openAndStart, waitConsoleCalls, waitScreenBoard, openScreen, focusInfo, assertFocusRing, tabTo, clearAndType } from './features-support.mjs';

const ctx = useServer();

test('the console: log in and create a game with the keyboard only, focus always visible', { timeout: 180000 }, async () => {
  const c = await open(LAPTOP);
  await c.goto(ctx.base + '/console');
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
  const snap = await (await fetch(`${ctx.base}/api/v1/games/${id}`, { headers: { Authorization: 'Bearer ' + ctx.adminToken } })).json();
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
