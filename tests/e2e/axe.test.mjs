// axe-core on every view of the three apps (issue #16, defect 14): no violation of moderate
// impact or worse: a level-one heading on every page, all content inside landmarks, headings
// in order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, TV, LAPTOP, openPage, apiCall, apiGame, consoleWith, axeViolations, sharedSetup } from './support.mjs';

const env = sharedSetup();

async function clean(page, what) {
  // Let the pops and fades end: axe reads colours as they are drawn.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
  assert.deepEqual(await axeViolations(page), [], what);
}

test('the Console: login, games, each wizard step, a running game', async () => {
  const login = await openPage(env.browser, LAPTOP);
  await login.goto(env.base + '/console');
  await login.waitForSelector('#login-view:not([hidden])');
  await clean(login, 'login');

  const c = await consoleWith(env.browser, env.base, env.token, '/console');
  await c.waitForSelector('#games-view:not([hidden])');
  await clean(c, 'games list (empty)');
  await c.click('#new-game');
  for (let step = 1; step <= 4; step++) {
    await c.waitForFunction((n) => document.querySelector('#wizard-step').textContent === `Step ${n} of 4`, step);
    if (step === 2) await c.selectOption('#stage-1-pattern', 'custom');
    await clean(c, `wizard step ${step}`);
    if (step === 2) {
      await c.click('#stage-1-draw [data-r="0"][data-c="0"]');
      await c.selectOption('#stage-1-pattern', 'two-lines');
    }
    if (step < 4) await c.click('#wizard-next');
  }
  await c.click('#wizard-create');
  await c.waitForFunction(() => document.querySelector('#run-state')?.dataset.state === 'created');
  await clean(c, 'a new game');
  const id = new URL(c.url()).searchParams.get('game');
  const game = await apiCall(env.base, 'GET', `/api/v1/games/${id}`, undefined, env.token);
  await apiCall(env.base, 'POST', `/api/v1/games/${id}/open`, undefined, env.token);
  await apiCall(env.base, 'POST', '/api/v1/join', { join_code: game.join_code, nickname: 'Ann', cards: 2 });
  await apiCall(env.base, 'POST', `/api/v1/games/${id}/start`, undefined, env.token);
  for (let i = 0; i < 5; i++) await apiCall(env.base, 'POST', `/api/v1/games/${id}/draw`, undefined, env.token);
  await c.waitForFunction(() => document.querySelector('#run-calls').textContent.startsWith('5 '));
  await c.fill('#check-serial', '1');
  await c.press('#check-serial', 'Enter');
  await c.waitForSelector('#claims .claim-item.paper');
  await clean(c, 'a running game with a card checked');
  await c.click('#to-games');
  await c.waitForSelector('#games .game-row');
  await clean(c, 'games list');
});

test('the Screen: the picker and a game with winners', async () => {
  const pick = await openPage(env.browser, TV);
  await pick.goto(env.base + '/screen');
  await pick.waitForSelector('#pick-view:not([hidden])');
  await clean(pick, 'the picker');

  const game = await apiGame(env.base, env.token, {
    kind: '90',
    draw_mode: 'manual',
    currency: 'GBP',
    stages: [{ pattern: { builtin: 'one-line' }, prize: 1000 }, { pattern: { builtin: 'full-house' }, prize: 2000 }],
  });
  const { cards } = await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/paper`, { count: 1 }, env.token);
  await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/start`, undefined, env.token);
  const screen = await openPage(env.browser, TV);
  await screen.goto(`${env.base}/screen?code=${game.join_code}`);
  await screen.waitForFunction((c) => document.querySelector('#join-code')?.textContent === c, game.join_code);
  await clean(screen, 'before the first ball');
  for (const number of cards[0].grid[0].filter((n) => n)) {
    await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/call`, { number }, env.token);
  }
  await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/claims`, { serial: cards[0].serial }, env.token);
  await screen.waitForSelector('#winner-overlay:not([hidden])');
  await screen.evaluate(() => {
    document.querySelector('#winner-overlay').hidden = true;
  });
  await screen.waitForSelector('#winners-panel:not([hidden])');
  await clean(screen, 'a game with a winner');
});

test('the Player: joining, recovering, a game with the recovery code and the menu', async () => {
  const game = await apiGame(env.base, env.token, { kind: '75', stages: [{ pattern: { builtin: 'any-line' }, prize: 500 }], currency: 'EUR' });
  const p = await openPage(env.browser, PHONE, { isMobile: true, hasTouch: true });
  await p.goto(`${env.base}/player?code=${game.join_code}`);
  await p.waitForFunction(() => document.querySelector('#game-info').textContent !== '');
  await clean(p, 'join');
  await p.click('#show-recover');
  await clean(p, 'recover');
  await p.click('#show-join');
  await p.fill('#nickname', 'Ann');
  await p.click('#join-button');
  await p.waitForSelector('#game-view:not([hidden]) .player-card');
  await clean(p, 'the game with the recovery code');
  await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/start`, undefined, env.token);
  for (let i = 0; i < 6; i++) await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/draw`, undefined, env.token);
  await p.waitForFunction(() => document.querySelector('#calls-count').textContent.startsWith('6 '));
  await p.click('#recovery-ok');
  await clean(p, 'the game');
  await p.click('#menu-button');
  await clean(p, 'the menu');
});
