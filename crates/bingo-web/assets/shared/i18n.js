// User-facing text: each app keeps all of its strings in one file per language
// (`/<app>/strings.<lang>.js`, exporting `default` an object of key -> text). English is
// complete; another language may leave keys out and they fall back to English.

/** Languages with strings files; add a code here when adding `strings.<code>.js` to the apps. */
export const LANGUAGES = ['en'];

/** Picks the best language for this browser (`?lang=xx` wins). */
export function pickLanguage() {
  const asked = new URLSearchParams(location.search).get('lang');
  const wanted = [asked, ...(navigator.languages || [navigator.language])].filter(Boolean);
  for (const w of wanted) {
    const code = w.toLowerCase().split('-')[0];
    if (LANGUAGES.includes(code)) return code;
  }
  return 'en';
}

/** Loads an app's strings and returns `t(key, params)`. */
export async function loadStrings(app) {
  const en = (await import(`/${app}/strings.en.js`)).default;
  const lang = pickLanguage();
  let own = {};
  if (lang !== 'en') {
    try {
      own = (await import(`/${app}/strings.${lang}.js`)).default;
    } catch {
      own = {};
    }
  }
  document.documentElement.lang = lang;
  return makeT({ ...en, ...own }, lang);
}

/**
 * `t('key', {n: 3})` replaces `{n}`; a value may be an array (returned as is) or a string.
 * With a number `n` the plural form is picked by the language's rules: `key_one` for
 * "1 player" (`key_two`, `key_few`, `key_many`, `key_zero` where a language has them), else `key`.
 */
export function makeT(strings, lang = 'en') {
  const plural = new Intl.PluralRules(lang);
  const t = (key, params) => {
    let s = strings[key];
    if (params && typeof params.n === 'number') {
      const form = strings[key + '_' + plural.select(params.n)];
      if (form !== undefined) s = form;
    }
    if (s === undefined) return key;
    if (typeof s !== 'string') return s;
    if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined ? m : String(params[k])));
    return s;
  };
  t.lang = lang;
  t.has = (key) => strings[key] !== undefined;
  return t;
}

/** Fills `[data-i18n]` (text), `[data-i18n-placeholder]`, `[data-i18n-label]` (aria-label) and `[data-i18n-title]`. */
export function applyStrings(root, t) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  const title = root.querySelector('title[data-i18n]');
  if (title) document.title = t(title.dataset.i18n);
}
