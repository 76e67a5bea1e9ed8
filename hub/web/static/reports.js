// Finance reports at the hub (the Reports tab of the finance screen): net
// sales by State, district, producer, product or day over a date range
// (table, CSV and a bar chart the hub draws as SVG), the tender mix, the
// top products and producers, and whether the ledger balances.
// Kept apart from finance.js so that other finance screens can grow
// beside it; its words are in T, ready for the translation files.
import { $, el, api, showError, paise, inr, dayWords, todayIST } from './common.js';
import { t, has, explain, stateName, districtName } from './i18n.js';

const units = (n) => (n === 1 ? t('rep.unit', n) : t('rep.units', n));
const keyed = (prefix) => new Proxy({}, { get: (_, k) => (has(prefix + String(k)) ? t(prefix + String(k)) : undefined) });
const T = {
  by: keyed('rep.by.'),
  range: (f, to) => t('rep.range', dayWords(f), dayWords(to)),
  get total() { return t('rep.total'); },
  get none() { return t('rep.none'); },
  method: keyed('rep.method.'),
  balanced: (d, c) => t('rep.balanced', d, c),
  unbalanced: (d, c) => t('rep.unbalanced', d, c),
  get badRange() { return t('rep.badRange'); },
  explain: (e) => (e && e.code === 'network' ? t('fin.noAnswer') : explain(e)),
};

const money = (s) => inr(paise(s || '0'));
let loaded = false;

/** The report's query string from the form, or null after showing why not. */
function query(extra = {}) {
  const from = $('#rep-from').value, to = $('#rep-to').value;
  if (from && to && to < from) { showError($('#rep-to'), T.badRange); return null; }
  showError($('#rep-to'), '');
  const q = new URLSearchParams({ by: $('#rep-by').value, ...extra });
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  return q;
}

async function show() {
  const q = query();
  if (!q) return;
  const by = $('#rep-by').value;
  showError($('#rep-err'), '');
  $('#rep-range').textContent = T.range($('#rep-from').value, $('#rep-to').value);
  $('#rep-key-h').textContent = T.by[by];
  try {
    const [rows, svg] = await Promise.all([
      api('GET', '/api/v1/reports/sales?' + q),
      api('GET', '/api/v1/reports/sales?' + q, null, { accept: 'image/svg+xml', raw: true }),
    ]);
    drawTable(by, rows || []);
    drawChart(svg);
  } catch (e) { showError($('#rep-err'), T.explain(e)); }
  side();
}

function drawTable(by, rows) {
  // States and districts in the reader's language (the files' state.* and district.* names).
  const name = (r) => (by === 'state' ? stateName(r.key, r.label) : by === 'district' ? districtName(r.key, r.label) : r.label);
  const label = (r) => by === 'day' ? dayWords(r.key, true) : [name(r), r.key !== r.label ? el('span', { class: 'meta' }, ` ${r.key}`) : null];
  $('#rep-table tbody').replaceChildren(...(rows.length ? rows.map((r) => el('tr', { 'data-key': r.key },
    el('td', {}, label(r)), el('td', { class: 'num' }, r.qty_sold), el('td', { class: 'num' }, r.qty_returned),
    el('td', { class: 'num' }, money(r.sales)), el('td', { class: 'num' }, money(r.returns)),
    el('td', { class: 'num' }, el('strong', {}, money(r.net))), el('td', { class: 'num' }, money(r.tax))))
    : [el('tr', {}, el('td', { colspan: 7, class: 'hint' }, T.none))]));
  const sum = (f) => rows.reduce((n, r) => n + paise(r[f]), 0);
  $('#rep-table tfoot').replaceChildren(el('tr', { id: 'rep-total' }, el('th', {}, T.total),
    el('th', { class: 'num' }, rows.reduce((n, r) => n + r.qty_sold, 0)), el('th', { class: 'num' }, rows.reduce((n, r) => n + r.qty_returned, 0)),
    el('th', { class: 'num' }, inr(sum('sales'))), el('th', { class: 'num' }, inr(sum('returns'))),
    el('th', { class: 'num' }, inr(sum('net'))), el('th', { class: 'num' }, inr(sum('tax')))));
}

/** Puts the hub's SVG chart in the page as SVG elements (not HTML). */
function drawChart(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg') { $('#rep-chart').replaceChildren(); return; }
  svg.removeAttribute('width'); svg.removeAttribute('height'); // scale to the panel
  $('#rep-chart').replaceChildren(document.importNode(svg, true));
}

/** Tender mix, top five products and producers, and the ledger check. */
async function side() {
  const range = new URLSearchParams();
  if ($('#rep-from').value) range.set('from', $('#rep-from').value);
  if ($('#rep-to').value) range.set('to', $('#rep-to').value);
  try {
    const [mix, prods, makers, bal] = await Promise.all([
      api('GET', '/api/v1/reports/tenders?' + range),
      api('GET', `/api/v1/reports/sales?by=product&limit=5&${range}`),
      api('GET', `/api/v1/reports/sales?by=producer&limit=5&${range}`),
      api('GET', '/api/v1/ledger/balance'),
    ]);
    $('#rep-tenders tbody').replaceChildren(...mix.map((t) => el('tr', { 'data-method': t.method }, el('td', {}, T.method[t.method] || t.method),
      el('td', { class: 'num' }, t.count), el('td', { class: 'num' }, money(t.paid)), el('td', { class: 'num' }, money(t.refunds)),
      el('td', { class: 'num' }, money(t.net)), el('td', { class: 'num' }, t.share + '%'))));
    const top = (box, rows) => $(box).replaceChildren(...(rows.length ? rows.map((r) => el('li', {}, el('span', {}, r.label), el('span', { class: 'num' }, money(r.net)),
      el('span', { class: 'meta' }, `${r.key} · ${units(r.qty_sold - r.qty_returned)}`))) : [el('li', { class: 'hint' }, T.none)]));
    top('#rep-top-products', prods);
    top('#rep-top-producers', makers);
    const ok = bal.debits === bal.credits;
    $('#rep-ledger').textContent = (ok ? T.balanced : T.unbalanced)(money(bal.debits), money(bal.credits));
    $('#rep-ledger').className = 'pill ' + (ok ? 'good' : 'bad');
  } catch (e) { showError($('#rep-err'), T.explain(e)); }
}

async function downloadCSV() {
  const q = query();
  if (!q) return;
  try {
    const csv = await api('GET', '/api/v1/reports/sales?' + q, null, { accept: 'text/csv', raw: true });
    const a = el('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: `sales-by-${q.get('by')}-${q.get('from') || 'start'}-${q.get('to') || todayIST()}.csv` });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  } catch (e) { showError($('#rep-err'), T.explain(e)); }
}

$('#rep-form').addEventListener('submit', (ev) => { ev.preventDefault(); show(); });
$('#rep-csv').addEventListener('click', downloadCSV);
$('#tab-reports').addEventListener('click', () => {
  if (!loaded) { // the last 30 days, the first time the tab opens
    $('#rep-from').value = todayIST(-29);
    $('#rep-to').value = todayIST();
    loaded = true;
  }
  show();
});
