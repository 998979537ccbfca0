// The Screen's plain-IP join addresses for a server behind a proxy on the same machine: listening
// on 127.0.0.1 with `--lan-port 80` (as the NixOS module runs it behind Caddy), the Screen shows
// every address of /api/v1/web/config's lan_urls, without "http://" and without ":80", each kept
// whole on one line even when the panel is narrow.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PASSPHRASE, TV, startServer, launchBrowser, openPage } from './support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ args: ['--lan-port', '80'] });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.stop();
});

async function call(method, path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(server.base + path, { method, headers, body: body && JSON.stringify(body) });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

test('the Screen shows the plain-IP addresses of --lan-port, each whole on one line', async (t) => {
  const config = await call('GET', '/api/v1/web/config');
  assert.equal(config.public_url, new URL(server.base).origin);
  if (!config.lan_urls.length) {
    t.skip('this machine has no non-loopback IPv4 address to show');
    return;
  }
  for (const url of config.lan_urls) assert.match(url, /^http:\/\/\d+\.\d+\.\d+\.\d+$/, 'port 80 is left out');
  const expected = config.lan_urls.map((u) => u.replace('http://', ''));

  const { token } = await call('POST', '/api/v1/admin/login', { passphrase: PASSPHRASE });
  const game = await call('POST', '/api/v1/games', { kind: '90', stages: [{ pattern: { builtin: 'full-house' } }] }, token);
  await call('POST', `/api/v1/games/${game.id}/open`, null, token);

  // A TV, and a window so narrow that the list must wrap.
  for (const viewport of [TV, { width: 700, height: 900 }]) {
    const page = await openPage(browser, viewport);
    await page.goto(`${server.base}/screen?code=${game.join_code}`);
    await page.waitForSelector('#join-ip-line:not([hidden]) .join-ip');
    const shown = await page.$$eval('#join-ips .join-ip', (spans) =>
      spans.map((s) => ({ text: s.textContent, lines: s.getClientRects().length, ws: getComputedStyle(s).whiteSpace })),
    );
    assert.deepEqual(
      shown.map((s) => s.text),
      expected,
      `${viewport.width}px: the addresses shown`,
    );
    for (const s of shown) {
      assert.equal(s.ws, 'nowrap', `${s.text} may not break`);
      assert.equal(s.lines, 1, `${viewport.width}px: ${s.text} is broken over ${s.lines} lines`);
    }
    assert.deepEqual(page.errors, [], 'no script errors');
    await page.context().close();
  }
});
