// The Announcement panel of the game being run: the caller types a line for the hall ("Eyes down
// in 5 minutes") and shows it on the Screen and every phone (PUT .../announcement), or clears
// it. What is showing now comes from the game's snapshot and its `announcement` updates.

import { $ } from '/shared/dom.js';
import { t } from './t.js';
import { call } from './session.js';

let gameId = null;

export function resetAnnouncement(id) {
  gameId = id;
  $('#announce-text').value = '';
}

/** Shows what the Screen and the phones show now (`null`: nothing). Untrusted text: textContent. */
export function showAnnouncementNow(text) {
  $('#announce-now').textContent = text ? t('announce_now', { text }) : t('announce_none');
  $('#announce-clear').disabled = !text;
}

async function send(text) {
  try {
    await call('PUT', `/api/v1/games/${gameId}/announcement`, { text });
    return true;
  } catch {
    return false; // shown by call()
  }
}

$('#announce-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const text = $('#announce-text').value.trim();
  if (!text || !gameId) return;
  if (await send(text)) {
    showAnnouncementNow(text);
    $('#announce-text').value = '';
  }
});

$('#announce-clear').addEventListener('click', async () => {
  if (gameId && (await send(null))) showAnnouncementNow(null);
});
