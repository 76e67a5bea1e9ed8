// Returns against an invoice: find it by its number, choose what comes
// back, issue the credit note.
import { $, $$, el, api, paise, inr, uuid, showError, clearErrors } from './common.js';
import { t, explain, pname } from './i18n.js';
import { showDoc } from './docs.js';

const RECENT = 'ekta.recentSales'; // invoice number → sale id, rung on this till
let till, sale = null, key = '', busy = false;

/** Remembers the sales rung here, so a return works even without a lookup endpoint. */
export function remember(s) {
  try {
    const m = JSON.parse(sessionStorage.getItem(RECENT) || '{}');
    m[s.invoice_no] = s.id;
    sessionStorage.setItem(RECENT, JSON.stringify(m));
  } catch { /* storage full: lookups still go to the server */ }
}

async function findSale(no) {
  // The sale by invoice number; the API may answer either form.
  for (const path of ['/api/v1/sales?invoice_no=' + encodeURIComponent(no)]) {
    try {
      const r = await api('GET', path);
      const s = Array.isArray(r) ? r[0] : r && r.sales ? r.sales[0] : r;
      if (s && s.id) return s.lines ? s : await api('GET', '/api/v1/sales/' + encodeURIComponent(s.id));
      if (Array.isArray(r)) break; // a list endpoint that found nothing
    } catch (e) {
      if (!e.notAvailable) throw e;
    }
  }
  const m = JSON.parse(sessionStorage.getItem(RECENT) || '{}');
  return api('GET', '/api/v1/sales/' + encodeURIComponent(m[no] || no));
}

export function openReturn() {
  sale = null;
  clearErrors($('#return-dlg'));
  $('#return-form').hidden = true;
  $('#return-cancel-row').hidden = false;
  $('#ret-inv').value = '';
  // Each return starts afresh: no reason carried over from the last one,
  // and the money goes back the way it came unless the cashier says cash.
  $('#ret-reason').value = '';
  $('#ret-refund').value = 'original';
  $('#ret-restock').value = 'backroom';
  $('#return-dlg').showModal();
  $('#ret-inv').focus();
}

export function initReturns(t0) {
  till = t0;
  $('#return-find').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const no = $('#ret-inv').value.trim().toUpperCase();
    clearErrors($('#return-dlg'));
    if (!no) { showError($('#ret-inv'), t('invoiceNotFound')); return; }
    try {
      sale = await findSale(no);
    } catch (e) {
      showError($('#ret-inv'), e.status === 404 && !e.notAvailable ? t('invoiceNotFound') : explain(e));
      return;
    }
    key = uuid();
    drawLines();
  });
  $('#return-form').addEventListener('submit', (ev) => { ev.preventDefault(); submit(); });
}

function drawLines() {
  $('#ret-lines').replaceChildren(...sale.lines.map((l, i) => {
    const left = l.qty - (l.returned || 0);
    return el('tr', {},
      el('td', {}, el('label', { for: 'ret-q-' + i }, pname({ ...l, names: l.names || (till.products.get(l.sku) || {}).names })), el('div', { class: 'meta' }, l.sku)),
      el('td', { class: 'num' }, inr(paise(l.unit_price))),
      el('td', { class: 'num' }, l.qty),
      el('td', { class: 'num' }, l.returned || 0),
      el('td', { class: 'num' }, el('input', { id: 'ret-q-' + i, class: 'qty-in', type: 'number', min: 0, max: left, value: 0,
        inputmode: 'numeric', disabled: left <= 0, 'data-line': i })));
  }));
  $('#return-form').hidden = false;
  $('#return-cancel-row').hidden = true;
  const first = $$('#ret-lines input:not([disabled])')[0];
  if (first) first.select();
}

async function submit() {
  if (busy) return;
  clearErrors($('#return-form'));
  const lines = [];
  for (const inp of $$('#ret-lines input')) {
    const q = Number(inp.value || 0), l = sale.lines[Number(inp.dataset.line)];
    if (!Number.isInteger(q) || q < 0 || q > l.qty - (l.returned || 0)) { showError(inp, t('retQtyBad', l.qty - (l.returned || 0))); inp.select(); return; }
    if (q > 0) lines.push({ sku: l.sku, line_no: l.line_no, qty: q });
  }
  if (!lines.length) { showError($('#ret-err'), t('noReturnQty')); return; }
  const body = { sale_id: sale.id, shift_id: till.shift && till.shift.id, lines, refund_method: $('#ret-refund').value,
    restock_to: $('#ret-restock').value };
  const reason = $('#ret-reason').value.trim();
  if (reason) body.reason = reason;
  busy = true; $('#ret-submit').disabled = true;
  try {
    const cn = await api('POST', '/api/v1/returns', body, { key });
    $('#return-dlg').close();
    till.message('returnDone', cn.credit_note_no);
    showDoc('credit', cn);
  } catch (e) {
    showError($('#ret-err'), explain(e));
  } finally { busy = false; $('#ret-submit').disabled = false; }
}
