// Checking what the caller types as money, a currency or a name, shared by the new-game wizard
// and the new-session form: each check says what is wrong (a key of strings.en.js) rather than
// changing the value.

/** ISO 4217 codes this browser knows (null where it cannot list them: then any 3 letters). */
const CURRENCIES = typeof Intl.supportedValuesOf === 'function' ? new Set(Intl.supportedValuesOf('currency')) : null;

/** The longest name the server takes (bingo-core's MAX_NAME_CHARS). */
export const MAX_NAME_CHARS = 80;

/** An amount as typed ("12.50", "" = 0), in minor units; null when it is not an amount of at most two decimals. */
export function amountOf(text) {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(text).trim() || '0');
  return m ? Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0')) : null;
}

/** Minor units back as typed: 1250 → "12.50", 0 → "". */
export function amountText(minor) {
  return minor ? (minor / 100).toFixed(2) : '';
}

/** What is wrong with an amount as typed: null, or { key: 'amount_negative' | 'amount_decimals' | 'amount_bad', typed }. */
export function amountProblem(text) {
  const typed = String(text).trim();
  if (typed.startsWith('-')) return { key: 'negative', typed };
  if (/^\d*\.\d{3,}$/.test(typed)) return { key: 'decimals', typed };
  if (amountOf(typed) === null) return { key: 'bad', typed };
  return null;
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
