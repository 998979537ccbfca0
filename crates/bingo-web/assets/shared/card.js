// Drawing cards, pattern diagrams and balls, the same way in every app.

import { h } from './dom.js';
import { ballLetter } from './game.js';

/**
 * A card as a grid of cells.
 * opts.daubed: Set of numbers the player marked; opts.called: Set of called numbers;
 * opts.highlight: Set of numbers to emphasise (a win's completing numbers);
 * opts.onTap(number): makes numbered cells buttons (the player's daubing);
 * opts.t: strings (card_label, free, blank); opts.caption: text above the grid.
 */
export function renderCard(card, opts = {}) {
  const t = opts.t || ((k) => k);
  const rows = card.grid.length;
  const cols = card.grid[0].length;
  const grid = h('div', {
    class: `card-grid kind-${card.kind}`,
    role: 'group',
    'aria-label': t('card_label', { serial: card.serial }),
    style: `--cols:${cols};--rows:${rows}`,
  });
  if (card.kind === '75') {
    for (const letter of 'BINGO') grid.append(h('span', { class: 'card-head', 'aria-hidden': 'true' }, letter));
  }
  card.grid.forEach((row, r) =>
    row.forEach((n, c) => {
      const cls = ['cell'];
      if (!n) {
        const free = card.kind === '75';
        cls.push(free ? 'free' : 'blank');
        grid.append(
          h('span', { class: cls.join(' '), dataset: { r, c } }, free ? h('span', { class: 'free-text' }, t('free')) : ''),
        );
        return;
      }
      const daubed = opts.daubed ? opts.daubed.has(n) : false;
      const called = opts.called ? opts.called.has(n) : false;
      if (daubed) cls.push('daubed');
      if (called) cls.push('called');
      if (called && !daubed && opts.daubed) cls.push('due');
      if (opts.highlight && opts.highlight.has(n)) cls.push('hl');
      const attrs = { class: cls.join(' '), dataset: { n, r, c } };
      if (opts.onTap) {
        grid.append(
          h(
            'button',
            {
              ...attrs,
              type: 'button',
              'aria-pressed': daubed ? 'true' : 'false',
              'aria-label': t(called ? 'cell_called' : 'cell', { n }),
              onclick: () => opts.onTap(n),
            },
            String(n),
          ),
        );
      } else {
        grid.append(h('span', attrs, String(n)));
      }
    }),
  );
  return grid;
}

/** A small diagram of a pattern alternative (rows of "X" and "."), for screens and the wizard. */
export function renderPattern(picture, label) {
  const rows = picture.length;
  const cols = picture[0] ? picture[0].length : 0;
  const el = h('div', {
    class: 'pattern',
    role: 'img',
    'aria-label': label || '',
    style: `--cols:${cols};--rows:${rows}`,
  });
  for (const row of picture) {
    for (const ch of row) el.append(h('span', { class: ch === 'X' || ch === 'x' ? 'on' : 'off' }));
  }
  return el;
}

/** How long each way of a pattern is shown by renderPatternWays. */
const WAY_MS = 1600;
let waysTimer = null;

/**
 * A pattern with several ways to win ("one line": any of three rows) as one diagram that shows
 * each way in turn, the way shown following the clock so that a redraw does not start it again.
 * One timer serves every such diagram on the page.
 */
export function renderPatternWays(pictures, label) {
  const el = h('div', { class: 'pattern-ways', role: 'img', 'aria-label': label || '' });
  el.pictures = pictures;
  showWay(el);
  if (pictures.length > 1 && !waysTimer) {
    waysTimer = setInterval(() => document.querySelectorAll('.pattern-ways').forEach(showWay), 200);
  }
  return el;
}

function showWay(el) {
  const i = Math.floor(Date.now() / WAY_MS) % el.pictures.length;
  if (el.dataset.way === String(i)) return;
  el.dataset.way = String(i);
  const diagram = renderPattern(el.pictures[i]);
  diagram.removeAttribute('role');
  diagram.removeAttribute('aria-label');
  el.replaceChildren(diagram);
}

/** Card dimensions per kind: [rows, cols]. */
export const SHAPE = { 75: [5, 5], 90: [3, 9], 80: [4, 4], 30: [3, 3] };

/** What a ball shows: the number, and on 75-ball its B-I-N-G-O letter above it, small, so
 *  "N35" stays inside the circle. Fills `el` (a `.ball`) and marks it for the styles. */
export function fillBall(el, kind, n) {
  const letter = n ? ballLetter(kind, n) : '';
  el.classList.toggle('lettered', !!letter);
  el.replaceChildren(...(letter ? [h('span', { class: 'ball-letter' }, letter), h('span', { class: 'ball-number' }, String(n))] : [n ? String(n) : '']));
  return el;
}
