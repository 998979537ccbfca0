// A whole 90-ball game in a real browser: one console, one screen and three players drive the
// apps served by a real `bingo serve` (BINGO_BIN), in headless Chromium (/usr/bin/chromium by
// default, CHROMIUM to change). Saves screenshots into docs/screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PASSPHRASE, PHONE, TV, LAPTOP, startServer, launchBrowser, openPage, pressBingo } from './support.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(HERE, '../../docs/screenshots');

let server;
let base;
let browser;

before(async () => {
  server = await startServer();
  base = server.base;
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.stop();
});

/** A page that fails the test on any script error. */
const open = (viewport, opts = {}) => openPage(browser, viewport, opts);

const shot = (page, name) => page.screenshot({ path: join(SHOTS, name) });

/** The game's name, typed with spaces around it (the server trims them). */
const GAME_NAME = 'Charity night – game 1';

/** The numbers shown on a phone's cards (as the player reads them), per card. */
function numbersOnCards(page) {
  return page.$$eval('.player-card', (cards) =>
    cards.map((card) => [...card.querySelectorAll('.cell')].map((c) => c.textContent.trim()).filter((n) => /^\d+$/.test(n)).map(Number)),
  );
}

async function callsOn(page) {
  return page.evaluate(() => {
    const m = /^(\d+)/.exec(document.querySelector('#calls-count')?.textContent || '');
    return m ? Number(m[1]) : -1;
  });
}

test('a whole 90-ball game: console, screen and three players', { timeout: 600000 }, async () => {
  // ------------------------------------------------------------ the console creates a game
  const consolePage = await open(LAPTOP);
  await consolePage.goto(base + '/console');
  await consolePage.fill('#passphrase', PASSPHRASE);
  await consolePage.press('#passphrase', 'Enter');
  await consolePage.click('#new-game');
  await consolePage.fill('#game-name', `  ${GAME_NAME} `);
  await consolePage.check('input[name="kind"][value="90"]');
  await consolePage.click('#wizard-next');
  await consolePage.fill('#currency', 'GBP');
  await consolePage.fill('#stage-0-prize', '10');
  await consolePage.fill('#stage-1-prize', '20');
  await consolePage.fill('#stage-2-prize', '50');
  assert.equal(await consolePage.inputValue('#stage-2-pattern'), 'full-house');
  await shot(consolePage, 'console-wizard.png');
  await consolePage.click('#wizard-next');
  await consolePage.fill('#auto-draw', '8');
  await consolePage.click('#wizard-next');
  await consolePage.waitForSelector('#review li');
  assert.match(await consolePage.textContent('#review'), new RegExp(`Name${GAME_NAME}Kind`), 'the review shows the name');
  await consolePage.click('#wizard-create');
  await consolePage.waitForSelector('#run-view:not([hidden])');
  await consolePage.waitForFunction((n) => document.querySelector('#run-name').textContent === n, GAME_NAME);
  // The games list shows it by its name; "Run" comes back to it.
  await consolePage.click('#to-games');
  await consolePage.waitForSelector('#games .game-row .game-name');
  assert.equal(await consolePage.textContent('#games .game-row .game-name'), GAME_NAME);
  await consolePage.click('#games .game-row button');
  await consolePage.waitForFunction((n) => !document.querySelector('#run-view').hidden && document.querySelector('#run-name').textContent === n, GAME_NAME);
  await consolePage.click('#btn-open');
  await consolePage.waitForFunction(() => document.querySelector('#run-state').dataset.state === 'open');
  const code = (await consolePage.textContent('#run-code')).trim();
  assert.match(code, /^[A-Z0-9]{6}$/);
  const gameId = new URL(consolePage.url()).searchParams.get('game');

  // ------------------------------------------------------------ the screen shows how to join
  const screen = await open(TV);
  await screen.goto(`${base}/screen?code=${code}`);
  await screen.waitForFunction((c) => document.querySelector('#join-code')?.textContent === c, code);
  await screen.waitForFunction(() => document.querySelector('#join-qr').naturalWidth > 0);
  assert.match(await screen.textContent('#join-url'), new RegExp(`/player\\?code=${code}$`));
  assert.match(await screen.textContent('#fair-value'), /^[0-9a-f]{64}$/, 'the commitment before the first ball');
  assert.equal(await screen.textContent('#show-name'), GAME_NAME);
  assert.ok(await screen.isVisible('#show-name'), 'the name is on the screen');
  assert.equal(await screen.textContent('#show-title'), `${GAME_NAME} — game ${code}`);

  // ------------------------------------------------------------ two paper cards before anyone joins
  // A 90-ball join of six must still be one whole strip after them (issue #16, defect 12).
  await consolePage.fill('#paper-count', '2');
  await consolePage.click('#paper-form button[type="submit"]');
  await consolePage.waitForSelector('#print-view:not([hidden]) .paper-card');
  assert.match(await consolePage.textContent('.paper-card header strong'), new RegExp(`^${GAME_NAME} — game [A-Z0-9]{6}$`), 'a paper card names its game');
  await consolePage.click('#close-print');

  // ------------------------------------------------------------ three players join
  const names = ['Ann', 'Bob', 'Cat'];
  const players = [];
  for (const [i, name] of names.entries()) {
    const page = await open(PHONE, { isMobile: true, hasTouch: true });
    if (i === 0) {
      // Types the code shown on the screen.
      await page.goto(base + '/player');
      await page.fill('#join-code', code);
    } else {
      // Opens the link (the QR code's).
      await page.goto(`${base}/player?code=${code}`);
      // The app fills the field in when its modules have run (a CI run once read it empty).
      await page
        .waitForFunction((c) => document.querySelector('#join-code').value === c, code, { timeout: 10000 })
        .catch((e) => assert.fail(`the code from the link is not in the form: ${e.message}; ${[...page.errors, ...page.network].join('; ')}`));
    }
    await page.waitForFunction(() => document.querySelector('#cards option[value="6"]'));
    assert.equal(await page.textContent('#game-info .join-game-name'), GAME_NAME, 'the join form names the game');
    await page.fill('#nickname', name);
    await page.selectOption('#cards', '6');
    if (i === 0) await shot(page, 'player-join.png');
    await page.click('#join-button');
    await page.waitForSelector('#game-view:not([hidden]) .player-card');
    assert.equal(await page.locator('.player-card').count(), 6);
    // Six 90-ball tickets are a strip: every number 1-90 exactly once across them.
    const numbers = (await numbersOnCards(page)).flat().sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 90 }, (_, n) => n + 1), `${name}'s six tickets are not a strip`);
    assert.equal(await page.textContent('#game-name'), GAME_NAME, 'the phone names the game');
    // The recovery code is shown until the player has noted it.
    assert.match(await page.textContent('#recovery-note-code'), /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await page.click('#recovery-ok');
    players.push(page);
  }
  await screen.waitForFunction(() => /3 players/.test(document.querySelector('#players').textContent));
  await shot(screen, 'screen-join.png');
  // Bob lets the app daub for him.
  await players[1].click('#menu-button');
  await players[1].check('#auto-daub');
  await players[1].click('#close-menu');

  // ------------------------------------------------------------ paper cards and the check
  await consolePage.fill('#paper-count', '4');
  await consolePage.click('#paper-form button[type="submit"]');
  await consolePage.waitForSelector('#print-view:not([hidden]) .paper-card img');
  await consolePage.waitForFunction(() => [...document.querySelectorAll('.paper-card img')].every((i) => i.naturalWidth > 0));
  await shot(consolePage, 'console-paper.png');
  const paperSerial = Number((await consolePage.textContent('.paper-card .serial')).replace(/\D/g, ''));
  await consolePage.click('#close-print');

  // ------------------------------------------------------------ play
  await consolePage.click('#btn-start');
  await consolePage.waitForFunction(() => document.querySelector('#run-state').dataset.state === 'running');
  for (const p of players) await p.waitForSelector('#bingo-button:not([disabled])');

  let calls = 0;
  let falseClaimDone = false;
  let reloadDone = false;
  let winnerShot = false;
  const accepted = [];
  const stagesWon = new Set();
  /** Each won stage's winners as the apps name them: "Ann · card 14", in claim order. */
  const stageWinners = [];
  let noticesSeen = 0;
  /** The winners of the stage the next ball settles. */
  let settled = null;

  async function draw() {
    calls += 1;
    await consolePage.click('#btn-next');
    await consolePage.waitForFunction((n) => document.querySelector('#run-calls').textContent.startsWith(n + ' '), calls);
    for (const p of players) {
      if (p.away) continue;
      await p.waitForFunction((n) => document.querySelector('#calls-count').textContent.startsWith(n + ' '), calls);
    }
  }

  while (calls < 90) {
    await draw();
    if (settled) {
      // That ball settled the stage: a phone that did not win hears who did.
      const said = `won by ${settled.map((w) => w.who).join(', ')}.`;
      for (const p of players.filter((p) => !settled.some((w) => w.page === p))) {
        // Unless its own card completes on that ball, which takes the banner.
        await p.waitForFunction(
          (t) => document.querySelector('#banner').textContent.includes(t) || document.querySelector('.player-card.win'),
          said,
        );
        if (!(await p.locator('.player-card.win').count())) {
          assert.match(await p.textContent('#banner'), /^(One line|Two lines) won by /);
          assert.ok((await p.textContent('#banner')).endsWith(' ' + said));
          noticesSeen += 1;
        }
      }
      settled = null;
    }
    // Ann daubs her called numbers by hand (one tap each).
    const due = players[0].locator('.cell.due');
    const dueCount = await due.count();
    for (let i = 0; i < Math.min(dueCount, 3); i++) await players[0].locator('.cell.due').first().tap();

    if (!falseClaimDone && calls >= 5) {
      // Cat presses BINGO with no card complete: rejected, with the reason.
      const hasWin = await players[2].locator('.player-card.win').count();
      if (!hasWin) {
        await players[2].click('#bingo-button');
        await players[2].waitForSelector('#banner.bad:not([hidden])');
        const text = await players[2].textContent('#banner');
        assert.match(text, /Not a win: .*still needs/, text);
        await shot(players[2], 'player-rejected.png');
        falseClaimDone = true;
        await consolePage.waitForSelector('#claims .claim-item.no .card-grid');
      }
    }

    if (!reloadDone && calls === 12) {
      // Ann's phone leaves the page (a reload, a dropped Wi-Fi); two balls are called meanwhile.
      const daubsBefore = await players[0].locator('.cell.daubed').count();
      const serialsBefore = await players[0].$$eval('.player-card', (els) => els.map((e) => e.dataset.serial).sort());
      assert.ok(daubsBefore > 0, 'Ann has daubed');
      await players[0].goto('about:blank');
      players[0].away = true;
      await draw();
      await draw();
      await players[0].goto(`${base}/player?code=${code}`);
      players[0].away = false;
      await players[0].waitForFunction((n) => document.querySelector('#calls-count')?.textContent.startsWith(n + ' '), calls);
      const serialsAfter = await players[0].$$eval('.player-card', (els) => els.map((e) => e.dataset.serial).sort());
      assert.deepEqual(serialsAfter, serialsBefore, 'the same cards after the reload');
      assert.ok((await players[0].locator('.cell.daubed').count()) >= daubsBefore, 'the daubs came back');
      await players[0].reload();
      await players[0].waitForFunction((n) => document.querySelector('#calls-count')?.textContent.startsWith(n + ' '), calls);
      assert.ok((await players[0].locator('.cell.daubed').count()) >= daubsBefore, 'the daubs survive a reload');
      assert.equal(await players[0].textContent('#current-ball'), await players[1].textContent('#current-ball'));
      reloadDone = true;
    }

    // Every player with a winning card claims it before the next ball.
    let anyAccepted = false;
    const won = [];
    for (const [i, p] of players.entries()) {
      const wins = await p.locator('.player-card.win:not(.claimed)').count();
      if (!wins) continue;
      await pressBingo(p);
      const text = await p.textContent('#banner');
      if (/Too late/.test(text)) continue; // a sleeper (possible only for Ann after her reload)
      assert.match(text, /Accepted! Card \d+ wins .*Prize: £/, text);
      won.push({ page: p, who: `${names[i]} · card ${/Card (\d+) wins/.exec(text)[1]}` });
      anyAccepted = true;
      accepted.push(text);
      if (!winnerShot) {
        await shot(p, 'player-won.png');
      }
    }
    if (anyAccepted) {
      const stage = await consolePage.evaluate(() => document.querySelector('#run-stage').textContent);
      stagesWon.add(stage);
      await screen.waitForSelector('#winner-overlay:not([hidden]) .card-grid .cell.hl');
      const misplaced = await screen.$$eval('#winner-overlay .card-grid .cell', (cells) =>
        cells.filter((c, i) => c.textContent && Math.min(8, Math.floor(Number(c.textContent) / 10)) !== i % 9).length,
      );
      assert.equal(misplaced, 0, 'the completing numbers sit in their columns');
      // The Screen and the caller's claims list say who won, not only the card.
      const last = won[won.length - 1].who;
      await screen.waitForFunction((w) => document.querySelector('#winner-overlay .overlay-card').textContent === w, last);
      for (const w of won) {
        await consolePage.waitForFunction(
          (h) => [...document.querySelectorAll('#claims .claim-item.ok .claim-head')].some((e) => e.textContent.startsWith(h)),
          `Accepted: ${w.who}, `,
        );
      }
      stageWinners.push(won.map((w) => w.who));
      if (!winnerShot) {
        await screen.waitForTimeout(700); // the overlay's entrance
        await shot(screen, 'screen-winner.png');
        await consolePage.waitForSelector('#claims .claim-item.ok .card-grid .cell.hl');
        await shot(consolePage, 'console-run.png');
        winnerShot = true;
      }
      if (/Stage 3 of 3/.test(stage)) break;
      settled = won;
    }
    if (calls === 20) {
      await shot(screen, 'screen-game.png');
      await shot(players[1], 'player-cards.png');
    }
  }
  assert.ok(falseClaimDone, 'a false claim was made');
  assert.ok(reloadDone, 'a player reloaded');
  assert.equal(stagesWon.size, 3, 'all three stages were won: ' + [...stagesWon].join(' | '));
  assert.ok(noticesSeen > 0, 'another phone was told who won');

  // A paper card checked by its serial.
  await consolePage.fill('#check-serial', String(paperSerial));
  await consolePage.press('#check-serial', 'Enter');
  await consolePage.waitForSelector('#claims .claim-item.paper');

  // ------------------------------------------------------------ the end: the seed on the screen
  await consolePage.click('#btn-end');
  await consolePage.waitForFunction(() => document.querySelector('#run-state').dataset.state === 'finished');
  await screen.waitForSelector('#fair-value.seed');
  const seed = await screen.textContent('#fair-value');
  assert.match(seed, /^[0-9a-f]{64}$/);
  await screen.waitForFunction(() => document.querySelectorAll('#winners li').length === 3);
  // The Screen (newest first) and the console's Results name every stage's winners.
  const stageNames = ['One line', 'Two lines', 'Full house'];
  const screenLines = (await screen.$$eval('#winners li strong', (els) => els.map((e) => e.textContent))).reverse();
  assert.deepEqual(screenLines, stageWinners.map((w, i) => `${stageNames[i]}: ${w.join(', ')}`));
  const results = await consolePage.$$eval('#results li', (els) => els.map((e) => e.textContent));
  assert.deepEqual(results.map((r) => r.replace(/ \(.*\)$/, '')), stageWinners.map((w, i) => `${stageNames[i]}: ${w.join(', ')}`));
  await screen.evaluate(() => {
    document.querySelector('#winner-overlay').hidden = true;
  });
  await shot(screen, 'screen-end.png');
  // A winner's phone keeps what it won in view at the end.
  const winnerPhones = [];
  for (const p of players) {
    await p.waitForFunction(() => /game is over/.test(document.querySelector('#banner').textContent));
    if (await p.locator('.won-badge').count()) winnerPhones.push(p);
  }
  assert.ok(winnerPhones.length, 'a phone won something');
  assert.match(await winnerPhones[0].textContent('#banner'), /^The game is over\. You won .*card \d+ \(£\d+\.\d\d\).*Thank you for playing!$/);
  await shot(winnerPhones[0], 'player-end.png');

  // The server agrees: three settled stages, the prizes paid in full.
  const login = await (
    await fetch(base + '/api/v1/admin/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ passphrase: PASSPHRASE }),
    })
  ).json();
  const snap = await (await fetch(`${base}/api/v1/games/${gameId}`, { headers: { Authorization: 'Bearer ' + login.token } })).json();
  assert.equal(snap.game.state, 'finished');
  assert.equal(snap.game.seed, seed);
  assert.deepEqual(
    snap.game.results.map((r) => r.winners.reduce((a, w) => a + w.amount, 0)),
    [1000, 2000, 5000],
  );
  const players_ = await (await fetch(`${base}/api/v1/games/${gameId}/players`, { headers: { Authorization: 'Bearer ' + login.token } })).json();
  assert.equal(players_.players.length, 3);

  for (const p of [consolePage, screen, ...players]) assert.deepEqual(p.errors, [], 'no script errors');
});
