// What the feature tests (features.test.mjs, access.test.mjs) share: one real `bingo serve` and
// one browser per file (useServer), a console session made once (logins are rate limited), and
// the steps they repeat (create a game with the wizard, open the screen, follow the focus ring).

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PASSPHRASE, TV, LAPTOP, startServer, launchBrowser, openPage, consoleLogin } from './support.mjs';

/** The file's server, browser and console token, set by useServer's before(). */
export const ctx = { server: null, base: '', browser: null, adminToken: '', pages: [] };

/** Starts a server and a browser before the file's tests and stops them after. */
export function useServer() {
  before(async () => {
    ctx.server = await startServer();
    ctx.base = ctx.server.base;
    ctx.browser = await launchBrowser();
    const res = await fetch(ctx.base + '/api/v1/admin/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ passphrase: PASSPHRASE }),
    });
    assert.equal(res.status, 200);
    ctx.adminToken = (await res.json()).token;
  });
  after(async () => {
    if (ctx.browser) await ctx.browser.close();
    if (ctx.server) ctx.server.stop();
  });
  return ctx;
}

export async function open(viewport, opts = {}) {
  const page = await openPage(ctx.browser, viewport, opts);
  ctx.pages.push(page);
  return page;
}

export function noErrors(...list) {
  for (const p of list) assert.deepEqual(p.errors, [], 'no script errors');
}

/** A console on the games list: logged in with the passphrase (login: true), else with the
 *  session made in before(). */
export async function newConsole({ login = false } = {}) {
  const page = await open(LAPTOP);
  if (login) {
    await consoleLogin(page, ctx.base);
  } else {
    await page.addInitScript((token) => localStorage.setItem('bingo.console.token', token), ctx.adminToken);
    await page.goto(ctx.base + '/console');
  }
  await page.waitForSelector('#games-view:not([hidden])');
  return page;
}

/** Creates a game with the wizard (mouse): returns { id, code }, the console on its run view. */
export async function createGame(page, { kind = '90', manual = false, autoDraw = '' } = {}) {
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

export async function waitState(page, state) {
  await page.waitForFunction((s) => document.querySelector('#run-state').dataset.state === s, state);
}

export async function openAndStart(page) {
  await page.click('#btn-open');
  await waitState(page, 'open');
  await page.click('#btn-start');
  await waitState(page, 'running');
}

/** The number of balls called, as the console shows it. */
export async function consoleCalls(page) {
  return Number(/^(\d+)/.exec(await page.textContent('#run-calls'))[1]);
}

export async function waitConsoleCalls(page, n) {
  await page.waitForFunction((n) => document.querySelector('#run-calls').textContent.startsWith(n + ' '), n);
}

/** The screen's lit board numbers, ascending. */
export async function screenBoard(screen) {
  return screen.$$eval('#board .num.on', (els) => els.map((e) => Number(e.textContent)).sort((a, b) => a - b));
}

export async function waitScreenBoard(screen, numbers) {
  const want = [...numbers].sort((a, b) => a - b);
  await screen.waitForFunction(
    (want) => {
      const on = [...document.querySelectorAll('#board .num.on')].map((e) => Number(e.textContent)).sort((a, b) => a - b);
      return JSON.stringify(on) === JSON.stringify(want);
    },
    want,
  );
}

export async function openScreen(code, init) {
  const screen = await open(TV);
  if (init) await screen.addInitScript(init);
  await screen.goto(`${ctx.base}/screen?code=${code}`);
  await screen.waitForFunction((c) => document.querySelector('#join-code')?.textContent === c, code);
  return screen;
}

/** What has keyboard focus, and whether it shows a focus indicator (outline or box-shadow). */
export function focusInfo(page) {
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

export async function assertFocusRing(page, what) {
  const f = await focusInfo(page);
  assert.ok(!f.body, `${what}: something has focus`);
  assert.ok(f.ring, `${what}: #${f.id} (${f.tag}) shows a focus indicator (${f.style})`);
  return f;
}

/** Presses Tab (or Shift+Tab) until `selector` has focus, checking the focus ring at each stop. */
export async function tabTo(page, selector, { back = false, max = 40 } = {}) {
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

export async function clearAndType(page, text) {
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}
