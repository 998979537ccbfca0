// The Player app as a phone shows it, each test a defect of issue #16 that must stay fixed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, startServer, launchBrowser, openPage, adminSession, apiCall, apiGame } from './support.mjs';

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

function phone(viewport = PHONE) {
  return openPage(browser, viewport, { isMobile: true, hasTouch: true });
}

/** A phone that joins `code` as `name` with `cards` cards through the join form. */
async function joinOn(page, code, name, cards = 1) {
  await page.goto(`${base}/player?code=${code}`);
  await page.waitForFunction((n) => document.querySelector(`#cards option[value="${n}"]`), cards);
  await page.fill('#nickname', name);
  await page.selectOption('#cards', String(cards));
  await page.click('#join-button');
  await page.waitForSelector('#game-view:not([hidden]) .player-card');
}

const call = (game, number) => apiCall(base, 'POST', `/api/v1/games/${game.id}/call`, { number }, token);

test('a winner\'s phone keeps the win in view when the game ends, and after a reload', async () => {
  const game = await apiGame(base, token, {
    kind: '90',
    draw_mode: 'manual',
    currency: 'GBP',
    stages: [{ pattern: { builtin: 'one-line' }, prize: 1000 }, { pattern: { builtin: 'full-house' }, prize: 2500 }],
  });
  const p = await phone();
  await joinOn(p, game.join_code, 'Ann', 2);
  await apiCall(base, 'POST', `/api/v1/games/${game.id}/start`, undefined, token);
  const serial = Number(await p.getAttribute('.player-card >> nth=0', 'data-serial'));
  const row = await p.$$eval(`.player-card[data-serial="${serial}"] .cell[data-r="0"][data-n]`, (els) => els.map((e) => Number(e.dataset.n)));
  assert.equal(row.length, 5);
  for (const [i, n] of row.entries()) {
    await call(game, n);
    await p.waitForFunction((k) => document.querySelector('#calls-count').textContent.startsWith(k + ' '), i + 1);
  }
  await p.click('#bingo-button');
  await p.waitForSelector('#banner.good:not([hidden])');
  assert.match(await p.textContent('#banner'), new RegExp(`^Accepted! Card ${serial} wins `));

  await apiCall(base, 'POST', `/api/v1/games/${game.id}/finish`, undefined, token);
  const said = `The game is over. You won One line with card ${serial} (£10.00). Thank you for playing!`;
  for (const when of ['at the end', 'after a reload']) {
    await p.waitForFunction(() => /game is over/.test(document.querySelector('#banner').textContent));
    assert.equal((await p.textContent('#banner')).trim(), said, when);
    assert.equal(await p.isVisible('#banner.good'), true, when);
    const first = p.locator('.player-card').first();
    assert.equal(Number(await first.getAttribute('data-serial')), serial, `${when}: the winning card first`);
    assert.equal((await first.locator('.won-badge').textContent()).trim(), 'Won One line · £10.00', when);
    assert.equal(await p.locator('.won-badge').count(), 1, `${when}: only the winning card has the badge`);
    assert.equal(await p.locator('.togo').count(), 0, `${when}: no "to go" once the game is over`);
    assert.equal((await p.textContent('#stage-line')).trim(), 'Game over', when);
    if (when === 'at the end') await p.reload();
  }
  assert.deepEqual(p.errors, []);
});

test('joining: a wrong code, a game not open yet and a finished one are said in the player\'s words, with no Join to press', async () => {
  const p = await phone();
  const info = () => p.textContent('#game-info');
  const raw = /no game has the join code|not open for joining|Finished\)/;

  // A code no game has.
  await p.goto(base + '/player');
  await p.fill('#join-code', 'ZZZZZZ');
  await p.waitForFunction(() => document.querySelector('#game-info').textContent !== '');
  assert.equal(await info(), 'No game with this code. Check the code on the big screen.');
  assert.equal(await p.isDisabled('#join-button'), true, 'no "Join the game" for a code no game has');
  await p.fill('#nickname', 'Ann');
  await p.press('#nickname', 'Enter');
  assert.equal(await p.isVisible('#join-view'), true, 'still on the join form');
  assert.doesNotMatch(await p.textContent('body'), raw);

  // A game the caller has not opened yet: the form waits for it, then lets the player in.
  const later = await apiGame(base, token, { kind: '75', stages: [{ pattern: { builtin: 'blackout' } }] }, { open: false });
  await p.fill('#join-code', later.join_code);
  await p.waitForFunction(() => /not opened/.test(document.querySelector('#game-info').textContent));
  assert.equal(await info(), 'The caller has not opened it yet: you can join as soon as they do.');
  assert.equal(await p.isDisabled('#join-button'), true);
  await apiCall(base, 'POST', `/api/v1/games/${later.id}/open`, undefined, token);
  await p.waitForFunction(() => !document.querySelector('#join-button').disabled, null, { timeout: 10000 });
  assert.equal(await info(), '75-ball game · open, waiting for the first ball · Up to 6 cards');

  // A finished game.
  const over = await apiGame(base, token, { kind: '90', stages: [{ pattern: { builtin: 'full-house' } }] });
  await apiCall(base, 'POST', `/api/v1/games/${over.id}/start`, undefined, token);
  await apiCall(base, 'POST', `/api/v1/games/${over.id}/finish`, undefined, token);
  await p.goto(`${base}/player?code=${over.join_code}`);
  await p.waitForFunction(() => document.querySelector('#game-info').textContent !== '');
  assert.equal(await info(), 'This game is over and can no longer be joined.');
  assert.equal(await p.isDisabled('#join-button'), true);

  // A game that ends between the look-up and "Join the game".
  const ending = await apiGame(base, token, { kind: '90', stages: [{ pattern: { builtin: 'full-house' } }] });
  await p.goto(`${base}/player?code=${ending.join_code}`);
  await p.waitForFunction(() => /^90-ball game · open/.test(document.querySelector('#game-info').textContent));
  await apiCall(base, 'POST', `/api/v1/games/${ending.id}/start`, undefined, token);
  await apiCall(base, 'POST', `/api/v1/games/${ending.id}/finish`, undefined, token);
  await p.fill('#nickname', 'Bob');
  await p.click('#join-button');
  await p.waitForFunction(() => document.querySelector('#join-error').textContent !== '');
  assert.equal(await p.textContent('#join-error'), 'This game is over and can no longer be joined.');
  assert.equal(await p.isDisabled('#join-button'), true);
  assert.doesNotMatch(await p.textContent('body'), raw);
  assert.deepEqual(p.errors, []);
});
