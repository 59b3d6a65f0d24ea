/**
 * The page's stylesheet and script, served by the page's function at `errors-page/page.css` and
 * `errors-page/page.js` so the Content-Security-Policy can forbid inline script and style.
 */
export const PAGE_STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 1.5rem 2rem; color: #1b1b1b; }
h1 { margin-bottom: 0.2rem; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 0.5rem; }
.banner { background: #fde7e9; border: 1px solid #d13438; padding: 0.6rem 1rem; margin: 1rem 0; }
.banner ul { margin: 0.3rem 0 0; padding-left: 1.2rem; }
.counts { display: flex; flex-wrap: wrap; gap: 0.5rem; list-style: none; padding: 0; }
.counts li { border: 1px solid #ccc; border-radius: 4px; padding: 0.2rem 0.5rem; }
.count { font-weight: bold; margin-left: 0.3rem; }
.code { font-family: ui-monospace, monospace; font-weight: bold; }
form { display: flex; flex-wrap: wrap; gap: 0.8rem; align-items: end; margin-bottom: 0.8rem; }
.lookup { background: #f4f6f8; padding: 0.5rem 1rem; }
.problem { color: #a4262c; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
td.resources ul { margin: 0; padding: 0; list-style: none; }
.muted { color: #666; font-size: 0.9em; }
tr.manual { background: #fff4ce; }
tr.retry-n\\/a { color: #666; }
.badge { background: #8a6d00; color: #fff; border-radius: 3px; padding: 0 0.3rem; font-size: 0.85em; }
tr[data-state="Success"] td.status { color: #107c10; font-weight: bold; }
.replay-result { display: block; font-size: 0.9em; }
.signed-in { float: right; margin: 0.8rem 0 0; }
.chart { max-width: 100%; height: auto; display: block; }
.legend { display: flex; flex-wrap: wrap; gap: 0.8rem; list-style: none; padding: 0; margin: 0.3rem 0 0; }
.chart-empty { color: #666; }
.filters .export { margin-left: auto; }
ul.audit { margin: 0; padding-left: 1rem; }
section.history, section.unaligned { margin-top: 1.5rem; }
tr[data-state="Success"] td.status, table.history tr[data-state="Success"] td.status { color: #107c10; }
`;

export const PAGE_SCRIPT = `'use strict';
(() => {
  const apiBase = document.body.dataset.apiBase || '';
  // Sign-in is the platform's cookie; this header makes an expired session answer 401, not a redirect.
  const headers = { 'x-requested-with': 'XMLHttpRequest' };
  const api = (path) => apiBase + '/' + path;

  async function readJson(response) {
    try { return await response.json(); } catch { return {}; }
  }

  /** Polls the row (at most 30 s) until the replay has run, then shows its new state. */
  async function watch(id, button, row, result, lastAttemptBefore) {
    for (let poll = 0; poll < 60; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const response = await fetch(api('errors/' + encodeURIComponent(id)), { headers });
      if (!response.ok) continue;
      const { transaction } = await readJson(response);
      // A manual replay counts no attempt; its outcome shows as a newer last attempt.
      if (!transaction || transaction.lastAttemptAt <= lastAttemptBefore) continue;
      row.querySelector('.status').textContent = transaction.status;
      row.querySelector('.attempts').textContent = String(transaction.attempts);
      row.dataset.state = transaction.status;
      button.disabled = transaction.status === 'Success';
      result.textContent = 'Replayed: ' + transaction.status + (transaction.code ? ' (' + transaction.code + ')' : '') + '.';
      return;
    }
    result.textContent = 'Replay queued; the row has not changed yet. Reload the page later.';
  }

  async function replay(button) {
    const id = button.dataset.replay;
    const row = button.closest('tr');
    const result = row.querySelector('.replay-result');
    button.disabled = true;
    result.textContent = 'Queuing replay…';
    try {
      const response = await fetch(api('transactions/' + encodeURIComponent(id) + '/replay'), { method: 'POST', headers });
      const body = await readJson(response);
      if (response.status === 401) {
        result.textContent = 'Your sign-in has expired: reload the page to sign in again.';
        button.disabled = false;
        return;
      }
      if (response.status !== 202) {
        result.textContent = (body.error && body.error.message) || 'Replay refused (HTTP ' + response.status + ').';
        button.disabled = false;
        return;
      }
      result.textContent = 'Replay queued by ' + body.requestedBy.name + ' (' + body.messageId + ').';
      await watch(id, button, row, result, row.dataset.lastAttempt);
    } catch (error) {
      result.textContent = 'Replay failed: ' + error.message;
      button.disabled = false;
    }
  }

  for (const button of document.querySelectorAll('button[data-replay]')) {
    button.addEventListener('click', () => replay(button));
  }

  /** Clears an unaligned event's entry (never the Exchange event) and takes its row off the list. */
  async function clearUnaligned(button) {
    const row = button.closest('tr');
    const result = row.querySelector('.clear-result');
    const query = new URLSearchParams({ resourceId: button.dataset.resourceId, eventId: button.dataset.clearUnaligned });
    button.disabled = true;
    try {
      const response = await fetch(api('unaligned-events?' + query), { method: 'DELETE', headers });
      if (response.status === 204 || response.status === 404) {
        row.remove();
        return;
      }
      const body = await readJson(response);
      result.textContent = (body.error && body.error.message) || 'Not cleared (HTTP ' + response.status + ').';
    } catch (error) {
      result.textContent = 'Not cleared: ' + error.message;
    }
    button.disabled = false;
  }

  for (const button of document.querySelectorAll('button[data-clear-unaligned]')) {
    button.addEventListener('click', () => clearUnaligned(button));
  }
})();
`;
