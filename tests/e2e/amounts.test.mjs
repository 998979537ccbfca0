// Unit checks of the Console's amounts (console/amounts.js) and shared/game.js's money(), in
// Node without a browser or a server: an amount typed in a currency is scaled by that currency's
// own decimals (JPY none, GBP two, KWD three), and one with more decimals is refused.
//
// The apps import each other by absolute URL ('/shared/game.js'), as the server serves them; a
// resolve hook maps those URLs to the files under crates/bingo-web/assets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';

const ASSETS = new URL('../../crates/bingo-web/assets/', import.meta.url).href;
const hook = `
export async function resolve(specifier, context, next) {
  if (/^\\/(shared|console|screen|player)\\//.test(specifier)) return next(${JSON.stringify(ASSETS)} + specifier.slice(1), context);
  return next(specifier, context);
}`;
register('data:text/javascript,' + encodeURIComponent(hook));

const { amountOf, amountText, amountProblem, decimalsKey } = await import('/console/amounts.js');
const { currencyDecimals, money } = await import('/shared/game.js');
const strings = (await import('/console/strings.en.js')).default;

test("a currency's decimals, as money() divides by them", () => {
  assert.equal(currencyDecimals('GBP'), 2);
  assert.equal(currencyDecimals('EUR'), 2);
  assert.equal(currencyDecimals('USD'), 2);
  assert.equal(currencyDecimals('JPY'), 0);
  assert.equal(currencyDecimals('KWD'), 3);
  // Without a currency (or with a code Intl refuses), two, as the Console always took.
  assert.equal(currencyDecimals(null), 2);
  assert.equal(currencyDecimals(''), 2);
  assert.equal(currencyDecimals('POUNDS'), 2);
});

test('an amount typed is scaled by its currency', () => {
  assert.equal(amountOf('500', 'JPY'), 500);
  assert.equal(amountOf('12.345', 'KWD'), 12345);
  assert.equal(amountOf('12.3', 'KWD'), 12300);
  assert.equal(amountOf('7', 'KWD'), 7000);
  assert.equal(amountOf('12.35', 'GBP'), 1235);
  assert.equal(amountOf('12.5', 'EUR'), 1250);
  assert.equal(amountOf('10', 'USD'), 1000);
  assert.equal(amountOf('', 'JPY'), 0);
  assert.equal(amountOf('  12.35 ', 'GBP'), 1235);
  // Without a currency: two decimals, as before.
  assert.equal(amountOf('12.35', null), 1235);
  assert.equal(amountOf('150'), 15000);
});

test('amounts shown to type again, and round trips', () => {
  assert.equal(amountText(500, 'JPY'), '500');
  assert.equal(amountText(12345, 'KWD'), '12.345');
  assert.equal(amountText(1250, 'GBP'), '12.50');
  assert.equal(amountText(1250, null), '12.50');
  assert.equal(amountText(0, 'GBP'), '');
  for (const [minor, code] of [[500, 'JPY'], [1, 'KWD'], [12345, 'KWD'], [1235, 'GBP'], [99, 'USD'], [15000, null]]) {
    assert.equal(amountOf(amountText(minor, code), code), minor, `${minor} ${code}`);
  }
  // What money() shows for what was typed.
  assert.equal(money(amountOf('500', 'JPY'), 'JPY', 'en'), '¥500');
  assert.equal(money(amountOf('12.35', 'GBP'), 'GBP', 'en'), '£12.35');
  assert.match(money(amountOf('12.345', 'KWD'), 'KWD', 'en'), /^KWD\s12\.345$/); // ICU puts a no-break space
});

test('more decimals than the currency has are refused, not rounded', () => {
  assert.equal(amountOf('500.5', 'JPY'), null);
  assert.equal(amountOf('12.3456', 'KWD'), null);
  assert.equal(amountOf('12.345', 'GBP'), null);
  assert.equal(amountOf('12.345', null), null);
  assert.deepEqual(amountProblem('500.5', 'JPY'), { key: 'decimals', typed: '500.5', decimals: 0 });
  assert.deepEqual(amountProblem('12.3456', 'KWD'), { key: 'decimals', typed: '12.3456', decimals: 3 });
  assert.deepEqual(amountProblem('12.345', 'GBP'), { key: 'decimals', typed: '12.345', decimals: 2 });
  assert.deepEqual(amountProblem('5.005', null), { key: 'decimals', typed: '5.005', decimals: 2 });
  assert.equal(amountProblem('12.345', 'KWD'), null);
  assert.equal(amountProblem('500', 'JPY'), null);
  assert.equal(amountProblem('', 'JPY'), null);
  assert.deepEqual(amountProblem('-5', 'GBP'), { key: 'negative', typed: '-5' });
  assert.deepEqual(amountProblem('ten', 'GBP'), { key: 'bad', typed: 'ten' });
  assert.deepEqual(amountProblem('12.', 'GBP'), { key: 'bad', typed: '12.' });
});

test("the message says the currency's decimals", () => {
  assert.equal(decimalsKey('bad_amount_decimals', 2), 'bad_amount_decimals');
  assert.equal(decimalsKey('bad_amount_decimals', 0), 'bad_amount_decimals_0');
  assert.equal(decimalsKey('bad_amount_decimals', 3), 'bad_amount_decimals_3');
  assert.equal(decimalsKey('bad_prize_decimals', 4), 'bad_prize_decimals_any');
  for (const base of ['bad_amount_decimals', 'bad_prize_decimals', 'prize_hint']) {
    for (const d of [0, 2, 3, 4]) assert.ok(strings[decimalsKey(base, d)], decimalsKey(base, d));
  }
  assert.equal(strings.bad_amount_decimals, '{what}: {typed} has more than two decimals. Type e.g. 12.35.');
  assert.match(strings.bad_amount_decimals_3, /more than three decimals/);
  assert.match(strings.bad_prize_decimals_0, /\{currency\} has none/);
});
