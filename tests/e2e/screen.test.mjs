// The Screen as the hall sees it, each test a defect of issue #16 that must stay fixed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TV, PHONE, startServer, launchBrowser, openPage, adminSession, apiCall, apiGame, consoleWith, texts, textInCircles } from './support.mjs';

let server;
let base;
let browser;
let token;

before(async () => {
  server = await startServer();
  base = server.base;
  browser = await launchBrowser();
  token = await adminSession(base);
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.stop();
});

async function openScreen(code, viewport = TV) {
  const page = await openPage(browser, viewport);
  await page.goto(`${base}/screen?code=${code}`);
  await page.waitForFunction((c) => document.querySelector('#join-code')?.textContent === c, code);
  return page;
}

/** A manual game's caller: call `numbers` in order through the API. */
async function callAll(game, numbers) {
  for (const number of numbers) await apiCall(base, 'POST', `/api/v1/games/${game.id}/call`, { number }, token);
}

test('a tie that does not divide evenly: each card with what it was paid', async () => {
  // One line for £10.01 between two paper cards, then a full house.
  const game = await apiGame(base, token, {
    kind: '90',
    draw_mode: 'manual',
    claim_before_next_ball: false,
    currency: 'GBP',
    stages: [{ pattern: { builtin: 'one-line' }, prize: 1001 }, { pattern: { builtin: 'full-house' }, prize: 500 }],
  });
  const { cards } = await apiCall(base, 'POST', `/api/v1/games/${game.id}/paper`, { count: 2 }, token);
  await apiCall(base, 'POST', `/api/v1/games/${game.id}/start`, undefined, token);
  const screen = await openScreen(game.join_code);
  const rows = cards.map((c) => c.grid[0].filter((n) => n));
  await callAll(game, [...new Set([...rows[0], ...rows[1]])]);
  for (const card of cards) {
    const ev = await apiCall(base, 'POST', `/api/v1/games/${game.id}/claims`, { serial: card.serial }, token);
    assert.equal(ev.type, 'claim_accepted', JSON.stringify(ev));
  }
  // The next ball settles the stage.
  const next = Array.from({ length: 90 }, (_, i) => i + 1).find((n) => !rows[0].includes(n) && !rows[1].includes(n));
  await callAll(game, [next]);

  const snap = await apiCall(base, 'GET', `/api/v1/games/${game.id}`, undefined, token);
  const winners = snap.game.results[0].winners;
  assert.deepEqual(winners.map((w) => w.amount).sort(), [500, 501], 'the engine paid £5.01 + £5.00');
  const pounds = (p) => '£' + (p / 100).toFixed(2);
  await screen.waitForFunction(() => document.querySelectorAll('#winners li').length === 1);
  const line = (await texts(screen, '#winners li'))[0];
  assert.equal(
    line,
    `One line: cards ${winners.map((w) => w.serial).join(', ')} · ` +
      winners.map((w) => `card ${w.serial} ${pounds(w.amount)}`).join(', '),
  );
  assert.doesNotMatch(line, /each/);

  // The Console says the same.
  const c = await consoleWith(browser, base, token, `/console?game=${game.id}`);
  await c.waitForFunction(() => document.querySelectorAll('#results li').length === 1);
  assert.equal(
    (await texts(c, '#results li'))[0],
    `One line: cards ${winners.map((w) => w.serial).join(', ')} (${winners.map((w) => pounds(w.amount)).join(' + ')})`,
  );
  assert.deepEqual(screen.errors, []);
  assert.deepEqual(c.errors, []);
});

test('75-ball: the letter and number stay inside the ball on the Screen and the phone; the phone\'s recent balls have their letters', async () => {
  const game = await apiGame(base, token, { kind: '75', draw_mode: 'manual', stages: [{ pattern: { builtin: 'blackout' } }] });
  await apiCall(base, 'POST', `/api/v1/games/${game.id}/start`, undefined, token);
  // Wide numbers first (N35, O75, G59, I28, B13), the last on the screen's big ball.
  const numbers = [1, 13, 28, 59, 75, 35];
  await callAll(game, numbers);
  const labels = ['B1', 'B13', 'I28', 'G59', 'O75', 'N35'];

  for (const viewport of [TV, { width: 1280, height: 720 }, { width: 3840, height: 2160 }]) {
    const screen = await openScreen(game.join_code, viewport);
    await screen.waitForFunction(() => document.querySelector('#now-ball').textContent === 'N35');
    assert.deepEqual(await texts(screen, '#last-balls .ball'), labels.slice(0, 5).reverse());
    for (const ball of await textInCircles(screen, '#now-ball, #last-balls .ball')) {
      assert.ok(ball.fits, `${viewport.width}x${viewport.height}: ${ball.text} is ${ball.worst}px outside its circle`);
    }
    assert.deepEqual(screen.errors, []);
    await screen.close();
  }

  const phone = await openPage(browser, PHONE, { isMobile: true, hasTouch: true });
  await phone.goto(`${base}/player?code=${game.join_code}`);
  await phone.waitForFunction(() => document.querySelector('#cards option[value="1"]'));
  await phone.fill('#nickname', 'Ann');
  await phone.click('#join-button');
  await phone.waitForFunction(() => document.querySelector('#current-ball').textContent === 'N35');
  assert.deepEqual(await texts(phone, '#recent .ball'), labels.slice(1, 5).reverse(), 'the recent balls with their letters');
  for (const ball of await textInCircles(phone, '#current-ball, #recent .ball')) {
    assert.ok(ball.fits, `phone: ${ball.text} is ${ball.worst}px outside its circle`);
  }
  assert.deepEqual(phone.errors, []);
});
