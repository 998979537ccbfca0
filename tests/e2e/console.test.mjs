// The Console as the caller sees it, each test a defect of issue #16 that must stay fixed: what
// the page says (names, counts, amounts) against what the server holds.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, adminSession, apiCall, apiGame, apiJoin, consoleWith, texts } from './support.mjs';

let server;
let base;
let browser;
let token;
const pages = [];

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

async function console_(path) {
  const page = await consoleWith(browser, base, token, path);
  pages.push(page);
  return page;
}

function noErrors(page) {
  assert.deepEqual(page.errors, [], 'no script errors');
}

test('the Players panel lists who joined, with their card counts, and again after a reload', async () => {
  const game = await apiGame(base, token, { kind: '90', stages: [{ pattern: { builtin: 'full-house' } }] });
  const joined = [['Ann', 6], ['Bob', 1], ['Cat', 3], ['Dev', 2], ['Eve', 4]];
  for (const [name, cards] of joined) await apiJoin(base, game.join_code, name, cards);
  const expected = ['Ann — 6 cards', 'Bob — 1 card', 'Cat — 3 cards', 'Dev — 2 cards', 'Eve — 4 cards'];

  const c = await console_(`/console?game=${game.id}`);
  await c.waitForFunction(() => document.querySelectorAll('#players li').length === 5);
  assert.deepEqual(await texts(c, '#players li'), expected);
  assert.equal((await c.textContent('#run-players')).trim(), '5 players');

  // A sixth joins while the console watches: the list follows.
  await apiJoin(base, game.join_code, 'Fay', 1);
  await c.waitForFunction(() => document.querySelectorAll('#players li').length === 6);
  assert.deepEqual(await texts(c, '#players li'), [...expected, 'Fay — 1 card']);
  assert.equal((await c.textContent('#run-players')).trim(), '6 players');

  await c.reload();
  await c.waitForFunction(() => document.querySelectorAll('#players li').length === 6);
  assert.deepEqual(await texts(c, '#players li'), [...expected, 'Fay — 1 card']);

  // One player and one ball: the singulars.
  const solo = await apiGame(base, token, { kind: '90', stages: [{ pattern: { builtin: 'full-house' } }] });
  await apiJoin(base, solo.join_code, 'Gus', 1);
  await apiCall(base, 'POST', `/api/v1/games/${solo.id}/start`, undefined, token);
  await apiCall(base, 'POST', `/api/v1/games/${solo.id}/draw`, undefined, token);
  await c.goto(`${base}/console?game=${solo.id}`);
  await c.waitForFunction(() => document.querySelectorAll('#players li').length === 1);
  assert.deepEqual(await texts(c, '#players li'), ['Gus — 1 card']);
  assert.equal((await c.textContent('#run-players')).trim(), '1 player');
  assert.equal((await c.textContent('#run-calls')).trim(), '1 ball called');
  noErrors(c);
});
