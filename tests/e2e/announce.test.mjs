// Announcements (issue #16, "A night"): the caller types a line in the Console; the Screen and
// every phone show it, a Screen reloaded afterwards too, and it is gone from all of them after
// "Clear". Writes docs/screenshots/screen-announcement.png and player-announcement.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TV, PHONE, openPage, apiCall, apiGame, consoleWith, sharedSetup } from './support.mjs';

const SHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

const env = sharedSetup();

/** A phone that joins `code` as `name` through the join form. */
async function phoneJoined(code, name) {
  const page = await openPage(env.browser, PHONE, { isMobile: true, hasTouch: true });
  await page.goto(`${env.base}/player?code=${code}`);
  await page.waitForFunction(() => document.querySelector('#cards option[value="1"]'));
  await page.fill('#nickname', name);
  await page.click('#join-button');
  await page.waitForSelector('#game-view:not([hidden]) .player-card');
  return page;
}

async function screenOf(code) {
  const page = await openPage(env.browser, TV);
  await page.goto(`${env.base}/screen?code=${code}`);
  await page.waitForFunction((c) => document.querySelector('#join-code')?.textContent === c, code);
  return page;
}

/** Waits until the page's announcement text is `text` ('' for none). */
function shows(page, text) {
  return page.waitForFunction(
    (want) => (document.querySelector('#announcement .announcement-text')?.textContent ?? '') === want,
    text,
  );
}

/** Whether the element is laid out and visible (not display: none, not zero-sized). */
function visible(page, selector) {
  return page.$eval(selector, (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).display !== 'none';
  });
}

/** Whether two elements' boxes overlap. */
function overlap(page, a, b) {
  return page.evaluate(
    ([a, b]) => {
      const [r, s] = [document.querySelector(a).getBoundingClientRect(), document.querySelector(b).getBoundingClientRect()];
      return r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
    },
    [a, b],
  );
}

/** The Screen's banner covers nothing, and the current ball, the join code and the board's last
 *  number are inside the window. */
async function inView(screen) {
  for (const other of ['#now-ball', '#join-code', '#join-qr', '#board']) {
    assert.equal(await overlap(screen, '#announcement', other), false, `the banner covers ${other}`);
    assert.equal(await visible(screen, other), true, `${other} is in view`);
  }
  const inside = await screen.evaluate(() =>
    ['#now-ball', '#join-code', '#board .num:last-child', '#announcement'].map((sel) => {
      const r = document.querySelector(sel).getBoundingClientRect();
      return [sel, r.top >= 0 && r.bottom <= innerHeight + 0.5 && r.left >= 0 && r.right <= innerWidth + 0.5];
    }),
  );
  for (const [sel, ok] of inside) assert.ok(ok, `${sel} is inside the window`);
}

test('an announcement from the Console reaches the Screen and two phones, survives a Screen reload, and goes on Clear', async () => {
  const game = await apiGame(env.base, env.token, {
    kind: '90',
    name: 'Charity night',
    draw_mode: 'manual',
    stages: [{ pattern: { builtin: 'one-line' }, prize: 1000 }, { pattern: { builtin: 'full-house' }, prize: 2500 }],
  });
  const [ann, bob] = [await phoneJoined(game.join_code, 'Ann'), await phoneJoined(game.join_code, 'Bob')];
  await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/start`, undefined, env.token);
  for (const number of [7, 42, 90]) await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/call`, { number }, env.token);
  let screen = await screenOf(game.join_code);
  const c = await consoleWith(env.browser, env.base, env.token, `/console?game=${game.id}`);
  await c.waitForFunction(() => document.querySelector('#announce-now').textContent === 'Nothing is shown.');
  for (const page of [screen, ann, bob]) assert.equal(await visible(page, '#announcement'), false, 'no banner before');

  // Untrusted text stays text: markup in it is shown, not run.
  const text = 'Raffle at the interval <b>— tickets</b> at the bar';
  await c.fill('#announce-text', '  ' + text + ' ');
  await c.click('#announce-show');
  await c.waitForFunction((t) => document.querySelector('#announce-now').textContent === `Showing now: ${t}`, text);
  assert.equal(await c.inputValue('#announce-text'), '', 'the field is emptied once shown');
  for (const page of [screen, ann, bob]) {
    await shows(page, text);
    assert.equal(await page.$eval('#announcement .announcement-label', (el) => el.textContent), 'Announcement');
    assert.equal(await page.$$eval('#announcement b', (els) => els.length), 0, 'no markup from the text');
    assert.equal(await page.getAttribute('#announcement', 'aria-live'), 'polite');
  }
  // The banner hides neither the balls nor the join code on the Screen, and every number of the
  // board stays in view.
  await inView(screen);
  assert.equal(await overlap(ann, '#announcement', '#current-ball'), false, 'the phone banner covers the ball');
  await screen.screenshot({ path: join(SHOTS, 'screen-announcement.png') });
  await ann.screenshot({ path: join(SHOTS, 'player-announcement.png') });

  // A Screen reloaded afterwards shows it at once (from its snapshot).
  await screen.reload();
  await shows(screen, text);

  // The longest announcement (200 characters, three lines) still leaves everything in view.
  const longest = 'Eyes down for the second half in five minutes. '.repeat(5).slice(0, 200);
  await apiCall(env.base, 'PUT', `/api/v1/games/${game.id}/announcement`, { text: longest }, env.token);
  await shows(screen, longest.trim());
  await inView(screen);

  // Replaced, then cleared: gone everywhere.
  await c.fill('#announce-text', 'Last orders');
  await c.press('#announce-text', 'Enter');
  for (const page of [screen, ann, bob]) await shows(page, 'Last orders');
  await c.click('#announce-clear');
  await c.waitForFunction(() => document.querySelector('#announce-now').textContent === 'Nothing is shown.');
  for (const page of [screen, ann, bob]) {
    await shows(page, '');
    assert.equal(await visible(page, '#announcement'), false, 'no banner after Clear');
  }
  // And after a reload too.
  await screen.reload();
  await screen.waitForFunction(() => document.querySelector('#now-ball')?.textContent === '90');
  assert.equal(await visible(screen, '#announcement'), false);
  for (const page of [screen, ann, bob, c]) assert.deepEqual(page.errors, []);
});
