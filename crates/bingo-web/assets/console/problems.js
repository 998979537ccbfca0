// Saying what is wrong with a form's answers, as the wizard and the new-session form do: a list
// in the form's alert, and each message again next to its field (which is marked aria-invalid and
// described by it); the first wrong field is focused.

import { h, $$, fill } from '/shared/dom.js';

/** Shows `list` ([{ field: an element id, message }], or none) for `form` in `box`. */
export function showProblems(form, box, list) {
  for (const el of $$('[aria-invalid]', form)) {
    el.removeAttribute('aria-invalid');
    const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-problem'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }
  for (const el of $$('.field-problem', form)) el.remove();
  fill(box, list.length ? h('ul', {}, list.map((p) => h('li', {}, p.message))) : '');
  const seen = new Map();
  for (const p of list) {
    const el = document.getElementById(p.field);
    if (!el) continue;
    el.setAttribute('aria-invalid', 'true');
    // One line next to the field, holding each of its messages.
    let note = seen.get(p.field);
    if (!note) {
      note = h('p', { class: 'field-problem', id: p.field + '-problem' });
      el.after(note);
      seen.set(p.field, note);
      el.setAttribute('aria-describedby', [el.getAttribute('aria-describedby'), note.id].filter(Boolean).join(' '));
    }
    note.append((note.textContent ? ' ' : '') + p.message);
  }
  const first = list.length && document.getElementById(list[0].field);
  if (first) (first.matches('.draw-grid') ? first.querySelector('button') : first).focus();
}
