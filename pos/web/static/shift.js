// Closing a shift: count the drawer note by note and coin by coin, close,
// and print the Z report.
import { $, $$, el, api, amount, inr, showError, clearErrors, logout } from './common.js';
import { t, explain } from './i18n.js';
import { showDoc } from './docs.js';

const NOTES = [2000, 500, 200, 100, 50, 20, 10];
const COINS = [20, 10, 5, 2, 1];
let till, busy = false;

export function initClose(t0) {
  till = t0;
  const cell = (kind, d) => el('label', { class: 'dcell' }, el('span', {}, `₹${d} ×`),
    el('input', { id: `den-${kind}-${d}`, type: 'number', min: 0, max: 100000, inputmode: 'numeric', 'data-value': d, value: '' }),
    el('output', { id: `den-${kind}-${d}-sum` }, ''));
  $('#notes-grid').replaceChildren(...NOTES.map((d) => cell('n', d)));
  $('#coins-grid').replaceChildren(...COINS.map((d) => cell('c', d)));
  $('#close-form').addEventListener('input', count);
  $('#close-form').addEventListener('submit', (ev) => { ev.preventDefault(); submit(); });
}

/** Adds up the count; returns {total (paise), denominations} or null when a field is bad. */
function count() {
  let total = 0, ok = true;
  const denoms = {};
  for (const inp of $$('#close-form input[data-value]')) {
    const raw = inp.value.trim(), n = raw === '' ? 0 : Number(raw), d = Number(inp.dataset.value);
    const good = Number.isInteger(n) && n >= 0 && n <= 100000;
    showError(inp, good ? '' : t('countBad'));
    ok = ok && good;
    $('#' + inp.id + '-sum').textContent = good && n ? inr(d * 100 * n) : '';
    if (good && n) { total += d * 100 * n; denoms[d] = (denoms[d] || 0) + n; }
  }
  $('#close-total').textContent = inr(total);
  return ok ? { total, denoms } : null;
}

export function openClose() {
  if (!till.shift) return;
  clearErrors($('#close-form'));
  for (const inp of $$('#close-form input')) inp.value = '';
  count();
  warn();
  $('#close-dlg').showModal();
  $('#den-n-2000').focus();
}

/** Warns, in the close dialog, of a cart not yet sold and of carts parked at this counter. */
async function warn() {
  const box = $('#close-warn'), items = till.cart.totals().items, msgs = [];
  if (items > 0) msgs.push(t('closeUnsold', items));
  box.replaceChildren(...msgs.map((m) => el('p', {}, m)));
  box.hidden = msgs.length === 0;
  try {
    const r = await api('GET', '/api/v1/parked?counter=' + encodeURIComponent(till.shift.counter));
    if (Array.isArray(r) && r.length) {
      box.append(el('p', {}, t('closeParked', r.length)));
      box.hidden = false;
    }
  } catch { /* the warning is a courtesy; closing does not depend on it */ }
}

async function submit() {
  if (busy) return;
  const c = count();
  if (!c) return;
  busy = true; $('#close-submit').disabled = true;
  try {
    const z = await api('POST', `/api/v1/shifts/${encodeURIComponent(till.shift.id)}/close`,
      { counted_cash: amount(c.total), denominations: Object.fromEntries(Object.entries(c.denoms).map(([d, n]) => [String(d), n])) });
    $('#close-dlg').close();
    // The cart belonged to this shift: it does not pass to the next cashier.
    till.cart.discard();
    till.render();
    till.shift = null;
    showDoc('report', z, async () => { await logout(); till.loggedOut(); });
  } catch (e) {
    showError($('#close-err'), explain(e));
  } finally { busy = false; $('#close-submit').disabled = false; }
}
