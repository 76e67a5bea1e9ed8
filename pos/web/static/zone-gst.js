// A transfer's tax document and e-way bill on the zone manager's transfer
// list (issue 19): the tax invoice (IGST) or delivery challan it moves
// under, and where an e-way bill is required its state, the bulk JSON to
// download, Part B (vehicle, distance) and then the portal's number and
// validity, which dispatch the goods.
import { el, api, showError, paise, inr, when } from './common.js';
import { t, explain } from './i18n.js';

/** The panel for transfer x, or null when it has no document. */
export function transferGST(x, reload) {
  const d = x.document;
  if (!d) return null;
  const kind = d.kind === 'tax_invoice' ? t('zgst.taxInvoice') : t('zgst.challan');
  const head = el('p', { class: 'doc' }, `${kind} ${d.number} · ${t('zgst.value', inr(paise(d.taxable_value)))}` +
    (d.kind === 'tax_invoice' ? ` · IGST ${inr(paise(d.igst))} · ${t('zgst.to', d.to_gstin || x.to_mall)}` : ''));
  const irn = d.irn ? el('p', { class: 'irn' }, t('zgst.irn', d.irn.irn, d.irn.ack_no)) : null;
  const e = x.eway_bill;
  if (!e) return el('div', { class: 'gst' }, head, ...(irn ? [irn] : []));
  const err = el('p', { class: 'err', role: 'alert', hidden: true });
  const json = el('button', { type: 'button', class: 'eway-json' }, t('zgst.json'));
  json.addEventListener('click', () => {
    const a = el('a', { href: URL.createObjectURL(new Blob([JSON.stringify(e.json, null, 2)], { type: 'application/json' })), download: `eway_${d.number.replaceAll('/', '-')}.json` });
    document.body.append(a); a.click(); a.remove();
  });
  const state = el('p', { class: 'eway-state' }, t('zgst.st.' + e.status) + (e.number ? ` ${e.number} · ${t('zgst.validUntil', when(e.valid_until))}` : ''));
  const kids = [head, ...(irn ? [irn] : []), state, json];
  const put = async (body) => {
    try { await api('PUT', `/api/v1/transfers/${encodeURIComponent(x.id)}/eway-bill`, body); reload(); } catch (ex) { showError(err, explain(ex)); }
  };
  if (e.status === 'part_b_needed') {
    const veh = el('input', { 'aria-label': t('zgst.vehicle'), placeholder: 'UP32AB1234', autocomplete: 'off', class: 'eway-vehicle' });
    const km = el('input', { 'aria-label': t('zgst.distance'), inputmode: 'numeric', class: 'qty-in eway-km', placeholder: 'km' });
    const b = el('button', { type: 'button', class: 'eway-partb' }, t('zgst.savePartB'));
    b.addEventListener('click', () => put({ vehicle_no: veh.value, distance_km: Number(km.value || 0) }));
    kids.push(el('div', { class: 'row' }, veh, km, b));
  } else if (e.status === 'awaiting_number') {
    const no = el('input', { 'aria-label': t('zgst.number'), inputmode: 'numeric', placeholder: '12 digits', autocomplete: 'off', class: 'eway-no' });
    const until = el('input', { 'aria-label': t('zgst.validUntilLabel'), type: 'datetime-local', class: 'eway-until' });
    const b = el('button', { type: 'button', class: 'primary eway-dispatch' }, t('zgst.dispatch'));
    b.addEventListener('click', () => {
      // Without the number the goods may not leave: say so rather than save nothing.
      if (!no.value.trim()) { showError(err, t('zgst.needNumber')); return; }
      put({ number: no.value.trim(), valid_until: until.value ? new Date(until.value + ':00+05:30').toISOString() : undefined });
    });
    kids.push(el('div', { class: 'row' }, no, until, b));
  }
  kids.push(err);
  return el('div', { class: 'gst' }, ...kids);
}
