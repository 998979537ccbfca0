// Saving a CSV the API serves to the console (GET .../report.csv): fetched with the token (a
// plain link could not send it) and saved as a file.

import { h } from '/shared/dom.js';

/** Fetches `path` with `token` and saves it as `filename`; throws with the status on a failure. */
export async function downloadCsv(path, token, filename) {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(res.statusText || String(res.status));
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
