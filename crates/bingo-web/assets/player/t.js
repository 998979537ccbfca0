// The Player's strings (`t(key, params)`), loaded once and applied to the page's markup.

import { loadStrings, applyStrings } from '/shared/i18n.js';

export const t = await loadStrings('player');
applyStrings(document, t);
