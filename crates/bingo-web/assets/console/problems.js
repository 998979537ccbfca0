// Saying what is wrong with a form's answers, as the wizard and the new-session form do: a list
// in the form's alert, each wrong field marked aria-invalid, the first one focused.

import { h, $$, fill } from '/shared/dom.js';

/** Shows `list` ([{ field: an element id, message }], or none) for `form` in `box`. */
export function showProblems(form, box, list) {
  for (const el of $$('[aria-invalid]', form)) el.removeAttribute('aria-invalid');
  fill(box, list.length ? h('ul', {}, list.map((p) => h('li', {}, p.message))) : '');
  for (const p of list) {
    const el = document.getElementById(p.field);
    if (el) el.setAttribute('aria-invalid', 'true');
  }
  const first = list.length && document.getElementById(list[0].field);
  if (first) (first.matches('.draw-grid') ? first.querySelector('button') : first).focus();
}
