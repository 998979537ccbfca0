// What every app knows about a game: applying events to a snapshot, the "to go" count of a
// card, ball letters, money. Pure functions, no DOM.

/** Applies one domain event to `snap` (the snapshot document) in place. */
export function applyEvent(snap, ev, seq) {
  const g = snap.game;
  switch (ev.type) {
    case 'game_opened':
      g.state = 'open';
      break;
    case 'game_started':
    case 'resumed':
      g.state = 'running';
      break;
    case 'paused':
      g.state = 'paused';
      break;
    case 'ball_called':
      if (!g.calls.includes(ev.number)) g.calls.push(ev.number);
      break;
    case 'ball_voided':
      if (g.calls[g.calls.length - 1] === ev.number) g.calls.pop();
      break;
    case 'claim_accepted':
      if (!g.pending_winners.includes(ev.serial)) {
        g.pending_winners.push(ev.serial);
        g.pending_names = [...(g.pending_names || []), ev.name || null];
      }
      break;
    case 'stage_won':
      g.results.push({ stage: ev.stage, prize: ev.prize, winners: ev.winners, house: ev.house });
      g.pending_winners = [];
      g.pending_names = [];
      g.stage = ev.stage + 1;
      g.stage_first_call = g.calls.length + 1;
      break;
    case 'sales_closed':
      // The prizes are fixed now (a share of takings has its final amount).
      g.sales_closed = true;
      (ev.prizes || []).forEach((prize, i) => {
        if (g.stages[i]) g.stages[i].prize = prize;
      });
      break;
    case 'snowball_offered':
      g.snowball = { pot: ev.pot, within: ev.within };
      break;
    case 'snowball_won':
    case 'snowball_carried':
      g.snowball = { ...(g.snowball || {}), outcome: ev.type === 'snowball_won' ? 'won' : 'carried', winners: ev.winners || [], next_pot: ev.next_pot };
      break;
    case 'game_finished':
      g.state = 'finished';
      break;
    case 'seed_revealed':
      g.seed = ev.seed;
      break;
    default:
      break;
  }
  if (seq) g.last_seq = seq;
}

/** A winner as the hall knows them: "Ann · card 14", or "card 14" when the claim gave no name.
 *  `t` is the app's strings, with `who` and `who_named`. The name is what someone typed: show
 *  it as text only. */
export function who(t, serial, name) {
  return name ? t('who_named', { name, serial }) : t('who', { serial });
}

/** The flat cells of a card, row-major; 0 for a cell without a number. */
export function cells(card) {
  return card.grid.flat().map((n) => n || 0);
}

/** A picture (rows of "X"/".") as a flat array of booleans. */
export function maskOf(picture) {
  return picture.join('').split('').map((c) => c === 'X' || c === 'x' || c === '#' || c === '1');
}

/**
 * How many numbers card still needs for the closest alternative of `pictures`, and which.
 * Cells without a number count as marked. `marked` is a Set of numbers (called or daubed).
 */
export function toGo(card, pictures, marked) {
  const flat = cells(card);
  let best = { count: Infinity, missing: [], alternative: -1 };
  (pictures || []).forEach((pic, i) => {
    const mask = maskOf(pic);
    const missing = [];
    flat.forEach((n, j) => {
      if (mask[j] && n && !marked.has(n)) missing.push(n);
    });
    if (missing.length < best.count) best = { count: missing.length, missing, alternative: i };
  });
  if (best.count === Infinity) best.count = 0;
  return best;
}

/** The current stage's view, or null when every stage is settled. */
export function currentStage(snap) {
  const g = snap.game;
  return g.stages[g.stage] || null;
}

/** The B-I-N-G-O letter of a 75-ball number (or '' for other kinds). */
export function ballLetter(kind, n) {
  if (kind !== '75') return '';
  return 'BINGO'[Math.min(4, Math.floor((n - 1) / 15))];
}

/** The card column a number belongs to (90-ball: 1-9, 10-19, ..., 80-90). */
export function columnOf(kind, n) {
  if (kind === '90') return Math.min(8, Math.floor(n / 10));
  const per = { 75: 15, 80: 20, 30: 10 }[kind] || 15;
  return Math.floor((n - 1) / per);
}

export function ballCount(kind) {
  return { 75: 75, 90: 90, 80: 80, 30: 30 }[kind] || 90;
}

/** The number of decimals of a currency's minor unit, as this browser's Intl knows it (GBP 2,
 *  JPY 0, KWD 3), which money() divides by. Without a currency, or with a code Intl refuses, 2:
 *  what the Console has always taken an amount typed without a currency to have (money() then
 *  shows the plain count of minor units). Intl follows CLDR, which for a few codes differs from
 *  ISO 4217 and so from the server's report (bingo-core report/money.rs): HUF, IDR, COP have 0
 *  in Node 20's ICU but 2 there, IQD 0 in Node 20's ICU but 3 there. */
export function currencyDecimals(currency) {
  if (currency) {
    try {
      return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
    } catch {
      /* not a well-formed code: as without one */
    }
  }
  return 2;
}

/** A prize in minor units as money ("£10.00"), or a plain number without a currency. The
 *  currency's own decimals divide the minor units (JPY has none, KWD three), as the report does. */
export function money(minor, currency, locale) {
  if (currency) {
    try {
      const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
      return format.format(minor / 10 ** currencyDecimals(currency));
    } catch {
      /* an unknown code: fall through */
    }
  }
  return new Intl.NumberFormat(locale).format(minor);
}

/** The seconds until `atMs` (not below 0). */
export function secondsUntil(atMs) {
  return Math.max(0, Math.ceil((atMs - Date.now()) / 1000));
}
