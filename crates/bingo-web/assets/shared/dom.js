// Small DOM helpers and accessibility aids shared by the apps.

/** `h('button', {class: 'x', onclick}, 'text', child)`: an element. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Tells screen readers something through a polite live region (created once per page). */
export function announce(text, assertive = false) {
  const id = assertive ? 'sr-alert' : 'sr-status';
  let region = document.getElementById(id);
  if (!region) {
    region = h('div', { id, class: 'sr-only', 'aria-live': assertive ? 'assertive' : 'polite', 'aria-atomic': 'true' });
    document.body.append(region);
  }
  // Clearing first makes a repeated message be read again.
  region.textContent = '';
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}

export function reducedMotion() {
  return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** A short beep through WebAudio (no sound file to download); quiet failure where not allowed. */
let audio;
export function beep(freq = 880, ms = 180, times = 1) {
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    for (let i = 0; i < times; i++) {
      const at = audio.currentTime + i * (ms / 1000) * 1.6;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + ms / 1000);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + ms / 1000 + 0.05);
    }
  } catch {
    /* no audio here */
  }
}

export function vibrate(pattern) {
  try {
    if (navigator.vibrate) navigator.vibrate(pattern);
  } catch {
    /* not allowed */
  }
}

/** Shows the connection state in `el` (an element with role=status). */
export function connectionBadge(el, t, status) {
  el.dataset.status = status;
  el.textContent = t('conn_' + status);
  el.hidden = status === 'online';
}
