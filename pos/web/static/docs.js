// Printable documents: the tax invoice, the credit note and the Z report,
// drawn from the API's JSON in the chosen language (English or Hindi).
import { $, el, api, paise, inr, when, session } from './common.js';
import { t, onLang, pname, origin, stateName, placeOfSupply } from './i18n.js';

let till, last = null; // the last document shown: {kind, data}
const MALL = 'ekta.mall';

/**
 * The mall's name, address and GSTIN for the document header. The sale
 * JSON does not carry them; the server's printable receipt does, so they
 * are read from its header once per session.
 */
async function mallFor(path) {
  try {
    const cached = JSON.parse(sessionStorage.getItem(MALL) || 'null');
    if (cached) return cached;
    const html = await api('GET', path + '?format=html', null, { accept: 'text/html', raw: true });
    const h = new DOMParser().parseFromString(html, 'text/html').querySelector('header');
    if (!h) return null;
    const divs = [...h.querySelectorAll('div')].map((d) => d.textContent.trim());
    const gst = /GSTIN\s+(\S+)/.exec(divs.join(' '));
    const m = { name: (h.querySelector('h1') || {}).textContent || '', address: divs[0] || '', gstin: gst ? gst[1] : '' };
    sessionStorage.setItem(MALL, JSON.stringify(m));
    return m;
  } catch { return null; }
}

export function initDocs(t0) {
  till = t0;
  $('#doc-print').addEventListener('click', () => printDoc());
  $('#doc-done').addEventListener('click', () => $('#doc-dlg').close());
  $('#doc-dlg').addEventListener('keydown', (ev) => {
    if (ev.altKey && ev.key.toLowerCase() === 'p') { ev.preventDefault(); printDoc(); }
  });
  onLang(() => { // an open document follows a change of language
    if (!last || !$('#doc-dlg').open) return;
    $('#doc-h').textContent = titles[last.kind](last.data);
    $('#doc-body').replaceChildren(render[last.kind](last.data));
  });
}

const money = (s) => inr(paise(s));
const row = (label, value, cls) => el('tr', { class: cls || '' }, el('th', { scope: 'row' }, label), el('td', { class: 'num' }, value));

function head(kind, d) {
  // The mall's identity comes with the till's rules (GET /api/v1/till), so
  // even a Z report printed before any invoice carries address and GSTIN.
  let m = d.mall && d.mall.gstin ? d.mall : (till.rules && till.rules.mall) || d.mall;
  try { m = m || JSON.parse(sessionStorage.getItem(MALL) || 'null'); } catch { /* none cached */ }
  m = m || {};
  const u = session.user || {};
  return el('header', { class: 'doc-head' },
    el('div', { class: 'doc-mall' }, m.name || `PM Ekta Mall ${d.mall_id || u.mall || ''}`),
    m.address ? el('div', {}, m.address) : null,
    m.gstin ? el('div', {}, `${t('gstin')}: ${m.gstin}`) : null,
    el('div', { class: 'doc-kind' }, t(kind)));
}

// taxParts lists the heads charged: IGST, or CGST with SGST or UTGST.
function taxParts(x) {
  const nz = (v) => v && paise(v) !== 0;
  if (nz(x.igst)) return [[t('igst'), x.igst]];
  return [[t('cgst'), x.cgst || '0.00'], nz(x.utgst) ? [t('utgst'), x.utgst] : [t('sgst'), x.sgst || '0.00']];
}

// buyerRows are the buyer's particulars and the delivery address.
function buyerRows(d) {
  const b = d.buyer || {};
  const to = d.deliver_to;
  return [
    b.gstin ? row(t('buyerGstin'), b.gstin) : null,
    b.name ? row(t('buyer'), b.name) : null,
    b.address ? row(t('buyerAddress'), b.address) : null,
    b.state ? row(t('buyerState'), stateName(b.state)) : null,
    b.pan ? row('PAN', b.pan) : null,
    b.form60 ? row(t('form60'), b.form60) : null,
    to ? row(t('deliverTo'), [to.name, to.address, stateName(to.state), to.pincode].filter(Boolean).join(', ')) : null,
  ];
}

function lineTable(lines) {
  return el('table', { class: 'doc-lines' },
    el('thead', {}, el('tr', {}, el('th', {}, t('item')), el('th', {}, t('hsn')), el('th', { class: 'num' }, t('qty')),
      el('th', { class: 'num' }, t('rate')), el('th', { class: 'num' }, t('amount')))),
    el('tbody', {}, lines.map((l) => [
      // The name has a row of its own, so on an 80 mm roll it reads on
      // one or two lines instead of wrapping in a narrow column.
      el('tr', {}, el('td', { class: 'doc-name', colspan: 5 }, pname({ ...l, names: l.names || (till.products.get(l.sku) || {}).names }))),
      el('tr', {}, el('td', {}), el('td', {}, l.hsn || ''), el('td', { class: 'num' }, l.qty),
        el('td', { class: 'num' }, money(l.unit_price)), el('td', { class: 'num' }, money(l.amount))),
      el('tr', { class: 'doc-sub' }, el('td', { colspan: 5 },
        [l.district && origin(l), l.gi ? t('gi') : '', l.gi_reg ? t('doc.giReg', l.gi_name, l.gi_reg) : '', l.discount && paise(l.discount) > 0 ? `${t('discount')} −${money(l.discount)}` : '',
          `GST ${l.gst_rate}% · ${t('taxable')} ${money(l.taxable_value)} · ` + taxParts(l).map(([k, v]) => `${k} ${money(v)}`).join(' · '),
          l.band_note ? `${t('priceBand')}: ${l.band_note}` : '']
          .filter(Boolean).join(' · '))),
    ])));
}

function invoice(s) {
  const pos = s.place_of_supply || (s.mall && s.mall.state) || '';
  return el('article', { class: 'doc' }, head(s.b2b ? 'taxInvoiceB2B' : 'taxInvoice', s),
    el('table', { class: 'doc-meta' },
      row(t('invoiceNo'), s.invoice_no), row(t('date'), when(s.at)), row(t('cashier'), s.cashier || ''),
      pos ? row(t('placeOfSupply'), placeOfSupply(pos)) : null, buyerRows(s)),
    lineTable(s.lines || []),
    el('table', { class: 'doc-tot' },
      row(t('taxable'), money(s.taxable_value)), taxParts(s).map(([k, v]) => row(k, money(v))),
      s.discount && paise(s.discount) > 0 ? row(t('discount'), money(s.discount)) : null,
      row(t('total'), money(s.total), s.round_off && paise(s.round_off) !== 0 ? '' : 'big'),
      s.round_off && paise(s.round_off) !== 0 ? [row(t('roundOff'), money(s.round_off)), row(t('payable'), money(s.payable), 'big')] : null,
      (s.tenders || []).map((x) => row(`${t(x.method)}${x.ref ? ' (' + x.ref + ')' : ''}`, money(x.amount))),
      row(t('change'), money(s.change || '0.00'))),
    el('p', { class: 'doc-foot' }, t('thanks')),
    s.trace_url ? el('figure', { class: 'doc-trace' },
      el('img', { src: '/qr.svg?text=' + encodeURIComponent(s.trace_url), width: 110, height: 110, alt: 'QR' }),
      el('figcaption', {}, t('doc.traceScan'), el('br'), el('small', {}, s.trace_url))) : null);
}

function creditNote(r) {
  return el('article', { class: 'doc' }, head('creditNote', r),
    el('table', { class: 'doc-meta' },
      row(t('creditNote'), r.credit_note_no), row(t('invoiceNo'), r.invoice_no), row(t('date'), when(r.at)), row(t('cashier'), r.cashier || ''),
      r.place_of_supply ? row(t('placeOfSupply'), placeOfSupply(r.place_of_supply)) : null, buyerRows(r)),
    lineTable(r.lines || []),
    el('table', { class: 'doc-tot' },
      row(t('taxable'), money(r.taxable_value)), taxParts(r).map(([k, v]) => row(k, money(v))),
      row(t('total'), money(r.total), 'big'),
      r.round_off && paise(r.round_off) !== 0 ? [row(t('roundOff'), money(r.round_off)), row(t('refund'), money(r.refund), 'big')] : null,
      (r.refunds || []).map((x) => row(`${t('refunds')}: ${t(x.method)}`, money(x.amount)))));
}

function report(z) {
  const tot = (x) => (x ? `${x.count} · ${money(x.total)}` : '—');
  return el('article', { class: 'doc' }, head(z.kind === 'X' ? 'xReport' : 'zReport', z),
    el('table', { class: 'doc-meta' },
      row(t('counter'), z.counter), row(t('cashier'), z.cashier), row(t('date'), `${when(z.opened_at)} – ${when(z.closed_at || z.generated_at)}`),
      row(t('firstInv'), z.first_invoice_no || '—'), row(t('lastInv'), z.last_invoice_no || '—')),
    el('table', { class: 'doc-tot' },
      row(t('sales'), tot(z.sales)), row(t('returns'), tot(z.returns)), row(t('netSales'), money(z.net_sales || '0.00'), 'big'),
      row(t('roundOff'), money(z.round_off || '0.00')),
      row(t('openingFloatShort'), money(z.opening_float || '0.00'))),
    el('h3', {}, t('byTender')),
    el('table', { class: 'doc-lines' },
      el('thead', {}, el('tr', {}, el('th', {}), el('th', { class: 'num' }, t('sales')), el('th', { class: 'num' }, t('refunds')), el('th', { class: 'num' }, t('net')))),
      el('tbody', {}, (z.tenders || []).map((x) => el('tr', {}, el('td', {}, t(x.method)), el('td', { class: 'num' }, money(x.sales)),
        el('td', { class: 'num' }, money(x.refunds)), el('td', { class: 'num' }, money(x.net)))))),
    el('h3', {}, 'GST'),
    el('table', { class: 'doc-lines' },
      el('thead', {}, el('tr', {}, el('th', {}, t('rate')), el('th', { class: 'num' }, t('taxable')),
        ['cgst', 'sgst', 'utgst', 'igst'].map((h) => el('th', { class: 'num' }, t(h))))),
      el('tbody', {}, (z.tax || []).map((x) => el('tr', {}, el('td', {}, x.gst_rate + '%'), el('td', { class: 'num' }, money(x.net.taxable_value)),
        ['cgst', 'sgst', 'utgst', 'igst'].map((h) => el('td', { class: 'num' }, money(x.net[h] || '0.00'))))))),
    el('table', { class: 'doc-tot' },
      row(t('expected'), money(z.expected_cash || '0.00')),
      z.counted_cash ? row(t('counted'), money(z.counted_cash)) : null,
      z.over_short ? row(t('overShort'), money(z.over_short), paise(z.over_short) === 0 ? '' : 'bad') : null,
      z.denominations ? Object.entries(z.denominations).sort((a, b) => Number(b[0]) - Number(a[0]))
        .filter(([, n]) => n > 0).map(([d, n]) => row(`₹${d} × ${n}`, inr(Number(d) * 100 * n))) : null));
}

const render = { invoice, credit: creditNote, report };
const titles = { invoice: (d) => t('saleDone', d.invoice_no), credit: (d) => t('returnDone', d.credit_note_no), report: (d) => (d.kind === 'X' ? t('xReport') : t('zReport')) };

/** Shows a document in the document dialog; onDone runs when it is closed. */
export async function showDoc(kind, data, onDone) {
  if (!data.mall && (kind === 'invoice' || kind === 'credit')) {
    data.mall = await mallFor(kind === 'invoice' ? `/api/v1/sales/${encodeURIComponent(data.id)}/receipt` : `/api/v1/returns/${encodeURIComponent(data.id)}/receipt`);
  }
  last = { kind, data };
  $('#doc-h').textContent = titles[kind](data);
  $('#doc-body').replaceChildren(render[kind](data));
  const dlg = $('#doc-dlg');
  $('#doc-done').querySelector('span').textContent = kind === 'report' ? t('logoutAfter') : t('newSale');
  if (onDone) dlg.addEventListener('close', onDone, { once: true });
  // Opening a modal from a control of a dialog that just closed leaves
  // Chromium's focus restore pointing at a hidden control, and typing
  // into the scan field later inserts nothing: start from the scanner.
  till.focusScan();
  dlg.showModal();
  $('#doc-done').focus();
}

/**
 * Prints the last document (re-drawn, so it follows the language switch).
 * In a new session the last receipt is the shift's latest sale, if any.
 */
export async function printDoc() {
  if (!last) {
    try {
      const r = till.shift ? await api('GET', `/api/v1/shifts/${encodeURIComponent(till.shift.id)}/sales`) : null;
      const list = Array.isArray(r) ? r : (r && r.sales) || [];
      const latest = list.filter((s) => s.invoice_no).sort((a, b) => String(a.at).localeCompare(String(b.at))).pop();
      if (latest) { showDoc('invoice', latest.lines ? latest : await api('GET', '/api/v1/sales/' + encodeURIComponent(latest.id))); return; }
    } catch { /* said below */ }
    till.message('noLastReceipt');
    return;
  }
  $('#print-area').replaceChildren(render[last.kind](last.data));
  window.print();
}
