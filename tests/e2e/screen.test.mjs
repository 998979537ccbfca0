// The Screen as the hall sees it, each test a defect of issue #16 that must stay fixed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TV, startServer, launchBrowser, openPage, adminSession, apiCall, apiGame, consoleWith, texts } from './support.mjs';

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
