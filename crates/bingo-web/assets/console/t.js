// The Console's strings (`t(key, params)`), loaded once and applied to the page's markup. Every
// view imports `t` from here.

import { loadStrings, applyStrings } from '/shared/i18n.js';

export const t = await loadStrings('console');
applyStrings(document, t);
