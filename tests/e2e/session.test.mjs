// A night at the hall: a session of three games (issue #16) created in the Console (a template
// saved, a wrong price refused next to its field), run from the Console with the Screen at
// 1920x1080 and three phones. Asserts what each person sees at each step: the session page and the
// Sales panel (tickets, takings, each stage's pool, exact amounts, "Sales closed at the first
// ball", the snowball), the Players panel, the Screen's winners and split, its interval between
// games (the next game's name, countdown and prizes; at 1280x720 too) and its move to the next
// game by itself (when it starts, and when the countdown is over), the phones' strips, their win
// badges when a game ends, their move to the next game without typing, and the session report
// against GET .../report (and its CSV). Writes docs/screenshots/console-session.png,
// screen-interval.png, player-next.png and session-report.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedSetup, apiCall, consoleWith, openPage, texts, axeViolations, PHONE, TV, pressBingo } from './support.mjs';

const SHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const env = sharedSetup();

const gbp = (minor) => new Intl.NumberFormat('en', { style: 'currency', currency: 'GBP' }).format(minor / 100);
const NAMES = ['Ann', 'Bob', 'Cat'];
const GAMES = ['Early bird', 'Snowball special', 'Last call'];

/** The numbers on a phone's cards, per card. */
function numbersOnCards(page) {
  return page.$$eval('.player-card', (cards) =>
    cards.map((card) => [...card.querySelectorAll('.cell')].map((c) => c.textContent.trim()).filter((n) => /^\d+$/.test(n)).map(Number)),
  );
}

/** The rows of the Sales panel (or the session page's) as { row: text }. */
function salesRows(page, root) {
  return page.$$eval(`${root} .sales-table tr`, (rows) => Object.fromEntries(rows.map((r) => [r.dataset.row, r.cells[1].textContent])));
}

/** What the Screen says a stage's winners were paid ("£5.00", "£2.50 each", or each amount). */
function paid(winners) {
  const who = (w) => (w.name ? `${w.name} · card ${w.serial}` : `card ${w.serial}`);
  if (winners.length === 1) return gbp(winners[0].amount);
  if (winners.every((w) => w.amount === winners[0].amount)) return `${gbp(winners[0].amount)} each`;
  return winners.map((w) => `${who(w)} ${gbp(w.amount)}`).join(', ');
}

function winnerLines(snap) {
  const who = (w) => (w.name ? `${w.name} · card ${w.serial}` : `card ${w.serial}`);
  return snap.game.results.map((r) => `${snap.game.stages[r.stage].name}: ${r.winners.map(who).join(', ')}${r.prize && r.winners.length ? ' · ' + paid(r.winners) : ''}`);
}

/** Every element of `selector` lies inside the viewport (nothing cut off). */
async function allInView(page, selector) {
  return page.$$eval(selector, (els) =>
    els
      .filter((e) => !e.closest('[hidden]'))
      .map((e) => {
        const r = e.getBoundingClientRect();
        const ok = r.left >= -1 && r.top >= -1 && r.right <= innerWidth + 1 && r.bottom <= innerHeight + 1;
        return ok ? null : `${e.id || e.className}: ${Math.round(r.left)},${Math.round(r.top)}-${Math.round(r.right)},${Math.round(r.bottom)}`;
      })
      .filter(Boolean),
  );
}

test('a session of three games: the Console, the Screen and three phones', { timeout: 900000 }, async () => {
  const { base, token, browser } = env;
  const api = (method, path, body) => apiCall(base, method, path, body, token);

  // ------------------------------------------------------------ the hall's snowball, then a session
  const c = await consoleWith(browser, base, token, '/console?view=sessions');
  await c.waitForSelector('#sessions-view:not([hidden])');
  assert.equal(await c.getAttribute('#nav-sessions', 'aria-current'), 'page');
  await c.fill('#hall-pot-input', '150');
  await c.click('#hall-pot-form button[type="submit"]');
  await c.waitForFunction(() => /150\.00/.test(document.querySelector('#hall-pot').textContent));
  assert.equal((await api('GET', '/api/v1/snowball')).pot, 15000);

  await c.click('#new-session');
  await c.waitForSelector('#session-form-view:not([hidden]) #g0-name');
  await c.fill('#s-name', 'Friday night');
  await c.fill('#s-currency', 'GBP');
  await c.fill('#s-price-card', '1');
  await c.fill('#s-price-strip', '5.005');
  await c.fill('#s-price-book', '12');
  await c.fill('#s-interval', '1');
  // Game 1: fixed prizes.
  await c.fill('#g0-name', GAMES[0]);
  for (const [j, prize] of ['5', '10', '20'].entries()) await c.fill(`#g0-s${j}-prize`, prize);
  // Game 2: shares of the takings and the snowball.
  await c.click('#add-game');
  await c.fill('#g1-name', GAMES[1]);
  for (const [j, [percent, minimum]] of [['5', '2'], ['20', '4'], ['50', '10']].entries()) {
    await c.selectOption(`#g1-s${j}-type`, 'share');
    await c.fill(`#g1-s${j}-percent`, percent);
    await c.fill(`#g1-s${j}-minimum`, minimum);
  }
  await c.check('#g1-snowball');
  await c.fill('#g1-within', '50');
  await c.fill('#g1-grows', '10');
  await c.fill('#g1-grows-pct', '10');
  await c.fill('#g1-reset', '100');
  // Game 3: 30-ball speed bingo.
  await c.click('#add-game');
  await c.fill('#g2-name', GAMES[2]);
  await c.selectOption('#g2-kind', '30');
  await c.fill('#g2-s0-prize', '15');
  await c.check('#g2-late');
  // A price with three decimals is refused, next to its field, which takes the focus.
  await c.click('#session-create');
  const said = 'A strip: 5.005 has more than two decimals. Type e.g. 12.35.';
  assert.equal(await c.textContent('#s-price-strip-problem'), said);
  assert.equal(await c.textContent('#session-error li'), said);
  assert.equal(await c.getAttribute('#s-price-strip', 'aria-invalid'), 'true');
  assert.equal(await c.evaluate(() => document.activeElement.id), 's-price-strip');
  await c.fill('#s-price-strip', '5');
  // Saved as a template, then created.
  await c.click('#template-save');
  await c.waitForFunction(() => /Saved as the template “Friday night”/.test(document.querySelector('#session-note').textContent));
  const templates = await api('GET', '/api/v1/session-templates');
  const tpl = templates.find((x) => x.name === 'Friday night');
  assert.ok(tpl, 'the template is stored');
  assert.deepEqual(tpl.plan.games.map((g) => g.name), GAMES);
  assert.deepEqual(tpl.plan.prices, { card: 100, strip: 500, book: 1200 });
  assert.equal(tpl.plan.interval_s, 60);
  assert.deepEqual(tpl.plan.games[1].stages.map((s) => s.share), [
    { percent_bps: 500, minimum: 200 },
    { percent_bps: 2000, minimum: 400 },
    { percent_bps: 5000, minimum: 1000 },
  ]);
  assert.deepEqual(tpl.plan.games[1].snowball, { within: 50, grows_by: 1000, grows_share_bps: 1000, reset_to: tpl.plan.games[1].snowball.reset_to });
  assert.deepEqual(tpl.plan.games.map((g) => !!g.late_entry), [false, false, true], 'late entry where it was ticked');
  assert.deepEqual(await axeViolations(c), [], 'the session form passes axe');
  await c.click('#session-create');
  await c.waitForSelector('#session-view:not([hidden]) #sv-games tbody tr');
  const sessionId = new URL(c.url()).searchParams.get('session');
  let session = await api('GET', `/api/v1/sessions/${sessionId}`);
  assert.deepEqual(session.games.map((g) => g.name), GAMES);
  assert.deepEqual(session.games.map((g) => g.state), ['open', 'created', 'created']);
  assert.equal(await c.textContent('#sv-name'), 'Friday night');
  assert.deepEqual(
    await c.$$eval('#sv-games tbody tr', (rows) => rows.map((r) => [r.cells[1].querySelector('strong').textContent, r.cells[2].textContent, r.cells[3].textContent])),
    session.games.map((g, i) => [GAMES[i], ['Open for joining', 'Created', 'Created'][i], g.join_code]),
  );
  // Game 2's prizes are shares of the takings, in words, with the pool so far (the minimums).
  const rules2 = [['5', '£2.00'], ['20', '£4.00'], ['50', '£10.00']];
  assert.deepEqual(await texts(c, '#sv-games tbody tr:nth-child(2) td:nth-child(5) li'), [
    ...['One line', 'Two lines', 'Full house'].map(
      (name, i) => `${name}: ${gbp(session.games[1].pool[i])} (${rules2[i][0]}% of sales, at least ${rules2[i][1]})`,
    ),
    'Snowball: full house within 50 balls',
  ]);

  // ------------------------------------------------------------ books, the Screen, three phones
  await c.fill('#books-count', '2');
  const [booksAnswer] = await Promise.all([
    c.waitForResponse((r) => r.url().endsWith(`/api/v1/sessions/${sessionId}/books`)),
    c.click('#books-form button[type="submit"]'),
  ]);
  const bookResult = await booksAnswer.json();
  await c.waitForSelector('#books-result li');
  const bookLines = await texts(c, '#books-result li');
  assert.equal(bookResult.charged, 2400, 'two books of £12.00, every game still selling');
  assert.deepEqual(
    bookLines,
    ['Take £24.00 for 2 book(s).', ...bookResult.games.map((b, i) => `${GAMES[i]}: cards ${b.first}–${b.last} (£8.00)`)],
    'a book holds cards for every game, at its part of the price',
  );
  assert.equal(bookResult.games.length, 3);
  const paperOf = (gameId) => {
    const sold = bookResult.games.find((b) => b.game_id === gameId);
    return Array.from({ length: sold.last - sold.first + 1 }, (_, i) => sold.first + i);
  };

  const [g1, g2, g3] = session.games;
  const screen = await openPage(browser, TV);
  await screen.goto(`${base}/screen?code=${g1.join_code}`);
  await screen.waitForFunction((code) => document.querySelector('#join-code')?.textContent === code, g1.join_code);

  const phones = [];
  for (const name of NAMES) {
    const p = await openPage(browser, PHONE, { isMobile: true, hasTouch: true });
    await p.goto(`${base}/player?code=${g1.join_code}`);
    await p.waitForFunction(() => document.querySelector('#cards option[value="6"]'));
    await p.fill('#nickname', name);
    await p.selectOption('#cards', '6');
    await p.click('#join-button');
    await p.waitForSelector('#game-view:not([hidden]) .player-card');
    await p.click('#recovery-ok');
    const numbers = (await numbersOnCards(p)).flat().sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 90 }, (_, n) => n + 1), `${name}'s six tickets are a strip`);
    phones.push(p);
  }
  await screen.waitForFunction(() => /3 players/.test(document.querySelector('#players').textContent));

  // ------------------------------------------------------------ game 1, from its run view
  await c.click('#sv-games tbody tr:nth-child(1) button');
  await c.waitForFunction((n) => !document.querySelector('#run-view').hidden && document.querySelector('#run-name').textContent === n, GAMES[0]);
  await c.waitForFunction(() => document.querySelector('#session-link').textContent === 'Session: Friday night');
  await c.waitForSelector('#sales-panel:not([hidden]) .sales-table');
  await c.waitForFunction(() => document.querySelector('#sales tr[data-row="phone"] td')?.textContent === '18');
  let sales = await api('GET', `/api/v1/games/${g1.id}/sales`);
  assert.equal(sales.strips, 3, 'each phone bought a strip');
  assert.equal(sales.books, 2);
  assert.equal(sales.takings, 3 * 500 + 2 * 400, 'three strips and two books (£12.00 over three games)');
  assert.deepEqual(await salesRows(c, '#sales'), {
    phone: '18',
    paper: String(sales.paper_cards),
    singles: '0',
    strips: '3',
    books: '2',
    cards: String(sales.cards),
    takings: '£23.00',
  });
  assert.deepEqual(await texts(c, '#sales .sales-pool li'), ['Stage 1 (One line): £5.00', 'Stage 2 (Two lines): £10.00', 'Stage 3 (Full house): £20.00']);
  assert.equal(await c.textContent('#sales .sales-state'), 'Sales are open: prizes as of now.');
  await c.waitForFunction(() => document.querySelectorAll('#players li').length === 3 && !document.querySelector('#players .hint'));
  assert.deepEqual((await texts(c, '#players li')).sort(), ['Ann — 6 cards', 'Bob — 6 cards', 'Cat — 6 cards']);
  assert.equal(await c.textContent('#run-players'), '3 players');

  await c.click('#btn-start');
  await playGame({ c, screen, phones, game: g1, paper: paperOf(g1.id), stages: 3, api });
  const snap1 = await api('GET', `/api/v1/games/${g1.id}`);

  // ------------------------------------------------------------ the interval: the Screen
  await screen.waitForSelector('#interval-view:not([hidden])');
  assert.ok(await screen.isHidden('#show-view'));
  assert.equal(await screen.textContent('#iv-title'), `Next: ${GAMES[1]}`);
  assert.equal(await screen.textContent('#iv-session'), 'Friday night · game 2 of 3');
  await screen.waitForFunction(() => /^[01]:\d\d$/.test(document.querySelector('#iv-clock').textContent));
  const ivClock = await screen.textContent('#iv-clock');
  assert.match(ivClock, /^[01]:\d\d$/);
  assert.ok(ivClock <= '1:00', ivClock);
  assert.equal(await screen.textContent('#iv-code'), g2.join_code);
  await screen.waitForFunction(() => document.querySelector('#iv-qr').naturalWidth > 0);
  // The phones join game 2 by themselves as it opens: its pool grows with their strips.
  await waitFor(async () => (await api('GET', `/api/v1/games/${g2.id}/players`)).players.length === 3, 'the phones joined game 2');
  const players2 = (await api('GET', `/api/v1/games/${g2.id}/players`)).players;
  assert.deepEqual(players2.map((p) => `${p.nickname} ${p.cards}`).sort(), ['Ann 6', 'Bob 6', 'Cat 6']);
  session = await api('GET', `/api/v1/sessions/${sessionId}`);
  const pool2 = session.games[1].pool;
  assert.deepEqual(pool2, [200, 460, 1150], '5% of £23.00 is under its £2.00 minimum; 20% and 50% of it');
  await screen.waitForFunction(
    (want) => [...document.querySelectorAll('#iv-stages .iv-stage-pool')].map((e) => e.textContent).join('|') === want,
    pool2.map((v) => `now ${gbp(v)}`).join('|'),
  );
  assert.deepEqual(await texts(screen, '#iv-stages .iv-stage-name'), ['One line', 'Two lines', 'Full house']);
  assert.deepEqual(await texts(screen, '#iv-stages .iv-stage-prize'), [
    '5% of sales, at least £2.00',
    '20% of sales, at least £4.00',
    '50% of sales, at least £10.00',
  ]);
  assert.equal(await screen.textContent('#iv-snowball'), 'Snowball £150.00: a full house within 50 balls wins it');
  // The last game's winners, and what each was paid as the engine split it.
  assert.equal(await screen.textContent('#iv-last-h'), `Winners of ${GAMES[0]}`);
  assert.deepEqual(await texts(screen, '#iv-winners li'), winnerLines(snap1));
  assert.deepEqual(await allInView(screen, '#interval-view, #interval-view p, #interval-view li, #interval-view img, #interval-view h1'), []);
  await screen.waitForTimeout(300);
  await screen.screenshot({ path: join(SHOTS, 'screen-interval.png') });
  assert.deepEqual(await axeViolations(screen), [], 'the interval passes axe');

  // ------------------------------------------------------------ the interval: the phones
  for (const [i, p] of phones.entries()) {
    await p.waitForSelector('#next-game:not([hidden])');
    assert.equal(await p.textContent('#next-game-name'), `Next game: ${GAMES[1]}`);
    await p.waitForFunction(() => /^in [01]:\d\d$/.test(document.querySelector('#next-clock').textContent));
    await p.waitForFunction(() => /You are in, with 6 cards/.test(document.querySelector('#next-status').textContent));
    // The finished game stays in view: its strip and what it won.
    assert.equal(await p.locator('.player-card').count(), 6);
    assert.match(await p.textContent('#banner'), /^The game is over\./);
    const mine = snap1.game.results.flatMap((r) => r.winners.filter((w) => w.name === NAMES[i]).map((w) => ({ ...w, stage: snap1.game.stages[r.stage].name })));
    for (const w of mine) {
      const badge = await p.textContent(`.player-card[data-serial="${w.serial}"] .won-badge`);
      assert.ok(badge.includes(`${w.stage} · ${gbp(w.amount)}`), badge);
    }
    if (mine.length) assert.match(await p.textContent('#banner'), / You won /);
    if (i === 0) {
      await p.screenshot({ path: join(SHOTS, 'player-next.png') });
      assert.deepEqual(await axeViolations(p), [], 'the phone in the interval passes axe');
    }
  }

  // ------------------------------------------------------------ the Console's session page
  await c.click('#session-link');
  await c.waitForSelector('#session-view:not([hidden])');
  await c.waitForFunction(() => /Interval: Snowball special opens for play in [01]:\d\d\./.test(document.querySelector('#sv-interval').textContent));
  await c.waitForFunction(() => document.querySelector('#sv-sales tr[data-row="phone"] td')?.textContent === '18');
  assert.equal(await c.textContent('#sv-now-h'), `Now: ${GAMES[1]} — sales`);
  sales = await api('GET', `/api/v1/games/${g2.id}/sales`);
  assert.equal(sales.takings, 2300);
  assert.equal(await c.textContent('#sv-sales tr[data-row="takings"] td'), '£23.00');
  assert.deepEqual(await texts(c, '#sv-sales .sales-pool li'), ['Stage 1 (One line): £2.00', 'Stage 2 (Two lines): £4.60', 'Stage 3 (Full house): £11.50']);
  assert.deepEqual(
    await c.$$eval('#sv-games tbody tr', (rows) => rows.map((r) => r.cells[2].textContent)),
    ['Finished', 'Open for joining', 'Created'],
  );
  await c.screenshot({ path: join(SHOTS, 'console-session.png'), fullPage: true });
  assert.deepEqual(await axeViolations(c), [], 'the session page passes axe');

  // ------------------------------------------------------------ game 2: started before the countdown ends
  await c.click('#sv-games tbody tr:nth-child(2) button');
  await c.waitForFunction((n) => !document.querySelector('#run-view').hidden && document.querySelector('#run-name').textContent === n, GAMES[1]);
  await c.waitForFunction(() => document.querySelector('#run-players').textContent === '3 players');
  await c.waitForFunction(() => document.querySelectorAll('#players li').length === 3 && !document.querySelector('#players .hint'));
  assert.deepEqual((await texts(c, '#players li')).sort(), ['Ann — 6 cards', 'Bob — 6 cards', 'Cat — 6 cards']);
  await c.click('#btn-start');
  await c.waitForFunction(() => document.querySelector('#run-state').dataset.state === 'running');
  // The Screen and the phones move to game 2 by themselves.
  await screen.waitForFunction((code) => !document.querySelector('#show-view').hidden && document.querySelector('#join-code').textContent === code, g2.join_code, { timeout: 15000 });
  assert.equal(new URL(screen.url()).searchParams.get('code'), g2.join_code);
  assert.equal(await screen.textContent('#show-name'), GAMES[1]);
  // The snowball offered at the start, under the stage while a full house can still win it.
  await screen.waitForFunction(() => document.querySelector('#stage .stage-snowball')?.textContent === 'Snowball £150.00: a full house within 50 balls wins it');
  for (const p of phones) {
    await p.waitForFunction((n) => document.querySelector('#game-name').textContent === n, GAMES[1], { timeout: 15000 });
    await p.waitForSelector('#next-game[hidden]', { state: 'attached' });
    assert.equal(await p.locator('.player-card').count(), 6);
    const numbers = (await numbersOnCards(p)).flat().sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 90 }, (_, n) => n + 1), 'a strip in game 2 too');
    assert.ok(await p.isHidden('#join-view'), 'joined without the join form');
  }
  await c.waitForFunction(() => /Snowball: £150\.00 for a full house within 50 balls\./.test(document.querySelector('#sales .sales-snowball')?.textContent || ''));
  await playGame({ c, screen, phones, game: g2, paper: paperOf(g2.id), stages: 3, api, afterFirstBall: async () => {
    await c.waitForFunction(() => document.querySelector('#sales .sales-state')?.textContent === 'Sales closed at the first ball: these prizes are final.');
    assert.deepEqual(await texts(c, '#sales .sales-pool li'), ['Stage 1 (One line): £2.00', 'Stage 2 (Two lines): £4.60', 'Stage 3 (Full house): £11.50']);
  } });
  const snap2 = await api('GET', `/api/v1/games/${g2.id}`);
  // The shares paid are the pools fixed at the first ball.
  for (const r of snap2.game.results) assert.equal(r.winners.reduce((s, w) => s + w.amount, 0) + (r.house || 0), pool2[r.stage]);

  // ------------------------------------------------------------ the interval, at 1280x720, then the countdown ends
  await screen.waitForSelector('#interval-view:not([hidden])');
  assert.equal(await screen.textContent('#iv-title'), `Next: ${GAMES[2]}`);
  assert.deepEqual(await texts(screen, '#iv-winners li'), winnerLines(snap2));
  await screen.setViewportSize({ width: 1280, height: 720 });
  await screen.waitForTimeout(200);
  assert.deepEqual(await allInView(screen, '#interval-view, #interval-view p, #interval-view li, #interval-view img, #interval-view h1'), [], 'nothing cut off at 1280x720');
  await screen.setViewportSize(TV);
  // Nobody starts game 3: when the countdown is over the Screen and the phones move by themselves.
  session = await api('GET', `/api/v1/sessions/${sessionId}`);
  assert.ok(session.interval_until_ms > Date.now(), 'the interval is running');
  await screen.waitForFunction((code) => !document.querySelector('#show-view').hidden && document.querySelector('#join-code').textContent === code, g3.join_code, {
    timeout: session.interval_until_ms - Date.now() + 15000,
  });
  assert.ok(Date.now() >= session.interval_until_ms, 'not before the countdown was over');
  for (const p of phones) {
    await p.waitForFunction((n) => document.querySelector('#game-name').textContent === n, GAMES[2], { timeout: 15000 });
    assert.equal(await p.locator('.player-card').count(), 6);
    assert.equal(await p.textContent('#banner'), 'Waiting for the caller to start…');
  }

  // ------------------------------------------------------------ game 3
  await c.click('#session-link');
  await c.waitForSelector('#session-view:not([hidden])');
  await c.click('#sv-games tbody tr:nth-child(3) button');
  await c.waitForFunction((n) => !document.querySelector('#run-view').hidden && document.querySelector('#run-name').textContent === n, GAMES[2]);
  await c.waitForFunction(() => document.querySelector('#sales tr[data-row="phone"] td')?.textContent === '18');
  assert.equal(await c.textContent('#sales tr[data-row="takings"] td'), gbp(3 * 600 + 2 * 400), 'six £1.00 cards a phone and two books');
  await c.click('#btn-start');
  await playGame({ c, screen, phones, game: g3, paper: paperOf(g3.id), stages: 1, api });
  // The last game: the Screen stays on its results.
  await screen.waitForSelector('#fair-value.seed');
  await screen.waitForTimeout(4000);
  assert.ok(await screen.isHidden('#interval-view'), 'no interval after the last game');
  for (const p of phones) assert.ok(await p.isHidden('#next-game'));

  // ------------------------------------------------------------ the session report
  const report = await api('GET', `/api/v1/sessions/${sessionId}/report`);
  await c.click('#session-link');
  await c.waitForSelector('#session-view:not([hidden])');
  await c.click('#sv-report');
  await c.waitForSelector('#report:not([hidden])');
  assert.equal(await c.textContent('#sr-name'), 'Friday night');
  const T = report.totals;
  assert.equal(T.games, 3);
  assert.equal(T.finished, 3);
  assert.equal(T.phone_cards, 54);
  assert.equal(T.takings.minor, 2300 + 2300 + 2600);
  assert.equal(await c.textContent('[data-total="voided_calls"]'), String(T.voided_calls), 'the voided calls, as the ledgers count them');
  const rows = async (sel) => c.$$eval(`${sel} tbody tr`, (trs) => Object.fromEntries(trs.map((r) => [r.dataset.row, r.cells[1].textContent])));
  assert.deepEqual(await rows('#sr-tickets'), {
    phone: String(T.phone_cards),
    paper: String(T.paper_cards),
    cards: String(T.cards),
    singles: String(T.singles),
    strips: String(T.strips),
    books: String(T.books),
  });
  const money = await rows('#sr-money');
  assert.equal(money.takings, T.takings.text);
  assert.equal(money.takings, '£72.00');
  assert.equal(money.prizes_paid, T.prizes_paid.text);
  assert.equal(money.snowball_paid, T.snowball_paid.text);
  assert.ok(T.snowball_next_pot, 'game 2 played the snowball, so the night leaves a pot');
  assert.equal(money.snowball_next_pot, T.snowball_next_pot.text);
  assert.deepEqual(
    await c.$$eval('#sr-games tbody tr', (trs) => trs.map((r) => Array.from(r.cells, (td) => td.textContent))),
    report.games.map((g, i) => [String(i + 1), GAMES[i], String(g.cards.total), g.sales ? g.sales.takings.text : '—', g.total_paid.text, g.snowball ? g.snowball.outcome === 'open' ? 'offered' : g.snowball.outcome : '—', 'Report']),
  );
  const moves = await texts(c, '#sr-snowball li');
  assert.equal(moves.length, 1);
  assert.ok(moves[0].startsWith(`${GAMES[1]}: £150.00 offered for a full house within 50 balls;`), moves[0]);
  // What the ledger says happened (the draw decides): won, the pot back to its reset; or carried, grown.
  const ball = report.games[1].snowball;
  const outcomeText = ball.outcome === 'won'
    ? ` won by ${ball.winners.map((w) => `${w.name ? `${w.name} · card ${w.serial}` : `card ${w.serial}`} (${w.amount.text})`).join(', ')}.`
    : ' not won: carried, the pot is now £162.30.';
  assert.ok(moves[0].includes(outcomeText), `${moves[0]} says ${outcomeText}`);
  assert.equal(T.snowball_next_pot.text, ball.outcome === 'won' ? ball.next_pot.text : '£162.30'); // £150.00 + £10.00 + 10% of £23.00
  const [download] = await Promise.all([c.waitForEvent('download'), c.click('#report-download')]);
  const saved = await readFile(await download.path(), 'utf8');
  const res = await fetch(`${base}/api/v1/sessions/${sessionId}/report.csv`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(saved, await res.text());
  await c.screenshot({ path: join(SHOTS, 'session-report.png'), fullPage: true });
  assert.deepEqual(await axeViolations(c), [], 'the session report passes axe');

  // Game 2's own report, from its row: its sales, its share-of-takings prizes and the snowball.
  const second = report.games[1];
  await c.goto(new URL(await c.getAttribute('#sr-games tbody tr:nth-child(2) a', 'href'), c.url()).href);
  await c.waitForSelector('#report:not([hidden])');
  assert.equal(await c.textContent('#r-sales [data-row="takings"] td.num'), second.sales.takings.text);
  assert.equal(second.sales.takings.text, '£23.00');
  assert.equal(await c.textContent('#r-sales [data-row="strips"] td.num'), String(second.sales.strips));
  assert.deepEqual(
    await c.$$eval('#r-stages tbody tr td.num', (tds) => tds.map((td) => td.textContent)),
    second.game.stages.map((st) => `${st.prize.text} (${st.share.percent_bps / 100}% of takings)`),
  );
  assert.ok((await c.textContent('#r-snowball')).startsWith('£150.00 offered for a full house within 50 balls;'));
  assert.deepEqual(await axeViolations(c), [], 'a session game\'s report passes axe');

  for (const p of [c, screen, ...phones]) assert.deepEqual([...p.errors, ...p.network], [], 'no script errors or failed requests');
});

/** Waits until `check()` is true (up to 20 s). */
async function waitFor(check, what) {
  const end = Date.now() + 20000;
  while (!(await check())) {
    if (Date.now() > end) assert.fail('timed out: ' + what);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Plays `game` from the Console's run view: "Next ball" until its last stage is claimed; each
 * phone with a winning card presses BINGO; a winning paper card (a book's) is claimed by the
 * caller for "Pat"; then "End game". Checks the Screen's winners (names and split) as stages settle.
 */
async function playGame({ c, screen, phones, game, paper, stages, api, afterFirstBall }) {
  await c.waitForFunction(() => document.querySelector('#run-state').dataset.state === 'running');
  let calls = 0;
  let done = 0;
  let settling = false;
  for (;;) {
    calls += 1;
    assert.ok(calls <= 90, 'the game ends before the balls run out');
    await c.click('#btn-next');
    await c.waitForFunction((n) => document.querySelector('#run-calls').textContent.startsWith(n + ' '), calls);
    for (const p of phones) await p.waitForFunction((n) => document.querySelector('#calls-count').textContent.startsWith(n + ' '), calls);
    if (calls === 1 && afterFirstBall) await afterFirstBall();
    if (settling) {
      // That ball settled the stage: the Screen names its winners with what each was paid.
      const lines = winnerLines(await api('GET', `/api/v1/games/${game.id}`)).reverse();
      await screen.waitForFunction(
        (want) => {
          const got = [...document.querySelectorAll('#winners li:not(.pending)')].map((li) => li.textContent);
          return want.every((w, i) => got[i] === w);
        },
        lines,
      );
      settling = false;
    }
    for (const p of phones) {
      if (!(await p.locator('.player-card.win:not(.claimed)').count())) continue;
      await pressBingo(p);
    }
    for (const serial of paper) {
      const check = await api('GET', `/api/v1/games/${game.id}/cards/${serial}`);
      if (check.verdict.verdict === 'won') await api('POST', `/api/v1/games/${game.id}/claims`, { serial, name: 'Pat' });
    }
    const snap = await api('GET', `/api/v1/games/${game.id}`);
    if (snap.game.pending_winners.length) {
      done += 1;
      if (done === stages) break;
      settling = true;
    }
  }
  await c.click('#btn-end');
  await c.waitForFunction(() => document.querySelector('#run-state').dataset.state === 'finished');
}
