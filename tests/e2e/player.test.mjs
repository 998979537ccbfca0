// The Player app as a phone shows it, each test a defect of issue #16 that must stay fixed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PHONE, openPage, apiCall, apiGame, sharedSetup } from './support.mjs';

const SHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

const env = sharedSetup();

function phone(viewport = PHONE) {
  return openPage(env.browser, viewport, { isMobile: true, hasTouch: true });
}

/** A phone that joins `code` as `name` with `cards` cards through the join form. */
async function joinOn(page, code, name, cards = 1) {
  await page.goto(`${env.base}/player?code=${code}`);
  await page.waitForFunction((n) => document.querySelector(`#cards option[value="${n}"]`), cards);
  await page.fill('#nickname', name);
  await page.selectOption('#cards', String(cards));
  await page.click('#join-button');
  await page.waitForSelector('#game-view:not([hidden]) .player-card');
}

const call = (game, number) => apiCall(env.base, 'POST', `/api/v1/games/${game.id}/call`, { number }, env.token);

test('a winner\'s phone keeps the win in view when the game ends, and after a reload', async () => {
  const game = await apiGame(env.base, env.token, {
    kind: '90',
    draw_mode: 'manual',
    currency: 'GBP',
    stages: [{ pattern: { builtin: 'one-line' }, prize: 1000 }, { pattern: { builtin: 'full-house' }, prize: 2500 }],
  });
  const p = await phone();
  await joinOn(p, game.join_code, 'Ann', 2);
  await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/start`, undefined, env.token);
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

  await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/finish`, undefined, env.token);
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
  await p.goto(env.base + '/player');
  await p.fill('#join-code', 'ZZZZZZ');
  await p.waitForFunction(() => document.querySelector('#game-info').textContent !== '');
  assert.equal(await info(), 'No game with this code. Check the code on the big screen.');
  assert.equal(await p.isDisabled('#join-button'), true, 'no "Join the game" for a code no game has');
  await p.fill('#nickname', 'Ann');
  await p.press('#nickname', 'Enter');
  assert.equal(await p.isVisible('#join-view'), true, 'still on the join form');
  assert.doesNotMatch(await p.textContent('body'), raw);

  // A game the caller has not opened yet: the form waits for it, then lets the player in.
  const later = await apiGame(env.base, env.token, { kind: '75', stages: [{ pattern: { builtin: 'blackout' } }] }, { open: false });
  await p.fill('#join-code', later.join_code);
  await p.waitForFunction(() => /not opened/.test(document.querySelector('#game-info').textContent));
  assert.equal(await info(), 'The caller has not opened it yet: you can join as soon as they do.');
  assert.equal(await p.isDisabled('#join-button'), true);
  await apiCall(env.base, 'POST', `/api/v1/games/${later.id}/open`, undefined, env.token);
  await p.waitForFunction(() => !document.querySelector('#join-button').disabled, null, { timeout: 10000 });
  assert.equal(await info(), '75-ball game · open, waiting for the first ball · Up to 6 cards');

  // A finished game.
  const over = await apiGame(env.base, env.token, { kind: '90', stages: [{ pattern: { builtin: 'full-house' } }] });
  await apiCall(env.base, 'POST', `/api/v1/games/${over.id}/start`, undefined, env.token);
  await apiCall(env.base, 'POST', `/api/v1/games/${over.id}/finish`, undefined, env.token);
  await p.goto(`${env.base}/player?code=${over.join_code}`);
  await p.waitForFunction(() => document.querySelector('#game-info').textContent !== '');
  assert.equal(await info(), 'This game is over and can no longer be joined.');
  assert.equal(await p.isDisabled('#join-button'), true);

  // A game that ends between the look-up and "Join the game".
  const ending = await apiGame(env.base, env.token, { kind: '90', stages: [{ pattern: { builtin: 'full-house' } }] });
  await p.goto(`${env.base}/player?code=${ending.join_code}`);
  await p.waitForFunction(() => /^90-ball game · open/.test(document.querySelector('#game-info').textContent));
  await apiCall(env.base, 'POST', `/api/v1/games/${ending.id}/start`, undefined, env.token);
  await apiCall(env.base, 'POST', `/api/v1/games/${ending.id}/finish`, undefined, env.token);
  await p.fill('#nickname', 'Bob');
  await p.click('#join-button');
  await p.waitForFunction(() => document.querySelector('#join-error').textContent !== '');
  assert.equal(await p.textContent('#join-error'), 'This game is over and can no longer be joined.');
  assert.equal(await p.isDisabled('#join-button'), true);
  assert.doesNotMatch(await p.textContent('body'), raw);
  assert.deepEqual(p.errors, []);
});

/** Each numbered cell of the phone's cards: its size, the room between its digits and its
 *  edges, and (daubed) the room between the digits and the inside of the daub's ring. */
function cellRoom(page) {
  return page.$$eval('.player-card .cell[data-n]', (cells) =>
    cells.map((cell) => {
      const c = cell.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(cell);
      const text = range.getBoundingClientRect();
      const out = {
        n: cell.dataset.n,
        width: c.width,
        height: c.height,
        side: Math.min(text.left - c.left, c.right - text.right),
      };
      if (cell.classList.contains('daubed')) {
        const ring = getComputedStyle(cell, '::after');
        const inset = parseFloat(ring.left) + parseFloat(ring.borderLeftWidth);
        const insetY = parseFloat(ring.top) + parseFloat(ring.borderTopWidth);
        // The ring's inside is a rectangle with corners rounded by (radius - border): the digits
        // must sit inside it.
        out.ring = Math.min(text.left - (c.left + inset), c.right - inset - text.right, text.top - (c.top + insetY), c.bottom - insetY - text.bottom);
        out.ringRadius = parseFloat(ring.borderTopLeftRadius);
      }
      return out;
    }),
  );
}

test('phones: 320 px cells with room around the digits, the daub ring clear of them, a whole ticket in landscape, the recovery code in view and the focus after joining', async () => {
  // Late entry: the landscape phone joins after six balls.
  const game = await apiGame(env.base, env.token, { kind: '90', draw_mode: 'manual', late_entry: true, stages: [{ pattern: { builtin: 'full-house' } }] });

  // A 320-pixel phone joins by the keyboard.
  const p = await phone({ width: 320, height: 640 });
  await p.goto(`${env.base}/player?code=${game.join_code}`);
  await p.waitForFunction(() => document.querySelector('#cards option[value="3"]'));
  await p.selectOption('#cards', '3');
  await p.fill('#nickname', 'Ann');
  await p.press('#nickname', 'Enter');
  await p.waitForSelector('#game-view:not([hidden]) .player-card');
  // The focus went with the player, to the recovery code shown without opening the menu.
  assert.equal(await p.evaluate(() => document.activeElement.id), 'recovery-note');
  assert.equal(await p.isVisible('#recovery-note'), true);
  const recovery = (await p.textContent('#recovery-note-code')).trim();
  assert.match(recovery, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  assert.equal((await p.textContent('#recovery-show')).trim(), recovery, 'the same code as in the menu');
  await p.click('#recovery-ok');
  assert.equal(await p.isHidden('#recovery-note'), true);
  assert.equal(await p.evaluate(() => document.activeElement.id), 'game-title', 'the focus stays in the game');
  await p.reload();
  await p.waitForSelector('#game-view:not([hidden]) .player-card');
  assert.equal(await p.isHidden('#recovery-note'), true, 'noted once, not shown again');
  assert.match(await p.textContent('#calls-count'), /^0 called · 1 player$/);

  // Six of the first card's numbers are called; three are daubed.
  await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/start`, undefined, env.token);
  const numbers = await p.$$eval('.player-card:first-child .cell[data-n]', (els) => els.slice(0, 6).map((e) => Number(e.dataset.n)));
  for (const number of numbers) await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/call`, { number }, env.token);
  await p.waitForFunction(() => document.querySelectorAll('.cell.due').length === 6);
  for (let i = 0; i < 3; i++) await p.locator('.cell.due').first().tap();
  await p.waitForFunction(() => document.querySelectorAll('.cell.daubed').length === 3);
  assert.match(await p.textContent('#calls-count'), /^6 called · 1 player$/);
  const cells = await cellRoom(p);
  assert.equal(cells.length, 45);
  for (const c of cells) {
    assert.ok(c.width >= 29 && c.height >= 36, `cell ${c.n} is ${c.width.toFixed(1)}x${c.height.toFixed(1)} px`);
    assert.ok(c.side >= 4, `cell ${c.n}: ${c.side.toFixed(1)} px between the digits and the edge`);
    if ('ring' in c) {
      assert.ok(c.ring >= 1, `cell ${c.n}: the daub ring clears the digits (${c.ring.toFixed(1)} px)`);
      assert.ok(c.ringRadius <= 6, `cell ${c.n}: the ring follows the cell's edge`);
    }
  }
  // The header's stage column: "Stage 1 of 1" and the stage's name each keep to one line.
  const headerLines = await p.evaluate(() => {
    const lines = (el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    };
    const line = document.querySelector('#stage-line');
    return { stage: lines(line.querySelector('.hint')), name: lines(line.querySelector('strong')) };
  });
  assert.deepEqual(headerLines, { stage: 1, name: 1 }, 'at 320 px the stage line does not break a word per line');
  await p.screenshot({ path: join(SHOTS, 'player-320.png') });

  // A phone on its side: a whole ticket in view beside the ball and BINGO.
  const land = await phone({ width: 740, height: 360 });
  await land.goto(`${env.base}/player?code=${game.join_code}`);
  await land.waitForFunction(() => document.querySelector('#cards option[value="2"]'));
  await land.selectOption('#cards', '2');
  await land.fill('#nickname', 'Bob');
  await land.click('#join-button');
  await land.waitForSelector('#game-view:not([hidden]) .player-card');
  await land.click('#recovery-ok');
  const box = await land.evaluate(() => {
    const rect = (sel) => document.querySelector(sel).getBoundingClientRect();
    const card = rect('.player-card .card-grid');
    return { card: [card.left, card.top, card.right, card.bottom], side: rect('.top').left, bingo: rect('.bingo-bar').left };
  });
  const [, top, right, bottom] = box.card;
  assert.ok(top >= 0 && bottom <= 360, `the first ticket is in view from top to bottom (${top}–${bottom})`);
  assert.ok(right <= box.side && right <= box.bingo, 'beside the ball and the BINGO button, not under them');
  assert.equal(await land.isVisible('#bingo-button'), true);
  await land.screenshot({ path: join(SHOTS, 'player-landscape.png') });
  assert.deepEqual(p.errors, []);
  assert.deepEqual(land.errors, []);
});
