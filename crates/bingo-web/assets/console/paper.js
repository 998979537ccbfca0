// Paper cards: "Make a print page" issues cards (POST .../paper) and shows them as an A4 print
// page, two across, each with its serial and a QR code that opens its check in the Console.

import { api, qrUrl } from '/shared/api.js';
import { h, $, fill } from '/shared/dom.js';
import { renderCard } from '/shared/card.js';
import { t } from './t.js';
import { call } from './session.js';

/** The game paper cards are made for: { id, code, name } (its join code and name). */
let game = null;
/** Where the QR codes send a phone: the public URL (GET /api/v1/web/config), else this page's. */
let publicUrl = null;

export function resetPaper(id, code, name) {
  game = { id, code, name: name || '' };
  closePrint();
}

async function base() {
  if (!publicUrl) {
    try {
      publicUrl = (await api('GET', '/api/v1/web/config')).public_url;
    } catch {
      return location.origin;
    }
  }
  return publicUrl;
}

function closePrint() {
  $('#print-view').hidden = true;
  document.body.classList.remove('printing');
}

$('#paper-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const count = Number($('#paper-count').value) || 1;
  const res = await call('POST', `/api/v1/games/${game.id}/paper`, { count }).catch(() => null);
  if (!res) return;
  const url = await base();
  fill(
    $('#print-sheets'),
    res.cards.map((card) =>
      h(
        'article',
        { class: 'paper-card' },
        h('header', {}, h('strong', {}, game.name ? t('paper_title_named', { name: game.name, code: game.code }) : t('paper_title', { code: game.code })), h('span', { class: 'serial' }, t('paper_card', { serial: card.serial }))),
        h('div', { class: 'paper-body' },
          renderCard(card, { t }),
          h('figure', {}, h('img', { src: qrUrl(`${url}/console?game=${game.id}&check=${card.serial}`), alt: t('paper_card', { serial: card.serial }), width: 96, height: 96 }), h('figcaption', {}, t('paper_scan')))),
      ),
    ),
  );
  $('#print-view').hidden = false;
  document.body.classList.add('printing');
  $('#do-print').focus();
});
$('#do-print').addEventListener('click', () => window.print());
$('#close-print').addEventListener('click', closePrint);
