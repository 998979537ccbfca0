// The Screen as the hall sees it, each test a defect of issue #16 that must stay fixed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TV, PHONE, startServer, openPage, adminSession, apiCall, apiGame, consoleWith, texts, textInCircles, sharedSetup } from './support.mjs';

const SHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

const env = sharedSetup();

async function openScreen(code, viewport = TV) {
  const page = await openPage(env.browser, viewport);
  await page.goto(`${env.base}/screen?code=${code}`);
  await page.waitForFunction((c) => document.querySelector('#join-code')?.textContent === c, code);
  return page;
}

/** A manual game's caller: call `numbers` in order through the API. */
async function callAll(game, numbers) {
  for (const number of numbers) await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/call`, { number }, env.token);
}

test('a tie that does not divide evenly: each card with what it was paid, and who holds it', async () => {
  // One line for £10.01 between two paper cards (the caller wrote a name for one), then a full house.
  const game = await apiGame(env.base, env.token, {
    kind: '90',
    draw_mode: 'manual',
    claim_before_next_ball: false,
    currency: 'GBP',
    stages: [{ pattern: { builtin: 'one-line' }, prize: 1001 }, { pattern: { builtin: 'full-house' }, prize: 500 }],
  });
  const { cards } = await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/paper`, { count: 2 }, env.token);
  await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/start`, undefined, env.token);
  const screen = await openScreen(game.join_code);
  const rows = cards.map((c) => c.grid[0].filter((n) => n));
  await callAll(game, [...new Set([...rows[0], ...rows[1]])]);
  for (const [i, card] of cards.entries()) {
    const body = i === 0 ? { serial: card.serial, name: ' Dee ' } : { serial: card.serial };
    const ev = await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/claims`, body, env.token);
    assert.equal(ev.type, 'claim_accepted', JSON.stringify(ev));
  }
  // The next ball settles the stage.
  const next = Array.from({ length: 90 }, (_, i) => i + 1).find((n) => !rows[0].includes(n) && !rows[1].includes(n));
  await callAll(game, [next]);

  const snap = await apiCall(env.base, 'GET', `/api/v1/games/${game.id}`, undefined, env.token);
  const winners = snap.game.results[0].winners;
  assert.deepEqual(winners.map((w) => w.amount).sort(), [500, 501], 'the engine paid £5.01 + £5.00');
  assert.deepEqual(winners.map((w) => w.name), ['Dee', undefined], 'the name as written, trimmed; none for the other');
  const pounds = (p) => '£' + (p / 100).toFixed(2);
  const who = (w) => (w.name ? `${w.name} · card ${w.serial}` : `card ${w.serial}`);
  await screen.waitForFunction(() => document.querySelectorAll('#winners li').length === 1);
  const line = (await texts(screen, '#winners li'))[0];
  assert.equal(
    line,
    `One line: ${winners.map(who).join(', ')} · ` + winners.map((w) => `${who(w)} ${pounds(w.amount)}`).join(', '),
  );
  assert.doesNotMatch(line, /each/);

  // The Console says the same.
  const c = await consoleWith(env.browser, env.base, env.token, `/console?game=${game.id}`);
  await c.waitForFunction(() => document.querySelectorAll('#results li').length === 1);
  assert.equal(
    (await texts(c, '#results li'))[0],
    `One line: ${winners.map(who).join(', ')} (${winners.map((w) => pounds(w.amount)).join(' + ')})`,
  );
  assert.deepEqual(screen.errors, []);
  assert.deepEqual(c.errors, []);
});

test('75-ball: the letter and number stay inside the ball on the Screen and the phone; the phone\'s recent balls have their letters', async () => {
  // Late entry: the phone joins after the balls are called.
  const game = await apiGame(env.base, env.token, { kind: '75', draw_mode: 'manual', late_entry: true, stages: [{ pattern: { builtin: 'blackout' } }] });
  await apiCall(env.base, 'POST', `/api/v1/games/${game.id}/start`, undefined, env.token);
  // Wide numbers first (N35, O75, G59, I28, B13), the last on the screen's big ball.
  const numbers = [1, 13, 28, 59, 75, 35];
  await callAll(game, numbers);
  const labels = ['B1', 'B13', 'I28', 'G59', 'O75', 'N35'];

  for (const viewport of [TV, { width: 1280, height: 720 }, { width: 3840, height: 2160 }]) {
    const screen = await openScreen(game.join_code, viewport);
    await screen.waitForFunction(() => document.querySelector('#now-ball').textContent === 'N35');
    assert.deepEqual(await texts(screen, '#last-balls .ball'), labels.slice(0, 5).reverse());
    for (const ball of await textInCircles(screen, '#now-ball, #last-balls .ball')) {
      assert.ok(ball.fits, `${viewport.width}x${viewport.height}: ${ball.text} is ${ball.worst}px outside its circle`);
    }
    assert.deepEqual(screen.errors, []);
    await screen.close();
  }

  const phone = await openPage(env.browser, PHONE, { isMobile: true, hasTouch: true });
  await phone.goto(`${env.base}/player?code=${game.join_code}`);
  await phone.waitForFunction(() => document.querySelector('#cards option[value="1"]'));
  await phone.fill('#nickname', 'Ann');
  await phone.click('#join-button');
  await phone.waitForFunction(() => document.querySelector('#current-ball').textContent === 'N35');
  assert.deepEqual(await texts(phone, '#recent .ball'), labels.slice(1, 5).reverse(), 'the recent balls with their letters');
  for (const ball of await textInCircles(phone, '#current-ball, #recent .ball')) {
    assert.ok(ball.fits, `phone: ${ball.text} is ${ball.worst}px outside its circle`);
  }
  assert.deepEqual(phone.errors, []);
});

test('the Screen from 1280x720 to 3840x2160: every panel in view with winners showing, type that grows with the screen, the join address whole, each way of "One line" in turn', { timeout: 120000 }, async () => {
  // A long public address, as a community hall's might be.
  const hall = await startServer({ args: ['--public-url', 'http://bingo-night.st-marys-community-centre.example.org.uk'] });
  try {
    const b = hall.base;
    const tok = await adminSession(b);
    const game = await apiGame(b, tok, {
      kind: '90',
      draw_mode: 'manual',
      claim_before_next_ball: false,
      currency: 'GBP',
      stages: [
        { pattern: { builtin: 'one-line' }, prize: 1000 },
        { pattern: { builtin: 'two-lines' }, prize: 2000 },
        { pattern: { builtin: 'full-house' }, prize: 5000 },
      ],
    });
    const { cards } = await apiCall(b, 'POST', `/api/v1/games/${game.id}/paper`, { count: 3 }, tok);
    await apiCall(b, 'POST', `/api/v1/games/${game.id}/start`, undefined, tok);

    // Before the first ball: the stage's picture shows each row in turn ("any of 3 ways").
    const first = await openPage(env.browser, TV);
    await first.goto(`${b}/screen?code=${game.join_code}`);
    await first.waitForSelector('#stage .pattern-ways');
    assert.equal((await first.textContent('#stage .ways')).trim(), 'any of 3 ways');
    assert.equal(await first.getAttribute('#stage .pattern-ways', 'aria-label'), 'One line, any of 3 ways');
    const seen = await first.evaluate(
      () =>
        new Promise((done) => {
          const pictures = new Set();
          const look = () => {
            const cells = [...document.querySelectorAll('#stage .pattern-ways .pattern span')];
            pictures.add(cells.map((c) => (c.classList.contains('on') ? 'X' : '.')).join(''));
          };
          look();
          const timer = setInterval(look, 100);
          setTimeout(() => {
            clearInterval(timer);
            done([...pictures]);
          }, 5500);
        }),
    );
    const rows = (pic) => [0, 1, 2].filter((r) => pic.slice(r * 9, r * 9 + 9) === 'XXXXXXXXX');
    assert.deepEqual(seen.map((p) => rows(p)).sort(), [[0], [1], [2]], 'each of the three rows, one at a time');
    await first.close();

    // Two stages won and the full house claimed: three winners to show.
    const called = new Set();
    const callRows = async (card, rowsOf) => {
      for (const number of rowsOf.flatMap((r) => card.grid[r].filter((n) => n))) {
        if (called.has(number)) continue;
        called.add(number);
        await apiCall(b, 'POST', `/api/v1/games/${game.id}/call`, { number }, tok);
      }
    };
    const claim = (card) => apiCall(b, 'POST', `/api/v1/games/${game.id}/claims`, { serial: card.serial }, tok);
    await callRows(cards[0], [0]);
    await claim(cards[0]);
    await callRows(cards[1], [0, 1]);
    await claim(cards[1]);
    await callRows(cards[2], [0, 1, 2]);
    await claim(cards[2]);

    const sizes = {};
    for (const viewport of [{ width: 1280, height: 720 }, TV, { width: 3840, height: 2160 }]) {
      const at = `${viewport.width}x${viewport.height}`;
      const screen = await openPage(env.browser, viewport);
      await screen.goto(`${b}/screen?code=${game.join_code}`);
      await screen.waitForFunction(() => document.querySelectorAll('#winners li').length === 3);
      await screen.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
      const m = await screen.evaluate(() => {
        const box = (el) => {
          const r = el.getBoundingClientRect();
          return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
        };
        const q = (s) => document.querySelector(s);
        const panel = q('#winners-panel').getBoundingClientRect();
        return {
          view: { width: innerWidth, height: innerHeight },
          parts: Object.fromEntries(
            ['.stage-panel', '#join-panel', '#winners-panel', '.fair-panel', '#fair-value', '#voice', '#traditional', '#fullscreen'].map((s) => [s, box(q(s))]),
          ),
          winners: [...document.querySelectorAll('#winners li')].filter((li) => !li.hidden).map((li) => ({ text: li.textContent, cut: li.getBoundingClientRect().bottom > panel.bottom })),
          code: parseFloat(getComputedStyle(q('#join-code')).fontSize),
          stage: parseFloat(getComputedStyle(q('.stage-name')).fontSize),
          url: { fits: q('#join-url').scrollWidth <= q('#join-url').clientWidth + 1, parts: [...document.querySelectorAll('#join-url .url-part')].map((p) => [p.textContent, p.getClientRects().length]) },
        };
      });
      for (const [what, r] of Object.entries(m.parts)) {
        assert.ok(r.top >= 0 && r.left >= 0 && r.bottom <= m.view.height && r.right <= m.view.width, `${at}: ${what} is in view (${JSON.stringify(r)})`);
      }
      // The newest winners first, none cut in half; all three where there is room.
      assert.match(m.winners[0].text, new RegExp(`^Full house: card ${cards[2].serial}$`), at);
      assert.ok(m.winners.every((w) => !w.cut), `${at}: no winner cut in half`);
      assert.ok(m.winners.length >= (viewport.width >= 1920 ? 3 : 2), `${at}: ${m.winners.length} winners shown`);
      // The address is whole: it breaks only between its parts, each on one line, and fits.
      assert.deepEqual(m.url.parts.map(([text]) => text).join(''), `bingo-night.st-marys-community-centre.example.org.uk/player?code=${game.join_code}`);
      for (const [text, lines] of m.url.parts) assert.equal(lines, 1, `${at}: "${text}" is not broken`);
      assert.ok(m.url.fits, `${at}: the address fits its panel`);
      sizes[viewport.width] = m;
      if (viewport.width === 1280) await screen.screenshot({ path: join(SHOTS, 'screen-720p.png') });
      assert.deepEqual(screen.errors, []);
      await screen.close();
    }
    // A 4K screen is a 1080p one twice over: the right-hand panel's type grows with it.
    assert.ok(sizes[3840].code >= 1.9 * sizes[1920].code, `the game code at 4K: ${sizes[3840].code}px against ${sizes[1920].code}px`);
    assert.ok(sizes[3840].stage >= 1.9 * sizes[1920].stage, 'the stage name at 4K');
  } finally {
    hall.stop();
  }
});
