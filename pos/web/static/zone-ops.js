// More of the zone manager's work, beside zone.js: writing off damaged
// stock, reorder points, and printing shelf labels (EAN-13, drawn by the
// mall) for what a goods received note brought in, on an A4 sheet or a
// label roll. Its words are in T, ready for the translation files.
import { $, el, api, showError, when } from './common.js';
import { t, explain } from './i18n.js';
import { Z, zoneCode, loadStock, linesEditor, submitter, lastGRN } from './zone.js';

const T = {
  get needReason() { return t('zone.needReason'); },
  get needLine() { return t('zone.needLineScan'); },
  damaged: (n, from) => t('zone.damaged', n, t(from === 'shelf' ? 'zone.onShelf' : 'zone.inBackroom')),
  get needSku() { return t('zone.needSku'); },
  get needPoint() { return t('zone.needPoint'); },
  saved: (sku, n) => t('zone.pointSaved', sku, n),
  get noPoints() { return t('zone.noPoints'); },
  get noGRNs() { return t('zone.noGRNs'); },
  get sheet() { return t('zone.sheet'); }, get roll() { return t('zone.roll'); },
  preview: (no, n, layout) => t(layout === 'roll' ? 'zone.previewRoll' : 'zone.previewSheet', n, no),
};

// ---- damage ----

const dmg = linesEditor($('#dmg-lines'), $('#dmg-add'), 'dmg');
dmg.reset();

// Write-offs and returns to the producer wait for a mall admin: typed in
// here (sent as "approver"), or approved on /manage. Without an admin's
// login the request is sent pending and listed below.
function approver() {
  const u = $('#appr-user').value.trim(), p = $('#appr-pass').value;
  return u && p ? { username: u, password: p } : undefined;
}
const asked = (r, done) => (r.status === 'pending' ? t('zone.awaitingApproval') : done);

submitter($('#damage-form'), async (key) => {
  const reason = $('#dmg-reason'), lines = dmg.read();
  if (!reason.value.trim()) { showError(reason, T.needReason); reason.focus(); return false; }
  if (!lines) return false;
  if (!lines.length) { showError($('#dmg-err'), T.needLine); return false; }
  try {
    const from = $('#dmg-from').value;
    const r = await api('POST', Z() + '/damage', { from, reason: reason.value.trim(), cause: $('#dmg-cause').value, lines, approver: approver() }, { key });
    $('#dmg-done').textContent = asked(r, T.damaged(lines.reduce((n, l) => n + l.qty, 0), from));
    dmg.reset(); reason.value = ''; $('#appr-pass').value = '';
    loadStock(); loadRequests();
    return true;
  } catch (e) { showError($('#dmg-err'), explain(e)); return false; }
});

const pret = linesEditor($('#pret-lines'), $('#pret-add'), 'pret');
pret.reset();

submitter($('#pret-form'), async (key) => {
  const prod = $('#pret-producer'), reason = $('#pret-reason'), lines = pret.read();
  if (!prod.value) { showError(prod, t('zone.chooseSender')); prod.focus(); return false; }
  if (!reason.value.trim()) { showError(reason, T.needReason); reason.focus(); return false; }
  if (!lines) return false;
  if (!lines.length) { showError($('#pret-err'), T.needLine); return false; }
  try {
    const r = await api('POST', Z() + '/producer-returns', { producer_id: prod.value, from: $('#pret-from').value, reason: reason.value.trim(), lines,
      approver: approver() }, { key });
    $('#pret-done').textContent = asked(r, t('zone.returned', lines.reduce((n, l) => n + l.qty, 0)));
    pret.reset(); reason.value = ''; $('#appr-pass').value = '';
    loadStock(); loadRequests();
    return true;
  } catch (e) { showError($('#pret-err'), explain(e)); return false; }
});

// The producers to return to are the receive form's.
export function fillReturnProducers() {
  $('#pret-producer').replaceChildren(...[...$('#rcv-producer').options].map((o) => el('option', { value: o.value }, o.textContent)));
}

export async function loadRequests() {
  showError($('#sr-err'), '');
  fillReturnProducers();
  try {
    const rs = (await api('GET', '/api/v1/stock-requests')) || [];
    $('#sr-table tbody').replaceChildren(...rs.slice(0, 50).map((r) => el('tr', { 'data-request': r.id, class: r.status },
      el('td', {}, when(r.requested_at)),
      el('td', {}, `${t(r.kind === 'damage' ? 'zone.damage' : 'zone.returnToProducer')}: ${r.lines.map((l) => `${l.sku} × ${l.qty}`).join(', ')}`),
      el('td', {}, r.reason), el('td', {}, t('zone.req_' + r.status)),
      el('td', {}, r.status === 'pending' ? el('button', { type: 'button', onclick: () => approveHere(r.id) }, t('zone.approveHere'))
        : r.status === 'approved' && r.kind === 'producer_return' ? el('button', { type: 'button', class: 'print-note', onclick: () => printNote(r.id) }, t('zone.printNote')) : ''))));
  } catch (e) { showError($('#sr-err'), explain(e)); }
}

// The return note, signed by both sides at handover: fetched (a link
// cannot carry the token) and opened from a blob.
async function printNote(id) {
  try {
    const html = await api('GET', `/api/v1/stock-requests/${encodeURIComponent(id)}/note`, null, { accept: 'text/html', raw: true });
    window.open(URL.createObjectURL(new Blob([html], { type: 'text/html' })), '_blank');
  } catch (e) { showError($('#sr-err'), explain(e)); }
}

async function approveHere(id) {
  const who = approver();
  if (!who) { showError($('#appr-user'), t('zone.needAdmin')); $('#appr-user').focus(); return; }
  try {
    await api('POST', `/api/v1/stock-requests/${encodeURIComponent(id)}/approve`, { approver: who });
    $('#appr-pass').value = '';
    loadStock(); loadRequests();
  } catch (e) { showError($('#sr-err'), explain(e)); }
}
$('#tab-damage').addEventListener('click', () => loadRequests());

// ---- reorder points ----

async function loadPoints() {
  showError($('#rp-err'), '');
  try {
    const [points, stock] = await Promise.all([api('GET', Z() + '/reorder-points'), api('GET', '/api/v1/stock?zone=' + zoneCode())]);
    const have = new Map((stock || []).map((r) => [r.sku, r.shelf + r.backroom]));
    $('#rp-table tbody').replaceChildren(...((points || []).length ? points.map((p) => el('tr', { 'data-sku': p.sku, class: (have.get(p.sku) ?? 0) <= p.reorder_point ? 'low' : '' },
      el('td', {}, p.sku), el('td', {}, p.name), el('td', { class: 'num' }, p.reorder_point), el('td', { class: 'num' }, have.get(p.sku) ?? 0),
      el('td', {}, el('button', { type: 'button', onclick: () => { $('#rp-sku').value = p.sku; $('#rp-qty').value = p.reorder_point; $('#rp-qty').focus(); } }, t('zone.change')))))
      : [el('tr', {}, el('td', { colspan: 5, class: 'hint' }, T.noPoints))]));
  } catch (e) { showError($('#rp-err'), explain(e)); }
}

$('#rp-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const sku = $('#rp-sku'), qty = $('#rp-qty'), n = Number(qty.value);
  showError(sku, ''); showError(qty, ''); $('#rp-done').textContent = '';
  if (!sku.value.trim()) { showError(sku, T.needSku); sku.focus(); return; }
  if (qty.value === '' || !Number.isInteger(n) || n < 0) { showError(qty, T.needPoint); qty.focus(); return; }
  try {
    const r = await api('PUT', `${Z()}/reorder-points/${encodeURIComponent(sku.value.trim())}`, { reorder_point: n });
    $('#rp-done').textContent = T.saved(r.sku, r.reorder_point);
    sku.value = ''; qty.value = '';
    loadPoints(); loadStock();
  } catch (e) { showError(e.field === 'reorder_point' ? qty : sku, explain(e)); }
});

// ---- labels ----

async function loadGRNs() {
  showError($('#lbl-err'), '');
  try {
    const list = (await api('GET', Z() + '/receipts')) || [];
    $('#grn-table tbody').replaceChildren(...(list.length ? list.slice(0, 50).map((g) => el('tr', { 'data-grn': g.no },
      el('td', {}, g.no), el('td', {}, when(g.received_at)), el('td', { class: 'num' }, g.total_qty),
      el('td', {}, el('button', { type: 'button', onclick: () => labels(g.id, 'a4') }, T.sheet),
        el('button', { type: 'button', onclick: () => labels(g.id, 'roll') }, T.roll))))
      : [el('tr', {}, el('td', { colspan: 4, class: 'hint' }, T.noGRNs))]));
  } catch (e) { showError($('#lbl-err'), explain(e)); }
}

/**
 * Fetches the mall's label sheet for a GRN (it needs the login's token, so
 * it cannot be a plain link) and shows it; Print prints only the labels.
 * The sheet's elements are adopted from the mall's own HTML; its barcodes
 * are SVG, so they print sharp.
 */
async function labels(id, layout) {
  showError($('#lbl-err'), '');
  $('#tab-labels').click();
  try {
    const html = await api('GET', `/api/v1/receipts/${encodeURIComponent(id)}/labels?layout=${layout}`, null, { accept: 'text/html', raw: true });
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const sheet = doc.querySelector('.label-sheet');
    if (!sheet) throw new Error('the mall sent no label sheet');
    const no = (doc.title || '').replace(/^Labels · /, '');
    $('#lbl-preview').replaceChildren(document.importNode(sheet, true));
    $('#lbl-title').textContent = T.preview(no, Number(sheet.dataset.count), layout);
    $('#lbl-bar').hidden = false;
    $('#lbl-print').focus();
  } catch (e) { showError($('#lbl-err'), explain(e)); }
}

$('#lbl-print').addEventListener('click', () => {
  const sheet = $('#lbl-preview .label-sheet');
  if (!sheet) return;
  $('#label-print').replaceChildren(sheet.cloneNode(true));
  document.body.classList.add('printing-labels');
  window.print();
});
window.addEventListener('afterprint', () => { document.body.classList.remove('printing-labels'); $('#label-print').replaceChildren(); });
$('#lbl-close').addEventListener('click', () => { $('#lbl-preview').replaceChildren(); $('#lbl-bar').hidden = true; });
$('#rcv-labels-a4').addEventListener('click', () => lastGRN && labels(lastGRN.id, 'a4'));
$('#rcv-labels-roll').addEventListener('click', () => lastGRN && labels(lastGRN.id, 'roll'));

$('#tab-reorder').addEventListener('click', loadPoints);
$('#tab-labels').addEventListener('click', loadGRNs);
