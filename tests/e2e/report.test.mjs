// The game report (docs/REPORT.md) in the Console: a finished game (phone cards and paper cards,
// winners named on a phone and for a paper card) has a "Report" link on its Results and in the
// games list; the printable page shows exactly the figures of GET .../report, and "Download CSV"
// saves exactly GET .../report.csv. Writes docs/screenshots/console-report.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedSetup, apiCall, apiGame, apiJoin, consoleWith, texts, axeViolations } from './support.mjs';

const SHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const env = sharedSetup();

/** Plays a whole 90-ball game through the API: returns the game's id. */
async function finishedGame() {
  const { base, token } = env;
  const game = await apiGame(base, token, {
    name: 'Friday – game 3',
    kind: '90',
    currency: 'GBP',
    stages: [
      { pattern: { builtin: 'one-line' }, prize: 1000 },
      { pattern: { builtin: 'two-lines' }, prize: 2000 },
      { pattern: { builtin: 'full-house' }, prize: 5000 },
    ],
  });
  const paper = await apiCall(base, 'POST', `/api/v1/games/${game.id}/paper`, { count: 3 }, token);
  const ann = await apiJoin(base, game.join_code, 'Ann', 6);
  const phone = ann.cards.map((c) => c.serial);
  const paperSerials = [];
  for (let s = paper.first; s <= paper.last; s++) paperSerials.push(s);
  await apiCall(base, 'POST', `/api/v1/games/${game.id}/start`, undefined, token);
  for (let stage = 0; stage < 3; stage++) {
    for (;;) {
      await apiCall(base, 'POST', `/api/v1/games/${game.id}/draw`, undefined, token);
      let winner = null;
      for (const serial of [...paperSerials, ...phone]) {
        const check = await apiCall(base, 'GET', `/api/v1/games/${game.id}/cards/${serial}`, undefined, token);
        if (check.verdict.verdict === 'won') {
          winner = serial;
          break;
        }
      }
      if (winner === null) continue;
      if (paperSerials.includes(winner)) {
        await apiCall(base, 'POST', `/api/v1/games/${game.id}/claims`, { serial: winner, name: 'Pat <b>paper</b>' }, token);
      } else {
        await apiCall(base, 'POST', '/api/v1/me/claims', { serial: winner }, ann.player_token);
      }
      break;
    }
  }
  await apiCall(base, 'POST', `/api/v1/games/${game.id}/finish`, undefined, token);
  return game.id;
}

test('the report page shows the ledger-derived figures and downloads the CSV', async () => {
  const id = await finishedGame();
  const report = await apiCall(env.base, 'GET', `/api/v1/games/${id}/report`, undefined, env.token);
  assert.equal(report.cards.phone, 6);
  assert.equal(report.cards.paper, 3);
  assert.equal(report.prizes.length >= 3, true, 'every stage paid');

  // The games list links a finished game's report.
  const c = await consoleWith(env.browser, env.base, env.token);
  await c.waitForSelector('#games-view:not([hidden])');
  const listed = await c.getAttribute(`#games a.report-link[href$="game=${id}"]`, 'href');
  assert.equal(listed, `/console/report.html?game=${id}`);

  // Results of the finished game: "Report" opens the printable page.
  await c.goto(`${env.base}/console?game=${id}`);
  await c.waitForSelector('#report-row:not([hidden])');
  await c.click('#report-link');
  await c.waitForSelector('#report:not([hidden])');
  assert.equal(new URL(c.url()).pathname, '/console/report.html');

  assert.equal((await c.textContent('#r-name')).trim(), 'Friday – game 3');
  const cardRows = await c.$$eval('#r-cards tbody tr', (rows) => rows.map((r) => [r.dataset.channel, r.cells[1].textContent]));
  assert.deepEqual(cardRows, [
    ['phone', String(report.cards.phone)],
    ['paper', String(report.cards.paper)],
    ['late', String(report.cards.late)],
    ['total', String(report.cards.total)],
  ]);
  const prizeRows = await c.$$eval('#r-prizes tbody tr', (rows) => rows.map((r) => Array.from(r.cells, (td) => td.textContent)));
  assert.deepEqual(
    prizeRows,
    report.prizes.map((p) => [`${p.stage} ${p.pattern}`, String(p.serial), p.name || '—', `${p.call} (${p.ball})`, p.amount.text]),
  );
  assert.ok(report.prizes.every((p) => p.name), 'every winner is named');
  const total = report.prizes.reduce((sum, p) => sum + p.amount.minor, 0);
  assert.equal(report.total_paid.minor, total);
  assert.equal(report.total_paid.text, '£80.00');
  assert.equal(await c.textContent('#r-total'), report.total_paid.text);
  // A name is text, never markup.
  assert.equal(await c.$$eval('#r-prizes b', (els) => els.length), 0);
  assert.ok((await texts(c, '#r-fairness dd')).includes(report.fairness.seed));

  // "Download CSV" saves exactly what the API serves.
  const [download] = await Promise.all([c.waitForEvent('download'), c.click('#report-download')]);
  assert.equal(download.suggestedFilename(), `bingo-report-${id}.csv`);
  const saved = await readFile(await download.path(), 'utf8');
  const res = await fetch(`${env.base}/api/v1/games/${id}/report.csv`, { headers: { Authorization: `Bearer ${env.token}` } });
  assert.equal(res.status, 200);
  assert.equal(saved, await res.text());
  assert.ok(saved.startsWith('section,stage,item,cards,count,name,call,ball,amount_minor,amount,detail\r\n'));

  await c.screenshot({ path: join(SHOTS, 'console-report.png'), fullPage: true });
  assert.deepEqual(await axeViolations(c), [], 'the report page passes axe');
  assert.deepEqual(c.errors, [], 'no script errors');
});
