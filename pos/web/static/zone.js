// The zone manager's screen: their zone's stock (low stock highlighted),
// receiving consignments (form or CSV), restocking, counts, transfers and
// a SKU's movement history. Works on a tablet: large targets, no hover.
import { $, $$, el, api, session, whenLoggedOut, loginForm, logout, showError, clearErrors, uuid, when, inr, paise } from './common.js';
import { t, explain, loginWordsWith, applyI18n, fillPickers, fromLogin, onLang, setLang, nextLang, pname, districtName } from './i18n.js';
import { transferGST } from './zone-gst.js';
import { watchSync } from './sync.js';

let zone = '', products = [], stock = [];
/** The zone this screen manages, and its API prefix (for zone-ops.js). */
export const zoneCode = () => zone;
export const Z = () => '/api/v1/zones/' + encodeURIComponent(zone);

function show(view) {
  $('#login-view').hidden = view !== 'login';
  $('#app-view').hidden = view !== 'app';
  const u = session.user;
  $('#logout-btn').hidden = !u;
  $('#who').textContent = u ? `${u.display_name || u.username} · ${u.mall || ''} · ${t('zone.zone')} ${zone}` : '';
  if (view === 'login') $('#login-user').focus();
}

loginForm($('#login-form'), ['zone_manager', 'mall_admin'], async (login) => { await fromLogin(login); start(); }, loginWordsWith({
  wrongRole: (r) => t('zone.wrongRole', r),
}));
whenLoggedOut(() => { session.clear(); show('login'); showError($('#login-pass'), t('e_unauthorized')); });
$('#logout-btn').addEventListener('click', async () => { await logout(); show('login'); });

async function start() {
  const u = session.user;
  if (!u) return show('login');
  zone = u.zone || new URLSearchParams(location.search).get('zone') || 'UP';
  for (const e of $$('.zone-code')) e.textContent = zone;
  show('app');
  try {
    products = (await api('GET', '/api/v1/products?zone=' + zone)) || [];
  } catch (e) { showError($('#stock-err'), explain(e)); }
  $('#zone-skus').replaceChildren(...products.map((p) => el('option', { value: p.sku }, `${pname(p)} (${districtName(p.district_id, p.district)})`)));
  const producers = new Map();
  for (const p of products) if (!producers.has(p.producer_id)) producers.set(p.producer_id, `${p.producer_name || p.producer_id} — ${districtName(p.district_id, p.district)}`);
  $('#rcv-producer').replaceChildren(el('option', { value: '' }, t('zone.chooseProducer')), ...[...producers].map(([id, n]) => el('option', { value: id }, n)));
  for (const ed of editors) ed.reset();
  loadStock();
}

// ---- tabs ----

const tabs = $$('[role=tab]');
function selectTab(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $('#' + t.getAttribute('aria-controls')).hidden = !on;
  }
  const load = { 'tab-stock': loadStock, 'tab-count': loadCounts, 'tab-transfers': loadTransfers }[tab.id];
  if (load) load();
}
for (const t of tabs) {
  t.addEventListener('click', () => selectTab(t));
  t.addEventListener('keydown', (ev) => { // arrow keys move between tabs
    const i = tabs.indexOf(t);
    const j = { ArrowRight: i + 1, ArrowLeft: i - 1 }[ev.key];
    if (j !== undefined) { ev.preventDefault(); const n = tabs[(j + tabs.length) % tabs.length]; n.focus(); selectTab(n); }
  });
}

// ---- stock ----

export async function loadStock() {
  showError($('#stock-err'), '');
  try { stock = (await api('GET', '/api/v1/stock?zone=' + zone)) || []; } catch (e) { showError($('#stock-err'), explain(e)); stock = []; }
  drawStock();
  loadLow();
  loadExceptions();
}

function drawStock() {
  const f = $('#stock-filter').value.trim().toLowerCase(), lowOnly = $('#stock-lowonly').checked;
  const rows = stock.filter((r) => (!lowOnly || r.low) && (!f || r.sku.toLowerCase().includes(f) || r.name.toLowerCase().includes(f)));
  $('#stock-table tbody').replaceChildren(...rows.map((r) => el('tr', { class: r.low ? 'low' : '', 'data-sku': r.sku },
    el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => history(r.sku), 'aria-label': t('zone.historyOf', r.sku) }, r.sku)),
    el('td', {}, pname(products.find((p) => p.sku === r.sku) || r)), el('td', { class: 'num' }, r.shelf), el('td', { class: 'num' }, r.backroom), el('td', { class: 'num' }, r.damaged),
    el('td', { class: 'num' }, r.reorder_point || '—'),
    el('td', { class: 'stock-state' }, r.shelf + r.backroom < 0 ? el('strong', {}, t('zone.negative')) : r.shelf + r.backroom === 0 ? el('strong', {}, t('zone.outOfStock')) : r.low ? el('strong', {}, t('zone.low')) : t('zone.ok')))));
  const low = stock.filter((r) => r.low).length;
  $('#low-count').hidden = !low;
  $('#low-count').textContent = `${low} low`;
}
$('#stock-filter').addEventListener('input', drawStock);
$('#stock-lowonly').addEventListener('change', drawStock);
$('#stock-refresh').addEventListener('click', loadStock);

async function loadLow() {
  showError($('#low-err'), '');
  try {
    const low = (await api('GET', Z() + '/low-stock')) || [];
    $('#low-table tbody').replaceChildren(...(low.length ? low.map((r) => el('tr', { class: 'low' }, el('td', {}, r.sku), el('td', {}, r.name),
      el('td', { class: 'num' }, r.available), el('td', { class: 'num' }, r.reorder_point), el('td', { class: 'num' }, r.sold_14d),
      el('td', { class: 'num' }, el('strong', {}, r.suggested_qty)))) : [el('tr', {}, el('td', { colspan: 6, class: 'hint' }, t('zone.nothingLow')))]));
  } catch (e) { showError($('#low-err'), explain(e)); }
}

/** The document behind a movement or exception, as printed on it. */
export function docText(d, ref) {
  if (!d) return ref || '';
  const kind = { invoice: t('zone.docInvoice'), credit_note: t('zone.docCreditNote'), grn: '', transfer: '', count: '', movement: '' }[d.kind] ?? '';
  return d.no ? (kind ? `${kind} ${d.no}` : d.no) : '';
}

async function loadExceptions() {
  showError($('#exc-err'), '');
  try {
    const ex = (await api('GET', Z() + '/exceptions')) || [];
    $('#exc-table tbody').replaceChildren(...(ex.length ? ex.map(drawException) : [el('tr', {}, el('td', { colspan: 5, class: 'hint' }, t('zone.noExceptions')))]));
  } catch (e) { showError($('#exc-err'), explain(e)); }
}

/** One open exception: what was short, on which document, and a resolve form. */
function drawException(x) {
  const id = 'exc-note-' + x.id;
  const form = el('form', { class: 'row', novalidate: true },
    el('label', { for: id, class: 'sr-only' }, t('zone.howSettled', x.sku)),
    el('input', { id, maxlength: 500, placeholder: t('zone.settlePh'), autocomplete: 'off' }),
    el('button', { type: 'submit' }, t('zone.resolve')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const note = form.querySelector('input');
    if (!note.value.trim()) { showError(note, t('zone.saySettled')); note.focus(); return; }
    try {
      await api('POST', `/api/v1/exceptions/${encodeURIComponent(x.id)}/resolve`, { resolution: note.value.trim() });
      loadExceptions();
    } catch (e) { showError(note, explain(e)); }
  });
  return el('tr', { 'data-exception': x.id, 'data-sku': x.sku },
    el('td', {}, el('strong', {}, x.name || x.sku), el('div', { class: 'meta' }, x.sku)),
    el('td', { class: 'num' }, t('zone.unitsN', x.shortfall)),
    el('td', {}, docText(x.doc, x.ref)), el('td', {}, when(x.at)), el('td', {}, form));
}

// ---- a small editor of sku + qty lines, shared by receive, restock and transfer ----

export function linesEditor(box, addBtn, prefix) {
  let n = 0;
  const add = (sku = '', qty = '') => {
    const i = n++;
    const row = el('div', { class: 'line-row' },
      el('div', {}, el('label', { for: `${prefix}-sku-${i}`, class: 'sr-only' }, 'SKU'),
        el('input', { id: `${prefix}-sku-${i}`, list: 'zone-skus', placeholder: 'SKU or barcode', value: sku, autocomplete: 'off', 'data-role': 'sku' })),
      el('div', {}, el('label', { for: `${prefix}-qty-${i}`, class: 'sr-only' }, t('quantity')),
        el('input', { id: `${prefix}-qty-${i}`, type: 'number', min: 1, max: 100000, inputmode: 'numeric', placeholder: t('qty'), value: qty, 'data-role': 'qty' })),
      el('button', { type: 'button', 'aria-label': t('remove'), onclick: () => row.remove() }, '✕'));
    box.append(row);
    return row;
  };
  addBtn.addEventListener('click', () => add().querySelector('input').focus());
  return {
    add,
    reset() { box.replaceChildren(); n = 0; add(); },
    /** The lines, or null after marking the bad inputs. */
    read() {
      const out = [];
      let ok = true;
      for (const row of $$('.line-row', box)) {
        const s = row.querySelector('[data-role=sku]'), q = row.querySelector('[data-role=qty]');
        if (!s.value.trim() && !q.value.trim()) continue;
        const qty = Number(q.value);
        if (!s.value.trim()) { showError(s, t('zone.enterSku')); ok = false; }
        if (!Number.isInteger(qty) || qty < 1) { showError(q, 'A whole number, 1 or more.'); ok = false; }
        out.push({ sku: s.value.trim(), qty });
      }
      return ok ? out : null;
    },
  };
}
const rcv = linesEditor($('#rcv-lines'), $('#rcv-add'), 'rcv');
const rst = linesEditor($('#rst-lines'), $('#rst-add'), 'rst');
const xfer = linesEditor($('#xfer-lines'), $('#xfer-add'), 'xfer');
const editors = [rcv, rst, xfer];
/** The note just received, for its labels. */
export let lastGRN = null;

/** Submits a form's JSON once per attempt (the key is kept until it succeeds). */
export function submitter(form, run) {
  let key = uuid(), busy = false;
  form.addEventListener('input', () => { key = uuid(); }); // a changed form is a new attempt
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    clearErrors(form);
    busy = true;
    const btn = form.querySelector('button[type=submit]'); if (btn) btn.disabled = true;
    try { if (await run(key)) key = uuid(); } finally { busy = false; if (btn) btn.disabled = false; }
  });
}

submitter($('#receive-form'), async (key) => {
  const prod = $('#rcv-producer'), lines = rcv.read();
  if (!prod.value) { showError(prod, t('zone.chooseSender')); prod.focus(); return false; }
  if (!lines) return false;
  if (!lines.length) { showError($('#rcv-err'), t('zone.needLine')); return false; }
  try {
    const body = { producer_id: prod.value, lines };
    if ($('#rcv-ref').value.trim()) body.producer_ref = $('#rcv-ref').value.trim();
    const g = await api('POST', Z() + '/receipts', body, { key });
    $('#rcv-done').textContent = t('zone.receivedGRN', g.no, g.total_qty, inr(paise(g.total_value)));
    lastGRN = g;
    $('#rcv-labels').hidden = false;
    rcv.reset(); $('#rcv-ref').value = '';
    loadStock();
    return true;
  } catch (e) { showError($(e.field === 'producer_id' ? '#rcv-producer' : '#rcv-err'), explain(e)); return false; }
});

// CSV upload goes through XMLHttpRequest for its upload progress events.
$('#csv-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const file = $('#csv-file').files[0], prod = $('#rcv-producer').value;
  clearErrors($('#p-receive'));
  $('#csv-rows').hidden = true;
  if (!prod) { showError($('#rcv-producer'), t('zone.producerFirst')); return; }
  if (!file) { showError($('#csv-file'), t('zone.chooseCsv')); return; }
  const x = new XMLHttpRequest(), bar = $('#csv-progress');
  x.open('POST', `${Z()}/receipts/import?producer_id=${encodeURIComponent(prod)}`);
  x.setRequestHeader('Authorization', 'Bearer ' + session.token);
  x.setRequestHeader('Content-Type', 'text/csv');
  x.setRequestHeader('Idempotency-Key', uuid());
  bar.hidden = false; bar.value = 0;
  x.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = (100 * e.loaded) / e.total; };
  x.onerror = () => { bar.hidden = true; showError($('#csv-err'), t('e_network')); };
  x.onload = () => {
    bar.hidden = true;
    let d = null; try { d = JSON.parse(x.responseText); } catch { /* not JSON */ }
    if (x.status === 201 || x.status === 200) {
      $('#rcv-done').textContent = t('zone.receivedCsv', d.no, d.total_qty, d.lines.length);
      lastGRN = d;
      $('#rcv-labels').hidden = false;
      loadStock();
      return;
    }
    const err = (d && d.error) || {};
    showError($('#csv-err'), err.message || t('zone.serverAnswered', x.status));
    if (err.rows) {
      $('#csv-rows').replaceChildren(...err.rows.map((r) => el('li', {}, t('zone.csvLine', r.line, r.message))));
      $('#csv-rows').hidden = false;
    }
  };
  x.send(file);
});

submitter($('#restock-form'), async (key) => {
  const lines = rst.read();
  if (!lines) return false;
  if (!lines.length) { showError($('#rst-err'), t('zone.needLine')); return false; }
  try {
    await api('POST', Z() + '/restock', { lines }, { key });
    $('#rst-done').textContent = t('zone.moved', lines.reduce((n, l) => n + l.qty, 0));
    rst.reset();
    loadStock();
    return true;
  } catch (e) { showError($('#rst-err'), explain(e)); return false; }
});
$('#rst-suggest').addEventListener('click', async () => {
  if (!stock.length) await loadStock();
  $('#rst-lines').replaceChildren();
  const want = stock.filter((r) => r.backroom > 0 && r.shelf <= Math.max(r.reorder_point, 2));
  for (const r of want) rst.add(r.sku, Math.min(r.backroom, Math.max(1, r.reorder_point * 2 - r.shelf)));
  if (!want.length) { rst.add(); showError($('#rst-err'), t('zone.noneToRestock')); }
});

// ---- counts ----

async function loadCounts() {
  showError($('#cnt-err'), '');
  try {
    const list = (await api('GET', Z() + '/counts')) || [];
    const open = list.find((c) => c.status !== 'posted');
    if (open) drawCount(await api('GET', '/api/v1/counts/' + encodeURIComponent(open.id)));
    else $('#count-open').replaceChildren(el('p', { class: 'hint' }, t('zone.noCount')));
  } catch (e) { showError($('#cnt-err'), explain(e)); }
}

submitter($('#count-new'), async (key) => {
  const skus = $('#cnt-skus').value.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    drawCount(await api('POST', Z() + '/counts', { blind: $('#cnt-blind').checked, ...(skus.length ? { skus } : {}) }, { key }));
    return true;
  } catch (e) { showError($(e.field === 'skus' ? '#cnt-skus' : '#cnt-new-err'), explain(e)); return false; }
});

function drawCount(c) {
  $('#count-report').replaceChildren();
  const form = el('form', { novalidate: true },
    el('h3', {}, t(c.blind ? 'zone.countBlind' : 'zone.countOpen', c.id.slice(-8), when(c.created_at))),
    el('div', { class: 'cart-wrap' }, el('table', { class: 'grid' },
      el('thead', {}, el('tr', {}, el('th', {}, 'SKU'), el('th', {}, t('zone.product')), el('th', {}, t('zone.where')), c.blind ? null : el('th', { class: 'num' }, t('zone.expected')), el('th', { class: 'num' }, t('zone.counted')))),
      el('tbody', {}, c.lines.map((l, i) => el('tr', {}, el('td', {}, l.sku), el('td', {}, el('label', { for: 'cnt-' + i }, l.name)), el('td', {}, l.location),
        c.blind ? null : el('td', { class: 'num' }, l.expected ?? ''),
        el('td', { class: 'num' }, el('input', { id: 'cnt-' + i, type: 'number', min: 0, inputmode: 'numeric', class: 'qty-in', value: l.counted ?? '',
          'data-sku': l.sku, 'data-loc': l.location }))))))),
    el('div', { class: 'row end' }, el('button', { type: 'submit' }, t('zone.saveCounts')), el('button', { type: 'button', class: 'primary', onclick: () => post(c) }, t('zone.postCount'))));
  form.addEventListener('submit', async (ev) => { ev.preventDefault(); await saveCount(c, form); });
  $('#count-open').replaceChildren(form);
}

async function saveCount(c, form) {
  const lines = [];
  for (const inp of $$('input[data-sku]', form)) {
    if (inp.value === '') continue;
    const n = Number(inp.value);
    if (!Number.isInteger(n) || n < 0) { showError(inp, 'A whole number, 0 or more.'); return false; }
    lines.push({ sku: inp.dataset.sku, location: inp.dataset.loc, counted: n });
  }
  try {
    if (lines.length) drawCount(await api('POST', `/api/v1/counts/${encodeURIComponent(c.id)}/submit`, { lines }));
    return true;
  } catch (e) { showError($('#cnt-err'), explain(e)); return false; }
}

async function post(c) {
  showError($('#cnt-err'), '');
  const form = $('#count-open form');
  if (form && !(await saveCount(c, form))) return;
  try {
    const r = await api('POST', `/api/v1/counts/${encodeURIComponent(c.id)}/post`);
    const rep = r.report || r;
    $('#count-open').replaceChildren();
    $('#count-report').replaceChildren(el('h3', {}, t('zone.varianceReport')), el('dl', { class: 'totals' },
      el('dt', {}, t('zone.linesCounted')), el('dd', {}, rep.lines), el('dt', {}, t('zone.linesDiff')), el('dd', {}, rep.lines_with_variance),
      el('dt', {}, t('zone.unitsOverShort')), el('dd', {}, `${rep.units_over} / ${rep.units_short}`),
      el('dt', {}, t('zone.valueOverShort')), el('dd', {}, `${inr(paise(rep.value_over))} / ${inr(paise(rep.value_short))}`),
      el('dt', {}, t('net')), el('dd', {}, inr(paise(rep.net_value)))));
    loadStock();
  } catch (e) { showError($('#cnt-err'), explain(e)); }
}

// ---- transfers ----

async function loadTransfers() {
  showError($('#xfers-err'), '');
  try {
    const peers = (await api('GET', '/api/v1/peer-malls')) || [];
    $('#xfer-to').replaceChildren(...(peers.length ? peers.map((p) => el('option', { value: p.id }, `${p.id} — ${p.name || p.state}`)) : [el('option', { value: '' }, t('zone.noPeers'))]));
  } catch (e) { showError($('#xfer-err'), explain(e)); }
  try {
    const list = (await api('GET', Z() + '/transfers')) || [];
    $('#xfers').replaceChildren(...(list.length ? list.map(drawTransfer) : [el('p', { class: 'hint' }, t('zone.noTransfers'))]));
  } catch (e) { showError($('#xfers-err'), explain(e)); }
}

function drawTransfer(x) {
  const incoming = x.direction === 'in' && x.status !== 'received';
  const box = el('form', { class: 'panel', novalidate: true, 'data-transfer': x.id, 'data-status': x.status },
    el('h3', {}, `${x.direction === 'in' ? t('zone.fromMall', x.from_mall) : t('zone.toMall2', x.to_mall)} · ${x.status} · ${when(x.sent_at)}${x.shortage ? ' · ' + t('zone.shortN', x.shortage) : ''}`),
    el('table', { class: 'grid' }, el('tbody', {}, x.lines.map((l, i) => el('tr', {}, el('td', {}, `${l.sku} ${l.name}`), el('td', { class: 'num' }, t('zone.sentN', l.sent)),
      el('td', { class: 'num' }, incoming ? el('input', { type: 'number', min: 0, max: l.sent, value: l.sent, 'aria-label': t('zone.receivedOf', l.sku), 'data-sku': l.sku, class: 'qty-in', id: `xr-${x.id}-${i}` })
        : l.received === null ? '' : t('zone.receivedN', l.received)))))),
    incoming ? el('div', { class: 'row end' }, el('button', { type: 'submit', class: 'primary' }, t('zone.recordArrived'))) : null,
    transferGST(x, loadTransfers),
    el('p', { class: 'err', role: 'alert', hidden: true }));
  box.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const lines = $$('input[data-sku]', box).map((i) => ({ sku: i.dataset.sku, qty: Number(i.value || 0) }));
    try { await api('POST', `/api/v1/transfers/${encodeURIComponent(x.id)}/receive`, { lines }, { key: uuid() }); loadTransfers(); loadStock(); } catch (e) { showError(box.querySelector('.err'), explain(e)); }
  });
  return box;
}

submitter($('#xfer-form'), async (key) => {
  const to = $('#xfer-to').value, lines = xfer.read();
  if (!to) { showError($('#xfer-to'), t('zone.chooseMall')); return false; }
  if (!lines) return false;
  if (!lines.length) { showError($('#xfer-err'), t('zone.needLine')); return false; }
  try {
    const x = await api('POST', Z() + '/transfers', { to_mall: to, from: $('#xfer-from').value, lines }, { key });
    const units = x.lines.reduce((n, l) => n + l.sent, 0);
    $('#xfer-done').textContent = x.status === 'awaiting_eway_bill' ? t('zone.heldForEway', x.to_mall, units, x.document.number) : t('zone.sentTo', x.to_mall, units);
    xfer.reset();
    loadTransfers();
    return true;
  } catch (e) { showError($('#xfer-err'), explain(e)); return false; }
});

// ---- history ----

async function history(sku) {
  selectTab($('#tab-history'));
  $('#hist-sku').value = sku;
  showError($('#hist-sku'), '');
  try {
    const moves = (await api('GET', `/api/v1/stock/${encodeURIComponent(sku)}/moves`)) || [];
    $('#hist-table tbody').replaceChildren(...(moves.length ? moves.map((m) => el('tr', {}, el('td', {}, when(m.at)), el('td', {}, m.kind), el('td', { class: 'num' }, m.qty),
      el('td', {}, m.from || ''), el('td', {}, m.to || ''), el('td', {}, docText(m.doc, m.ref)), el('td', {}, m.note || ''))) : [el('tr', {}, el('td', { colspan: 7, class: 'hint' }, t('zone.noMoves')))]));
  } catch (e) { showError($('#hist-sku'), e.status === 404 && !e.notAvailable ? t('zone.noSku', sku) : explain(e)); }
}
$('#hist-form').addEventListener('submit', (ev) => { ev.preventDefault(); const s = $('#hist-sku').value.trim(); if (s) history(s); });

// Words: the page's labels now, and again (with the tables drawn in code)
// when the language changes; Alt+L switches.
applyI18n();
fillPickers();
onLang(() => { show($('#app-view').hidden ? 'login' : 'app'); if (!$('#app-view').hidden) drawStock(); });
document.addEventListener('keydown', (ev) => { if (ev.altKey && ev.key.toLowerCase() === 'l') { ev.preventDefault(); setLang(nextLang()); } });

watchSync();
start();
