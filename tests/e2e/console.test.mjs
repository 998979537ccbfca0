// The Console as the caller sees it, each test a defect of issue #16 that must stay fixed: what
// the page says (names, counts, amounts) against what the server holds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiCall, apiGame, apiJoin, consoleWith, consoleLogin, openPage, texts, sharedSetup, TV } from './support.mjs';

const SHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

const env = sharedSetup();
const pages = [];

async function console_(path) {
  const page = await consoleWith(env.browser, env.base, env.token, path);
  pages.push(page);
  return page;
}

function noErrors(page) {
  assert.deepEqual(page.errors, [], 'no script errors');
}

test('the Players panel lists who joined, with their card counts, and again after a reload', async () => {
  const game = await apiGame(env.base, env.token, { kind: '90', stages: [{ pattern: { builtin: 'full-house' } }] });
  const joined = [['Ann', 6], ['Bob', 1], ['Cat', 3], ['Dev', 2], ['Eve', 4]];
  for (const [name, cards] of joined) await apiJoin(env.base, game.join_code, name, cards);
  const expected = ['Ann — 6 cards', 'Bob — 1 card', 'Cat — 3 cards', 'Dev — 2 cards', 'Eve — 4 cards'];

  const c = await console_(`/console?game=${game.id}`);
  await c.waitForFunction(() => document.querySelectorAll('#players li').length === 5);
  assert.deepEqual(await texts(c, '#players li'), expected);
  assert.equal((await c.textContent('#run-players')).trim(), '5 players');

  // A sixth joins while the console watches: the list follows.
  await apiJoin(env.base, game.join_code, 'Fay', 1);
  await c.waitForFunction(() => document.querySelectorAll('#players li').length === 6);
  assert.deepEqual(await texts(c, '#players li'), [...expected, 'Fay — 1 card']);
  assert.equal((await c.textContent('#run-players')).trim(), '6 players');

  await c.reload();
  await c.waitForFunction(() => document.querySelectorAll('#players li').length === 6);
  assert.deepEqual(await texts(c, '#players li'), [...expected, 'Fay — 1 card']);

  // One player and one ball: the singulars.
  const solo = await apiGame(env.base, env.token, { kind: '90', stages: [{ pattern: { builtin: 'full-house' } }] });
  await apiJoin(env.base, solo.join_code, 'Gus', 1);
  await apiCall(env.base, 'POST', `/api/v1/games/${solo.id}/start`, undefined, env.token);
  await apiCall(env.base, 'POST', `/api/v1/games/${solo.id}/draw`, undefined, env.token);
  await c.goto(`${env.base}/console?game=${solo.id}`);
  await c.waitForFunction(() => document.querySelectorAll('#players li').length === 1);
  assert.deepEqual(await texts(c, '#players li'), ['Gus — 1 card']);
  assert.equal((await c.textContent('#run-players')).trim(), '1 player');
  assert.equal((await c.textContent('#run-calls')).trim(), '1 ball called');
  noErrors(c);
});

test('a paper card that does not win offers no "Accept claim"; one that wins does, under the name the caller writes', async () => {
  const game = await apiGame(env.base, env.token, {
    kind: '90',
    draw_mode: 'manual',
    currency: 'GBP',
    stages: [{ pattern: { builtin: 'one-line' }, prize: 1000 }, { pattern: { builtin: 'full-house' } }],
  });
  const { cards } = await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/paper`, { count: 2 }, env.token);
  await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/start`, undefined, env.token);
  const [winner, loser] = cards;
  for (const number of winner.grid[0].filter((n) => n)) {
    await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/call`, { number }, env.token);
  }
  const c = await console_(`/console?game=${game.id}`);
  await c.waitForFunction(() => document.querySelector('#run-calls').textContent.startsWith('5 '));
  // The Screen says which card the caller is checking, then shows the winner by the name the
  // caller writes for the card's holder.
  const screen = await openPage(env.browser, TV);
  pages.push(screen);
  await screen.goto(`${env.base}/screen?code=${game.join_code}`);
  await screen.waitForFunction(() => document.querySelector('#now-count')?.textContent.startsWith('5 '));
  const stateLine = (text) => screen.waitForFunction((t) => document.querySelector('#state-line').textContent === t, text);
  await stateLine('Playing');

  const check = async (serial) => {
    await c.fill('#check-serial', String(serial));
    await c.press('#check-serial', 'Enter');
    await c.waitForFunction((s) => document.querySelector('#claims .claim-item.paper .claim-head')?.textContent.startsWith(`Card ${s} `), serial);
    return c.locator('#claims .claim-item.paper').first();
  };

  const no = await check(loser.serial);
  await stateLine(`Checking card ${loser.serial}…`);
  assert.match(await no.locator('.claim-head').textContent(), new RegExp(`^Card ${loser.serial} does not win: `));
  assert.deepEqual(await no.locator('button').allTextContents(), ['Dismiss'], 'only "Dismiss" for a card that does not win');
  await no.locator('button', { hasText: 'Dismiss' }).click();
  await c.waitForFunction(() => !document.querySelector('#claims .claim-item.paper'));
  await stateLine('Playing');

  const yes = await check(winner.serial);
  await stateLine(`Checking card ${winner.serial}…`);
  await screen.screenshot({ path: join(SHOTS, 'screen-checking.png') });
  assert.match(await yes.locator('.claim-head').textContent(), new RegExp(`^Card ${winner.serial} wins [^:]+: `));
  assert.equal((await yes.locator('.claim-head').textContent()).match(/wins/g).length, 1, 'the verdict says "wins" once');
  assert.deepEqual(await yes.locator('button').allTextContents(), ['Accept claim', 'Reject']);
  assert.equal(await c.evaluate(() => document.activeElement.textContent), 'Accept claim', 'focus on "Accept claim"');
  await yes.getByLabel('Name (optional)').fill('  Dee Holder ');
  await yes.locator('button', { hasText: 'Accept claim' }).click();
  const head = `Accepted: Dee Holder · card ${winner.serial}, `;
  await c.waitForFunction((h) => document.querySelector('#claims .claim-item.ok .claim-head')?.textContent.startsWith(h), head);
  await screen.waitForSelector('#winner-overlay:not([hidden])');
  assert.equal(await screen.textContent('#winner-overlay .overlay-card'), `Dee Holder · card ${winner.serial}`);
  await stateLine('Playing');
  await screen.waitForFunction(() => document.querySelector('#winners li.pending'));
  assert.equal((await texts(screen, '#winners li'))[0], `One line: Dee Holder · card ${winner.serial}`);

  // The next ball settles the stage: Results and the Screen name the winner, and so does a reload.
  const next = Array.from({ length: 90 }, (_, i) => i + 1).find((n) => !winner.grid.flat().includes(n));
  await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/call`, { number: next }, env.token);
  const result = `One line: Dee Holder · card ${winner.serial} (£10.00)`;
  await c.waitForFunction((r) => document.querySelector('#results li')?.textContent === r, result);
  await c.reload();
  await c.waitForFunction((r) => document.querySelector('#results li')?.textContent === r, result);
  await c.waitForFunction((h) => document.querySelector('#claims .claim-item.ok .claim-head')?.textContent.startsWith(h), head);
  await screen.waitForFunction(() => !document.querySelector('#winners li.pending'));
  assert.equal((await texts(screen, '#winners li'))[0], `One line: Dee Holder · card ${winner.serial} · £10.00`);
  noErrors(c);
  noErrors(screen);
});

test('once the last stage is won, neither "Next ball" nor "Start auto-draw" can be pressed', async () => {
  const game = await apiGame(env.base, env.token, {
    kind: '90',
    auto_draw_ms: 60000,
    stages: [{ pattern: { builtin: 'one-line' }, prize: 0 }],
  });
  const { cards } = await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/paper`, { count: 30 }, env.token);
  await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/start`, undefined, env.token);
  const c = await console_(`/console?game=${game.id}`);
  await c.waitForFunction(() => document.querySelector('#run-state').dataset.state === 'running');
  assert.equal(await c.isEnabled('#btn-auto'), true, 'auto-draw can be started while the stage is played');

  // Balls until a paper card has a whole row, then its claim: the only stage is won.
  const called = new Set();
  let winner = null;
  while (!winner) {
    const res = await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/draw`, undefined, env.token);
    for (const n of res.snapshot.game.calls) called.add(n);
    winner = cards.find((card) => card.grid.some((row) => row.filter((n) => n).every((n) => called.has(n))));
  }
  await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/claims`, { serial: winner.serial }, env.token);

  await c.waitForFunction(() => /final stage is won/.test(document.querySelector('#run-note').textContent));
  assert.equal((await c.textContent('#run-note')).trim(), 'The final stage is won. End the game to pay out and reveal the seed.');
  assert.equal((await c.textContent('#btn-auto')).trim(), 'Start auto-draw');
  assert.equal(await c.isDisabled('#btn-auto'), true, '"Start auto-draw" is disabled');
  assert.equal(await c.isDisabled('#btn-next'), true, '"Next ball" is disabled');
  // Nor by its key.
  await c.focus('body');
  await c.keyboard.press('a');
  await c.waitForTimeout(500);
  assert.equal(await c.getAttribute('#btn-auto', 'aria-pressed'), 'false');
  noErrors(c);
});

test('the games list says when each game was created, and offers a finished game\'s results, not "Run"', async () => {
  const running = await apiGame(env.base, env.token, { kind: '90', stages: [{ pattern: { builtin: 'full-house' } }] });
  const over = await apiGame(env.base, env.token, { kind: '80', stages: [{ pattern: { builtin: 'full-card' } }] });
  await apiCall(env.base, 'POST', `/api/v1/games/${over.id}/start`, undefined, env.token);
  await apiCall(env.base, 'POST', `/api/v1/games/${over.id}/finish`, undefined, env.token);
  const { games } = await apiCall(env.base, 'GET', '/api/v1/games', undefined, env.token);
  const created = (id) => games.find((g) => g.id === id).created_at_ms;

  const c = await console_('/console');
  await c.waitForSelector('#games .game-row');
  const row = (code) => c.locator('#games .game-row', { hasText: code });
  const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
  for (const [game, kind, state, button] of [
    [running, 90, 'Open for joining', 'Run'],
    [over, 80, 'Finished', 'View results'],
  ]) {
    const r = row(game.join_code);
    const text = (await r.locator('span').first().textContent()).trim();
    assert.equal(text, `${kind}-ball · code ${game.join_code} · ${state}created ${when.format(new Date(created(game.id)))}`);
    assert.deepEqual(await r.locator('button').allTextContents(), [button]);
  }
  // The newest first.
  const codes = await c.$$eval('#games .game-row', (rows) => rows.map((r) => /code (\w+)/.exec(r.textContent)[1]));
  assert.ok(codes.indexOf(over.join_code) < codes.indexOf(running.join_code));
  await row(over.join_code).locator('button').click();
  await c.waitForFunction(() => document.querySelector('#run-state').dataset.state === 'finished');
  assert.equal(await c.textContent('#fair-label'), 'Revealed seed');
  noErrors(c);
});

test('the wizard says what is wrong instead of changing it, shows every pattern, and reviews every rule', async () => {
  const c = await console_('/console');
  await c.waitForSelector('#games-view:not([hidden])');
  await c.click('#new-game');
  await c.check('input[name="kind"][value="75"]');

  /** Presses Next and returns what the wizard says is wrong (and where the focus went). */
  const next = async () => {
    await c.click('#wizard-next');
    return {
      step: (await c.textContent('#wizard-step')).trim(),
      errors: await texts(c, '#wizard-error li'),
      focus: await c.evaluate(() => document.activeElement.id),
    };
  };

  // A name with a tab (pasted from a spreadsheet) is said, not sent; markup is only text.
  await c.fill('#game-name', 'Friday\tgame 2');
  let r = await next();
  assert.equal(r.step, 'Step 1 of 4');
  assert.deepEqual(r.errors, ['Name of the game: tabs and other control characters cannot be shown; remove them.']);
  assert.equal(r.focus, 'game-name');
  await c.fill('#game-name', ' Friday <b>game</b> 2 ');
  await c.click('#wizard-next');
  await c.waitForSelector('#stage-0-pattern');

  // Every built-in pattern has its picture; a 75-ball game's defaults.
  const stages = await c.locator('#stages > li').count();
  assert.equal(await c.locator('#stages .stage-picture .pattern-ways').count(), stages);

  // A currency in words, not its code: said, not cut to "POU".
  await c.fill('#currency', 'pounds');
  r = await next();
  assert.equal(r.step, 'Step 2 of 4', 'stays on the step');
  assert.deepEqual(r.errors, ['Currency: "pounds" is not a currency code. Type its three letters, e.g. GBP, EUR or USD, or leave it empty.']);
  assert.equal(r.focus, 'currency');
  assert.equal(await c.getAttribute('#currency', 'aria-invalid'), 'true');
  await c.fill('#currency', 'gbp');

  // Prizes below zero and with three decimals are refused, not changed.
  await c.selectOption('#stage-0-pattern', 'x');
  for (let i = (await c.locator('#stages > li').count()) - 1; i > 0; i--) await c.click(`#stages > li:nth-child(${i + 1}) button.ghost`);
  await c.fill('#stage-0-prize', '-5');
  r = await next();
  assert.deepEqual(r.errors, ['Stage 1: a prize cannot be below 0.']);
  assert.equal(r.focus, 'stage-0-prize');
  await c.screenshot({ path: join(SHOTS, 'console-wizard-check.png') });
  await c.fill('#stage-0-prize', '12.345');
  r = await next();
  assert.deepEqual(r.errors, ['Stage 1: 12.345 has more than two decimals. Type e.g. 12.35.']);
  await c.fill('#stage-0-prize', '12.34');

  // Four corners after X: a card with X already has the corners.
  await c.click('#add-stage');
  await c.selectOption('#stage-1-pattern', 'four-corners');
  r = await next();
  assert.deepEqual(r.errors, [
    'Stage 2 (Four corners) is already complete on a card that wins stage 1 (X): both would be won on the same ball. Choose a bigger pattern for stage 2, or put it first.',
  ]);
  assert.equal(r.focus, 'stage-1-pattern');

  // An empty custom pattern, said at once and with the caller's numbering (stage 2).
  await c.selectOption('#stage-1-pattern', 'custom');
  assert.equal((await c.textContent('#stages > li:nth-child(2) .custom .hint')).trim(), 'Click the cells of the pattern.', 'no talk of 90-ball tickets');
  r = await next();
  assert.deepEqual(r.errors, ['Stage 2 (My pattern): draw the pattern; it has no cell yet.']);
  // The top row: not within X.
  for (let col = 0; col < 5; col++) await c.click(`#stage-1-draw [data-r="0"][data-c="${col}"]`);
  await c.fill('#stage-1-name', 'Top row');
  await c.fill('#stage-1-prize', '5');
  r = await next();
  assert.deepEqual(r.errors, []);
  assert.equal(r.step, 'Step 3 of 4');

  // Step 3: half a second between balls is refused.
  await c.fill('#auto-draw', '0.5');
  r = await next();
  assert.deepEqual(r.errors, ['Auto-draw: type whole seconds from 1 to 600, or leave it empty.']);
  await c.fill('#auto-draw', '8');
  await c.uncheck('#auto-daub-rule');
  await c.check('#late-entry-rule');
  await c.fill('#max-cards', '4');
  r = await next();
  assert.equal(r.step, 'Step 4 of 4');

  // The review: every rule, each stage with its picture and prize.
  const review = await c.$$eval('#review dl > *', (els) => els.map((e) => e.textContent.trim().replace(/\s+/g, ' ')));
  assert.deepEqual(review, [
    'Name', 'Friday <b>game</b> 2',
    'Kind', '75-ball (US, 5×5 with FREE centre)',
    'Currency', 'GBP',
    'Stages', 'X — £12.34 Top row — £5.00',
    'Draw', 'Random, provably fair (the server draws)',
    'Auto-draw', 'A ball every 8 s when you switch it on',
    'Claims', 'A winning card must be claimed before the next ball (else it is a sleeper)',
    'Auto-daub', 'Players mark their own numbers',
    'Sales', 'Open after the first ball (late cards win only on later balls)',
    'Most cards per player', '4',
  ]);
  assert.equal(await c.locator('#review .pattern-ways').count(), 2);
  await c.screenshot({ path: join(SHOTS, 'console-review.png') });
  await c.click('#wizard-create');
  await c.waitForSelector('#run-view:not([hidden])');
  const id = new URL(c.url()).searchParams.get('game');
  const snap = await apiCall(env.base, 'GET', `/api/v1/games/${id}`, undefined, env.token);
  assert.equal(snap.game.name, 'Friday <b>game</b> 2');
  assert.equal(await c.textContent('#run-name'), 'Friday <b>game</b> 2', 'the name is text, not markup');
  assert.equal(snap.game.rules.currency, 'GBP');
  assert.deepEqual(snap.game.stages.map((s) => [s.name, s.prize]), [['X', 1234], ['Top row', 500]]);
  assert.equal(snap.game.rules.max_cards_per_player, 4);
  assert.equal(snap.game.rules.auto_daub, false);
  assert.equal(snap.game.rules.late_entry, true);
  noErrors(c);
});

test('a caller who logs out and back in mid-game runs it at once, and a closed tab keeps the login', async () => {
  const game = await apiGame(env.base, env.token, { kind: '90', stages: [{ pattern: { builtin: 'full-house' } }] }, { open: false });
  const c = await openPage(env.browser); // logged in by the form, not by a planted env.token
  await consoleLogin(c, env.base);
  await c.waitForSelector('#login-view', { state: 'hidden' });
  const run = async () => {
    await c.goto(`${env.base}/console?game=${game.id}`);
    await c.waitForSelector('#run-view:not([hidden])');
  };
  await run();
  await c.click('#btn-open');
  await c.waitForFunction(() => document.querySelector('#run-state').dataset.state === 'open');
  await apiJoin(env.base, game.join_code, 'Ann', 1);
  await c.click('#btn-start');
  await c.waitForFunction(() => document.querySelector('#run-state').dataset.state === 'running');
  await c.click('#btn-next');
  await c.waitForFunction(() => document.querySelector('#run-calls').textContent.trim() === '1 ball called');

  // Log out and back in (a new session): the next ball is drawn at once, no "take over".
  await c.click('#logout');
  await c.waitForSelector('#login-view:not([hidden])');
  await consoleLogin(c, env.base);
  await c.waitForSelector('#login-view', { state: 'hidden' });
  await run();
  await c.click('#btn-next');
  await c.waitForFunction(() => document.querySelector('#run-calls').textContent.trim() === '2 balls called');
  assert.equal(await c.isHidden('#takeover'), true, 'no "take over control" after logging back in');

  // The tab closes; a new one in the same env.browser is still logged in and still in control.
  const context = c.context();
  await c.close();
  const again = await context.newPage();
  await again.goto(`${env.base}/console?game=${game.id}`);
  await again.waitForSelector('#run-view:not([hidden])');
  await again.click('#btn-next');
  await again.waitForFunction(() => document.querySelector('#run-calls').textContent.trim() === '3 balls called');
  assert.equal(await again.isHidden('#takeover'), true);
  await again.close();
});
