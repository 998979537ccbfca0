// Checking what the caller types as money, a currency or a name, shared by the new-game wizard
// and the new-session form: each check says what is wrong (a key of strings.en.js) rather than
// changing the value.

import { currencyDecimals } from '/shared/game.js';

/** ISO 4217 codes this browser knows (null where it cannot list them: then any 3 letters). */
const CURRENCIES = typeof Intl.supportedValuesOf === 'function' ? new Set(Intl.supportedValuesOf('currency')) : null;

/** The longest name the server takes (bingo-core's MAX_NAME_CHARS). */
export const MAX_NAME_CHARS = 80;

/** An amount as typed ("12.50", "" = 0) in `currency` (a code, or null for none), in minor
 *  units: the currency's decimals scale it (GBP "12.35" → 1235, JPY "500" → 500, KWD "12.345"
 *  → 12345; with no currency, two decimals as for GBP). Null when it is not an amount with at
 *  most the currency's decimals. */
export function amountOf(text, currency) {
  const decimals = currencyDecimals(currency);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(String(text).trim() || '0');
  if (!m || (m[2] !== undefined && m[2].length > decimals)) return null;
  return Number(m[1]) * 10 ** decimals + Number((m[2] || '').padEnd(decimals, '0') || 0);
}

/** Minor units back as typed in `currency`: GBP 1250 → "12.50", JPY 500 → "500", KWD 12345 →
 *  "12.345", 0 → "". */
export function amountText(minor, currency) {
  const decimals = currencyDecimals(currency);
  return minor ? (minor / 10 ** decimals).toFixed(decimals) : '';
}

/** What is wrong with an amount as typed in `currency`: null, or { key: 'negative' | 'decimals'
 *  | 'bad', typed } ('decimals' with `decimals`, the most the currency takes). */
export function amountProblem(text, currency) {
  const typed = String(text).trim();
  const decimals = currencyDecimals(currency);
  if (typed.startsWith('-')) return { key: 'negative', typed };
  const fraction = /^\d*\.(\d+)$/.exec(typed);
  if (fraction && fraction[1].length > decimals) return { key: 'decimals', typed, decimals };
  if (amountOf(typed, currency) === null) return { key: 'bad', typed };
  return null;
}

/** The key of a text about a currency's decimals (a message for an amount with too many, a
 *  hint): `base` (e.g. 'bad_amount_decimals', whose text is about two decimals) for two, else
 *  `base` + '_0' or '_3', else `base` + '_any' (which says {d}). */
export function decimalsKey(base, decimals) {
  if (decimals === 2) return base;
  return decimals === 0 || decimals === 3 ? `${base}_${decimals}` : `${base}_any`;
}

/** Whether `code` (upper case) is a currency code this browser knows. */
export function currencyKnown(code) {
  return /^[A-Z]{3}$/.test(code) && (!CURRENCIES || CURRENCIES.has(code));
}

/** What is wrong with a game's or a session's name: [] or keys 'name_long' (with n) and 'name_control'. */
export function nameProblems(name) {
  const out = [];
  const chars = [...name].length;
  if (chars > MAX_NAME_CHARS) out.push({ key: 'long', n: chars });
  if (/\p{Cc}/u.test(name)) out.push({ key: 'control' });
  return out;
}
