// Shared setup of the browser end-to-end tests: a real `bingo serve` (BINGO_BIN) on a free port
// with its own data directory and admin passphrase, and headless Chromium (/usr/bin/chromium by
// default, CHROMIUM to change) driven by playwright-core.

import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

export const PASSPHRASE = 'e2e-passphrase-1234';
export const PHONE = { width: 360, height: 740 };
export const TV = { width: 1920, height: 1080 };
export const LAPTOP = { width: 1440, height: 900 };

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

/** Starts `bingo serve` (with `args` added) and waits until it is ready: { base, log(), stop() }. */
export async function startServer({ args = [] } = {}) {
  const bin = process.env.BINGO_BIN;
  assert.ok(bin, 'set BINGO_BIN to the bingo binary (e.g. target/debug/bingo)');
  const dir = mkdtempSync(join(tmpdir(), 'bingo-e2e-'));
  writeFileSync(join(dir, 'passphrase'), PASSPHRASE);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let log = '';
  const server = spawn(
    bin,
    [
      'serve',
      '--listen',
      `127.0.0.1:${port}`,
      '--data-dir',
      join(dir, 'data'),
      '--admin-passphrase-file',
      join(dir, 'passphrase'),
      ...args,
    ],
    { env: { ...process.env, BINGO_LOG_FORMAT: 'json', BINGO_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      const res = await fetch(base + '/ready');
      if (res.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline || server.exitCode !== null) throw new Error('bingo did not start:\n' + log);
    await sleep(100);
  }
  return { base, log: () => log, stop: () => server.kill('SIGTERM') };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page in a new browser context that records script errors (page.errors), requests that
 *  failed or were refused (page.network, for a failure's message) and accepts dialogs. */
export async function openPage(browser, viewport, opts = {}) {
  const context = await browser.newContext({ viewport, ...opts });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.network = [];
  page.on('requestfailed', (r) => page.network.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 500 || r.status() === 429) page.network.push(`${r.url()}: ${r.status()}`);
  });
  page.on('dialog', (d) => d.accept());
  return page;
}

/** Logs the console page in with the admin passphrase. */
export async function consoleLogin(page, base) {
  await page.goto(base + '/console');
  await page.fill('#passphrase', PASSPHRASE);
  await page.press('#passphrase', 'Enter');
}

/** Calls the server's API (for setting a scene up, not what is tested): the JSON answer; fails the test on an error status. */
export async function apiCall(base, method, path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** An admin session token (logins are rate limited: take one per test file). */
export async function adminSession(base) {
  return (await apiCall(base, 'POST', '/api/v1/admin/login', { passphrase: PASSPHRASE })).token;
}

/** Creates a game through the API ({ id, join_code }), opened unless `open: false`. */
export async function apiGame(base, token, config, { open = true } = {}) {
  const game = await apiCall(base, 'POST', '/api/v1/games', config, token);
  if (open) await apiCall(base, 'POST', `/api/v1/games/${game.id}/open`, undefined, token);
  return game;
}

/** A player joins through the API: { player_token, recovery_code, cards, ... }. */
export function apiJoin(base, code, nickname, cards = 1) {
  return apiCall(base, 'POST', '/api/v1/join', { join_code: code, nickname, cards });
}

/** A console page already logged in with `token`, at `path` (e.g. `/console?game=<id>`). */
export async function consoleWith(browser, base, token, path = '/console', viewport = LAPTOP) {
  const page = await openPage(browser, viewport);
  await page.addInitScript((tok) => localStorage.setItem('bingo.console.token', tok), token);
  await page.goto(base + path);
  return page;
}

/** A phone presses BINGO: the banner is cleared first, then the verdict's banner (good or bad)
 *  is waited for, so the caller reads this claim's answer and not an earlier one. */
export async function pressBingo(phone) {
  await phone.evaluate(() => {
    const b = document.querySelector('#banner');
    b.hidden = true;
    b.className = 'banner';
  });
  await phone.click('#bingo-button');
  await phone.waitForSelector('#banner.good:not([hidden]), #banner.bad:not([hidden])');
}

/** The visible texts of the elements matching `selector`, trimmed. */
export function texts(page, selector) {
  return page.$$eval(selector, (els) => els.map((e) => e.textContent.trim()));
}

/**
 * For every element matching `selector`, whether its text stays inside its circle: each line
 * box of the text (letter and number) has its four corners within the circle inside the border
 * (1 px of slack). Returns [{ text, fits, worst }] (`worst`: how far the farthest corner is, in px,
 * beyond the inner radius; negative inside).
 */
export async function textInCircles(page, selector) {
  // At rest: the pop of a new ball scales it (but not its border width).
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
  return page.$$eval(selector, (balls) =>
    balls.map((ball) => {
      const r = ball.getBoundingClientRect();
      const border = parseFloat(getComputedStyle(ball).borderTopWidth) || 0;
      const cx = r.left + r.width / 2;
      const cy = r.top + r.height / 2;
      const radius = Math.min(r.width, r.height) / 2 - border;
      const range = document.createRange();
      let worst = -Infinity;
      const walker = document.createTreeWalker(ball, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        range.selectNodeContents(node);
        for (const t of range.getClientRects()) {
          for (const [x, y] of [[t.left, t.top], [t.right, t.top], [t.left, t.bottom], [t.right, t.bottom]]) {
            worst = Math.max(worst, Math.hypot(x - cx, y - cy) - radius);
          }
        }
      }
      return { text: ball.textContent, fits: worst <= 1, worst: Math.round(worst * 10) / 10 };
    }),
  );
}

let axeSource = null;

/**
 * Runs axe-core (WCAG 2.x A and AA, and its best practices) on the page as it is now and returns
 * the violations of moderate impact or worse as "rule: targets" lines (none is the goal). axe is
 * evaluated through the DevTools protocol, which the pages' Content-Security-Policy allows.
 */
export async function axeViolations(page) {
  if (!axeSource) {
    const { readFile } = await import('node:fs/promises');
    axeSource = await readFile(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
  }
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    }),
  );
  return result.violations
    .filter((v) => ['moderate', 'serious', 'critical'].includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * The server, browser and admin token one test file shares: started before its tests and stopped
 * after them. Read them as `env.base`, `env.browser`, `env.token` inside tests.
 */
export function sharedSetup() {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.base = env.server.base;
    env.browser = await launchBrowser();
    env.token = await adminSession(env.base);
  });
  after(async () => {
    if (env.browser) await env.browser.close();
    if (env.server) env.server.stop();
  });
  return env;
}
