// Finance's GST tab (issue 19): each mall's months with the GSTR-1 totals,
// whether they match the ledger, downloads (JSON, CSV zip), marking a
// month filed; the mall's e-invoices with their status, the pending ones
// to download and the portal's responses to import; its transfer
// documents (tax invoices, delivery challans) and their e-way bills.
import { $, el, api, session, showError, paise, inr, dayWords } from './common.js';
import { t, explain } from './i18n.js';

const money = (s) => inr(paise(s || '0'));
let loaded = false;

/** Fetches a file with the session's token and hands it to the browser. */
async function download(path, name) {
  const res = await fetch(path, { headers: { Authorization: 'Bearer ' + session.token } });
  if (!res.ok) throw new Error((await res.text()) || res.statusText);
  const a = el('a', { href: URL.createObjectURL(await res.blob()), download: name });
  document.body.append(a); a.click(); a.remove();
}

async function loadMalls() {
  const malls = await api('GET', '/api/v1/malls');
  const sel = $('#gst-mall');
  sel.replaceChildren(...malls.map((m) => el('option', { value: m.id }, m.id)));
}

async function loadPeriods() {
  const mall = $('#gst-mall').value;
  showError($('#gst-err'), '');
  try {
    const rows = await api('GET', `/api/v1/gst/periods?mall=${encodeURIComponent(mall)}`);
    const body = $('#gst-periods tbody');
    body.replaceChildren(...rows.map((r) => {
      const l = r.summary.liability;
      const q = `mall=${encodeURIComponent(mall)}&period=${r.period}`;
      const json = el('button', { type: 'button' }, 'JSON');
      json.addEventListener('click', () => download(`/api/v1/gst/gstr1?${q}`, `${mall}_${r.period}_GSTR1.json`).catch((e) => showError($('#gst-err'), e.message)));
      const csv = el('button', { type: 'button' }, 'CSV');
      csv.addEventListener('click', () => download(`/api/v1/gst/gstr1?${q}&format=csv`, `${mall}_${r.period}_GSTR1_csv.zip`).catch((e) => showError($('#gst-err'), e.message)));
      const file = el('button', { type: 'button' }, t('gst.markFiled'));
      file.hidden = !!r.filed_at;
      file.addEventListener('click', async () => {
        try {
          await api('POST', '/api/v1/gst/gstr1/filings', { mall, period: r.period });
          $('#gst-done').textContent = t('gst.filedDone', mall, r.period);
          loadPeriods();
        } catch (e) { showError($('#gst-err'), explain(e)); }
      });
      return el('tr', {}, el('td', {}, r.period), el('td', { class: 'num' }, String(r.summary.documents)),
        el('td', { class: 'num' }, String(r.summary.cancelled)), el('td', { class: 'num' }, money(l.igst)),
        el('td', { class: 'num' }, money(l.cgst)), el('td', { class: 'num' }, money(l.sgst)),
        el('td', {}, r.check_ok ? t('gst.yes') : t('gst.no')), el('td', {}, r.filed_at ? dayWords(r.filed_at) : t('gst.notFiled')),
        el('td', {}, json, ' ', csv), el('td', {}, file));
    }));
    await loadEInvoices();
    await loadTransfers();
  } catch (e) { showError($('#gst-err'), explain(e)); }
}

async function loadEInvoices() {
  const mall = $('#gst-mall').value;
  const list = await api('GET', `/api/v1/gst/einvoices?mall=${encodeURIComponent(mall)}&status=all`);
  $('#gst-einv tbody').replaceChildren(...list.slice(-200).reverse().map((e) => el('tr', {},
    el('td', {}, `${e.doc_type} ${e.invoice_no}`), el('td', {}, dayWords(e.date)), el('td', {}, t('gst.st.' + e.status)),
    el('td', { class: 'irn' }, e.ack_no ? e.irn.slice(0, 16) + '…' : ''), el('td', {}, (e.errors || []).join('; ')))));
}

async function loadTransfers() {
  const mall = $('#gst-mall').value;
  const list = await api('GET', `/api/v1/gst/transfers?mall=${encodeURIComponent(mall)}`);
  $('#gst-transfers tbody').replaceChildren(...list.map((d) => {
    const e = d.eway_bill;
    return el('tr', { 'data-number': d.number }, el('td', {}, `${t('gst.kind.' + d.kind)} ${d.number}`), el('td', {}, dayWords(d.at)),
      el('td', {}, `${d.to_mall} ${d.to_gstin}`), el('td', { class: 'num' }, money(d.total)), el('td', { class: 'num' }, money(d.igst)),
      el('td', { class: 'eway' }, e ? t('gst.ewayUntil', e.number, dayWords(e.valid_until), e.vehicle) : t('gst.ewayNone')));
  }));
}

$('#gst-load').addEventListener('click', loadPeriods);
$('#gst-mall').addEventListener('change', loadPeriods);
for (const [id, kind] of [['#gst-bulk', 'bulk'], ['#gst-zip', 'zip']]) {
  $(id).addEventListener('click', () => {
    const mall = $('#gst-mall').value;
    download(`/api/v1/gst/einvoices?mall=${encodeURIComponent(mall)}&status=pending&download=${kind}`,
      `${mall}_einvoices_pending.${kind === 'zip' ? 'zip' : 'json'}`).catch((e) => showError($('#einv-err'), e.message));
  });
}
$('#gst-import').addEventListener('click', async () => {
  showError($('#einv-err'), ''); $('#einv-done').textContent = '';
  const f = $('#gst-resp').files[0];
  if (!f) { showError($('#einv-err'), t('gst.chooseFile')); return; }
  try {
    const r = await api('POST', '/api/v1/gst/einvoices/responses', await f.text(), { contentType: 'application/json' });
    $('#einv-done').textContent = t('gst.imported', r.generated, r.cancelled, r.unchanged);
    loadEInvoices();
  } catch (e) { showError($('#einv-err'), explain(e)); }
});
$('#tab-gst').addEventListener('click', async () => {
  if (loaded) return;
  loaded = true;
  try { await loadMalls(); await loadPeriods(); } catch (e) { showError($('#gst-err'), explain(e)); }
});
