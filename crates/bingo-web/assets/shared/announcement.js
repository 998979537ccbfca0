// The caller's announcement ("Eyes down in 5 minutes"), shown as a banner by the Screen and the
// phones. The banner is a polite live region that stays in the page (empty and hidden by CSS
// when there is nothing to say), so screen readers read each new announcement once.

import { h, fill } from './dom.js';

/**
 * Shows `text` (or nothing, for `null`) in `el`, with `t('announcement_label')` before it. The
 * text is untrusted: it goes in as text, never as HTML. Unchanged text is left alone, so that a
 * re-render does not read it out again.
 */
export function showAnnouncement(el, t, text) {
  const shown = text || '';
  if (el.dataset.shown === shown) return;
  el.dataset.shown = shown;
  if (!shown) {
    fill(el);
    return;
  }
  fill(el, h('span', { class: 'announcement-label' }, t('announcement_label')), h('span', { class: 'announcement-text' }, shown));
}
