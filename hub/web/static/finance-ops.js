// Finance's files and settings at the hub, beside finance.js: payment
// statements and the bank's payout responses with their breaks,
// commission rules, asking for a producer's new bank account (a second
// person approves it in the Settlements tab), cash over/short per shift,
// and, for the hub admin, price changes: one SKU, many by a percentage,
// or a festival price that reverts by itself. Words are in T.
import { $, el, api, session, showError, clearErrors, paise, inr, amount, when, dayWords, todayIST } from './common.js';
import { t, has, explain } from './i18n.js';

const keyed = (prefix) => new Proxy({}, { get: (_, k) => (has(prefix + String(k)) ? t(prefix + String(k)) : undefined) });
const T = {
  explain: (e) => (e && e.code === 'network' ? t('fin.noAnswer') : explain(e)),
  get chooseFile() { return t('ops.chooseFile'); },
  stmtDone: (im, r) => t('ops.stmtDone', im.filename, im.rows, r.matched, r.breaks.length),
  breaksH: (r) => t('ops.breaksH', dayWords(r.from), dayWords(r.to)),
  get noBreaks() { return t('ops.noBreaks'); },
  category: keyed('ops.category.'),
  bankDone: (im) => t('ops.bankDone', im.filename, im.paid, im.failed),
  get needKey() { return t('ops.needKey'); },
  get needRate() { return t('ops.needRate'); },
  get needGST() { return t('ops.needGST'); },
  ruleDone: (r) => t('ops.ruleDone', r.rate_bp / 100, r.key || t('ops.everything'), dayWords(r.effective_from)),
  scope: keyed('ops.scope.'),
  acctNeed: keyed('ops.acctNeed.'),
  acctDone: (c) => t('ops.acctDone', c.account.producer_id, c.account.account_no.slice(-4)),
  get cashNone() { return t('ops.cashNone'); },
  get cashTotal() { return t('ops.cashTotal'); },
  get needSku() { return t('ops.needSku'); },
  get needMrp() { return t('ops.needMrp'); },
  priceDone: (c) => t(c.effective_at ? 'ops.priceDoneFrom' : 'ops.priceDoneNow', c.price.sku, inr(paise(c.price.mrp)), c.effective_at ? when(c.effective_at) : ''),
  get needPct() { return t('ops.needPct'); },
  get untilBefore() { return t('ops.untilBefore'); },
  bulkDone: (r) => t(r.until ? 'ops.bulkDoneUntil' : 'ops.bulkDone', r.products.length, r.percent, when(r.from), r.until ? when(r.until) : ''),
};

const money = (s) => inr(paise(s || '0'));
const istTime = (v) => (v ? new Date(v + (v.length === 16 ? ':00' : '') + '+05:30').toISOString() : undefined);

/** Sends a chosen CSV file as the body of a POST, returning the answer. */
async function upload(path, input) {
  const file = input.files[0];
  if (!file) { showError(input, T.chooseFile); return undefined; }
  showError(input, '');
  return api('POST', `${path}?filename=${encodeURIComponent(file.name)}`, await file.text(), { contentType: 'text/csv' });
}

// ---- payment statements and their breaks ----

$('#stmt-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  showError($('#stmt-err'), ''); $('#stmt-done').textContent = '';
  try {
    const r = await upload('/api/v1/recon/statements', $('#stmt-file'));
    if (!r) return;
    $('#stmt-done').textContent = T.stmtDone(r.import, r.report);
    drawBreaks(r.report);
  } catch (e) { showError($('#stmt-err'), T.explain(e)); }
});

function drawBreaks(r) {
  $('#breaks-panel').hidden = false;
  $('#breaks-h').textContent = T.breaksH(r);
  $('#breaks tbody').replaceChildren(...(r.breaks.length ? r.breaks.map((b) => el('tr', { class: 'low', 'data-ref': b.ref, 'data-category': b.category },
    el('td', {}, T.category[b.category] || b.category), el('td', {}, b.ref), el('td', {}, b.mall || ''), el('td', {}, b.invoice_no || ''),
    el('td', { class: 'num' }, b.statement_amount ? money(b.statement_amount) : '—'), el('td', { class: 'num' }, b.hub_amount ? money(b.hub_amount) : '—'),
    el('td', { class: 'num' }, money(b.diff)), el('td', {}, when(b.at))))
    : [el('tr', {}, el('td', { colspan: 8, class: 'hint' }, T.noBreaks))]));
}

// ---- the bank's response to a payout file ----

$('#bank-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  showError($('#bankr-err'), ''); $('#bankr-done').textContent = ''; $('#bankr-fail').hidden = true;
  try {
    const im = await upload('/api/v1/payouts/results', $('#bank-file'));
    if (!im) return;
    $('#bankr-done').textContent = T.bankDone(im);
    const f = im.failures || [];
    $('#bankr-fail').hidden = !f.length;
    $('#bankr-fail tbody').replaceChildren(...f.map((r) => el('tr', { class: 'low', 'data-ref': r.reference }, el('td', {}, r.reference), el('td', {}, r.status), el('td', {}, r.reason || ''))));
  } catch (e) { showError($('#bankr-err'), T.explain(e)); }
});

// ---- commission rules ----

async function loadRules() {
  try {
    const rules = (await api('GET', '/api/v1/commission/rules')) || [];
    $('#rules tbody').replaceChildren(...rules.map((r) => el('tr', { 'data-scope': r.scope, 'data-key': r.key || '' },
      el('td', {}, r.key ? `${T.scope[r.scope] || r.scope}: ${r.key}` : T.scope.default), el('td', { class: 'num' }, `${amount(r.rate_bp)}%`),
      el('td', { class: 'num' }, `${amount(r.gst_bp)}%`), el('td', {}, dayWords(r.effective_from)), el('td', {}, r.created_by || ''), el('td', {}, r.note || ''))));
  } catch (e) { showError($('#rule-err'), T.explain(e)); }
}

$('#rule-scope').addEventListener('change', () => { $('#rule-key').disabled = $('#rule-scope').value === 'default'; });
$('#rule-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(ev.target); showError($('#rule-err'), ''); $('#rule-done').textContent = '';
  const scope = $('#rule-scope').value, key = $('#rule-key').value.trim(), bp = paise($('#rule-rate').value);
  if (scope !== 'default' && !key) { showError($('#rule-key'), T.needKey); return; }
  if (!(bp >= 0 && bp <= 5000)) { showError($('#rule-rate'), T.needRate); return; }
  const gst = paise($('#rule-gst').value);
  if (!(gst >= 0 && gst <= 2800)) { showError($('#rule-gst'), T.needGST); return; }
  const body = { scope, rate_bp: bp, gst_bp: gst };
  if (scope !== 'default') body.key = key;
  const from = $('#rule-from').value;
  if (from && from > todayIST()) body.effective_from = new Date(from + 'T00:00:00+05:30').toISOString();
  if ($('#rule-note').value.trim()) body.note = $('#rule-note').value.trim();
  try {
    const r = await api('POST', '/api/v1/commission/rules', body);
    $('#rule-done').textContent = T.ruleDone(r);
    ev.target.reset();
    loadRules();
  } catch (e) { showError($('#rule-err'), T.explain(e)); }
});

// ---- a producer's new bank account (maker; the checker approves elsewhere) ----

$('#acct-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(ev.target); showError($('#acct-err'), ''); $('#acct-done').textContent = '';
  const p = $('#acct-producer'), n = $('#acct-name'), no = $('#acct-no'), ifsc = $('#acct-ifsc');
  if (!p.value.trim()) return showError(p, T.acctNeed.producer);
  if (!n.value.trim()) return showError(n, T.acctNeed.name);
  if (!/^\d{9,18}$/.test(no.value.trim())) return showError(no, T.acctNeed.no);
  if (!/^[A-Za-z]{4}0[A-Za-z0-9]{6}$/.test(ifsc.value.trim())) return showError(ifsc, T.acctNeed.ifsc);
  try {
    const c = await api('PUT', `/api/v1/producers/${encodeURIComponent(p.value.trim())}/bank`,
      { beneficiary: n.value.trim(), account_no: no.value.trim(), ifsc: ifsc.value.trim().toUpperCase() });
    $('#acct-done').textContent = T.acctDone(c);
    ev.target.reset();
  } catch (e) { showError($('#acct-err'), T.explain(e)); }
});

// ---- cash over/short per shift ----

async function loadCash() {
  const q = new URLSearchParams();
  if ($('#cash-from').value) q.set('from', $('#cash-from').value);
  if ($('#cash-to').value) q.set('to', $('#cash-to').value);
  showError($('#cash-err'), '');
  try {
    const rows = (await api('GET', '/api/v1/reports/cash?' + q)) || [];
    const cls = (v) => (paise(v) < 0 ? 'low' : '');
    $('#cash tbody').replaceChildren(...(rows.length ? rows.map((s) => el('tr', { class: cls(s.over_short), 'data-shift': s.shift_id },
      el('td', {}, s.mall), el('td', {}, s.counter), el('td', {}, when(s.opened_at)), el('td', {}, when(s.closed_at)),
      el('td', { class: 'num' }, money(s.expected_cash)), el('td', { class: 'num' }, money(s.counted_cash)),
      el('td', { class: 'num' }, el('strong', {}, (paise(s.over_short) > 0 ? '+' : '') + money(s.over_short)))))
      : [el('tr', {}, el('td', { colspan: 7, class: 'hint' }, T.cashNone))]));
    const sum = (f) => rows.reduce((n, s) => n + paise(s[f]), 0);
    $('#cash tfoot').replaceChildren(el('tr', {}, el('th', { colspan: 4 }, T.cashTotal), el('th', { class: 'num' }, inr(sum('expected_cash'))),
      el('th', { class: 'num' }, inr(sum('counted_cash'))), el('th', { class: 'num', id: 'cash-net' }, inr(sum('over_short')))));
  } catch (e) { showError($('#cash-err'), T.explain(e)); }
}
$('#cash-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadCash(); });

// ---- prices (hub admin) ----

$('#price-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(ev.target); showError($('#price-err'), ''); $('#price-done').textContent = '';
  const sku = $('#price-sku').value.trim(), p = paise($('#price-mrp').value);
  if (!sku) return showError($('#price-sku'), T.needSku);
  if (!(p > 0)) return showError($('#price-mrp'), T.needMrp);
  const body = { sku, mrp: amount(p) };
  if ($('#price-at').value) body.effective_at = istTime($('#price-at').value);
  try {
    $('#price-done').textContent = T.priceDone(await api('POST', '/api/v1/catalog/prices', body));
    ev.target.reset();
  } catch (e) { showError($('#price-err'), T.explain(e)); }
});

$('#bulk-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(ev.target); showError($('#bulk-err'), ''); $('#bulk-done').textContent = ''; $('#bulk-lines').hidden = true;
  const key = $('#bulk-key').value.trim(), pct = $('#bulk-pct').value.trim();
  if (!key) return showError($('#bulk-key'), T.needKey);
  if (!/^[+-]?\d{1,3}(\.\d{1,2})?$/.test(pct)) return showError($('#bulk-pct'), T.needPct);
  const from = istTime($('#bulk-from').value), until = istTime($('#bulk-until').value);
  if (until && new Date(until) <= new Date(from || Date.now())) return showError($('#bulk-until'), T.untilBefore);
  const body = { scope: $('#bulk-scope').value, key, percent: amount(paise(pct.replace(/^\+/, ''))) };
  if (from) body.from = from;
  if (until) body.until = until;
  try {
    const r = await api('POST', '/api/v1/catalog/prices/bulk', body);
    $('#bulk-done').textContent = T.bulkDone(r);
    $('#bulk-lines').hidden = false;
    $('#bulk-lines tbody').replaceChildren(...r.products.map((l) => el('tr', { 'data-sku': l.sku }, el('td', {}, l.sku), el('td', {}, l.name),
      el('td', { class: 'num' }, money(l.old_mrp)), el('td', { class: 'num' }, el('strong', {}, money(l.new_mrp))))));
  } catch (e) { showError($('#bulk-err'), T.explain(e)); }
});

$('#tab-payees').addEventListener('click', loadRules);
$('#tab-cash').addEventListener('click', loadCash);
$('#tab-prices').addEventListener('click', () => { $('#prices-role').hidden = session.user?.role === 'hub_admin'; });
