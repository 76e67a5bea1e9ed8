// The mall admin's screen (/manage): every open drawer with its X report
// and cash paid in or out, voiding an invoice with a reason, the discount
// approvals given at the tills, the stock ledger check with every zone's
// open exceptions, and reorder points of any zone. Users and the audit log
// are at /admin. Words come from the translation files (madmin.*).
import { $, $$, el, api, session, whenLoggedOut, loginForm, logout, showError, clearErrors, uuid, when, inr, paise } from './common.js';
import { t, applyI18n, explain, loginWordsWith, fillPickers, fromLogin, onLang } from './i18n.js';

const money = (s) => inr(paise(s || '0'));
let shifts = [];

function show(view) {
  $('#login-view').hidden = view !== 'login';
  $('#app-view').hidden = view !== 'app';
  const u = session.user;
  $('#logout-btn').hidden = !u;
  $('#who').textContent = u ? `${u.display_name || u.username} · ${u.mall || ''}` : '';
  if (view === 'login') $('#login-user').focus();
}

loginForm($('#login-form'), ['mall_admin'], async (login) => { await fromLogin(login); start(); }, loginWordsWith({
  wrongRole: (r) => t('madmin.wrongRole', r),
}));
whenLoggedOut(() => { session.clear(); show('login'); showError($('#login-pass'), t('e_unauthorized')); });
$('#logout-btn').addEventListener('click', async () => { await logout(); $('#login-user').value = ''; show('login'); });

function start() {
  applyI18n();
  fillPickers();
  if (!session.user || session.user.role !== 'mall_admin') return show('login');
  show('app');
  selectTab($('#tab-shifts'));
}

// ---- tabs ----
const tabs = $$('[role=tab]');
const loaders = { 'tab-shifts': loadShifts, 'tab-approvals': loadApprovals, 'tab-stock': loadExceptions, 'tab-reorder': loadZones };
function selectTab(tab) {
  for (const x of tabs) {
    const on = x === tab;
    x.setAttribute('aria-selected', String(on)); x.tabIndex = on ? 0 : -1;
    $('#' + x.getAttribute('aria-controls')).hidden = !on;
  }
  loaders[tab.id]?.();
}
for (const x of tabs) {
  x.addEventListener('click', () => selectTab(x));
  x.addEventListener('keydown', (ev) => {
    const i = tabs.indexOf(x), j = { ArrowRight: i + 1, ArrowLeft: i - 1 }[ev.key];
    if (j !== undefined) { ev.preventDefault(); const n = tabs[(j + tabs.length) % tabs.length]; n.focus(); selectTab(n); }
  });
}

/** Runs fn(), showing its error in slot; resolves to its value or undefined. */
async function guarded(slot, fn) {
  showError($(slot), '');
  try {
    const v = await fn();
    $('#server-banner').hidden = true;
    return v;
  } catch (e) {
    $('#server-banner').hidden = e.status !== 0;
    showError($(slot), explain(e));
    return undefined;
  }
}

// ---- drawers: open shifts, X report, cash in and out ----

async function loadShifts() {
  const list = await guarded('#sh-err', () => api('GET', '/api/v1/shifts?status=open'));
  if (!list) return;
  shifts = list;
  $('#sh-table tbody').replaceChildren(...(list.length ? list.map((s) => el('tr', { 'data-shift': s.id, 'data-counter': s.counter },
    el('td', {}, el('strong', {}, s.counter)), el('td', {}, s.cashier), el('td', {}, when(s.opened_at)), el('td', { class: 'num' }, money(s.opening_float)),
    el('td', {}, el('button', { type: 'button', onclick: () => xReport(s) }, t('madmin.xReport')),
      el('button', { type: 'button', onclick: () => { $('#cash-shift').value = s.id; $('#cash-amount').focus(); } }, t('madmin.cashBtn')))))
    : [el('tr', {}, el('td', { colspan: 5, class: 'hint' }, t('madmin.noShifts')))]));
  const was = $('#cash-shift').value;
  $('#cash-shift').replaceChildren(...list.map((s) => el('option', { value: s.id }, `${s.counter} · ${s.cashier}`)));
  if (list.some((s) => s.id === was)) $('#cash-shift').value = was;
}

async function xReport(s) {
  const r = await guarded('#sh-err', () => api('GET', `/api/v1/shifts/${encodeURIComponent(s.id)}/x-report`));
  if (!r) return;
  const row = (k, v) => [el('dt', {}, k), el('dd', { class: 'num' }, v)];
  $('#xrep').replaceChildren(el('h3', {}, t('madmin.xTitle', r.counter, r.cashier, when(r.generated_at))),
    el('dl', { class: 'totals', id: 'xrep-totals' },
      row(t('madmin.xOpened'), when(r.opened_at)), row(t('madmin.float'), money(r.opening_float)),
      row(t('madmin.xSales', r.sales.count), money(r.sales.total)), row(t('madmin.xReturns', r.returns.count), money(r.returns.total)),
      row(t('madmin.xCancelled', r.cancelled.count), money(r.cancelled.total)), row(t('madmin.xNet'), money(r.net_sales)),
      ...r.tenders.map((x) => row(t('madmin.xTender', t(x.method) || x.method), money(x.net))),
      row(t('madmin.xPaidIn'), money(r.paid_in)), row(t('madmin.xPaidOut'), money(r.paid_out)),
      row(t('madmin.xExpected'), el('strong', {}, money(r.expected_cash))),
      row(t('madmin.xInvoices'), r.first_invoice_no ? `${r.first_invoice_no} – ${r.last_invoice_no}` : '—')));
}

let cashKey = uuid();
$('#cash-form').addEventListener('input', () => { cashKey = uuid(); }); // a changed form is a new request
$('#cash-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target, amt = $('#cash-amount'), reason = $('#cash-reason'), id = $('#cash-shift').value;
  clearErrors(f); showError($('#cash-err'), ''); $('#cash-done').textContent = '';
  if (!id) { showError($('#cash-err'), t('madmin.noShifts')); return; }
  const p = paise(amt.value);
  if (!(p > 0)) { showError(amt, t('amountBad')); amt.focus(); return; }
  if (!reason.value.trim()) { showError(reason, t('madmin.needReason')); reason.focus(); return; }
  const kind = $('#cash-kind').value, s = shifts.find((x) => x.id === id);
  const m = await guarded('#cash-err', () => api('POST', `/api/v1/shifts/${encodeURIComponent(id)}/cash`,
    { kind, amount: (p / 100).toFixed(2), reason: reason.value.trim() }, { key: cashKey }));
  if (!m) return;
  cashKey = uuid();
  $('#cash-done').textContent = t(kind === 'in' ? 'madmin.paidIn' : 'madmin.paidOut', inr(p), s ? s.counter : '', reason.value.trim());
  amt.value = ''; reason.value = '';
  if (s) xReport(s);
});

// ---- voids ----

let found = null;
$('#void-find').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const inv = $('#void-inv');
  found = null; $('#void-form').hidden = true; $('#void-sale').replaceChildren(); $('#void-done').textContent = '';
  showError(inv, ''); showError($('#void-err'), '');
  const no = inv.value.trim().toUpperCase();
  if (!no) { showError(inv, t('madmin.needInvoice')); inv.focus(); return; }
  const list = await guarded('#void-inv-err', () => api('GET', '/api/v1/sales?invoice_no=' + encodeURIComponent(no)));
  if (!list) return;
  if (!list.length) { showError(inv, t('madmin.noInvoice', no)); return; }
  found = list[0];
  $('#void-sale').replaceChildren(el('h3', {}, t('madmin.saleHead', found.invoice_no, when(found.at), found.cashier, found.counter)),
    el('table', { class: 'grid' }, el('tbody', {}, found.lines.map((l) => el('tr', {}, el('td', {}, `${l.name || l.sku}`), el('td', { class: 'num' }, `× ${l.qty}`), el('td', { class: 'num' }, money(l.amount)))),
      el('tr', {}, el('th', {}, t('madmin.total')), el('th', {}), el('th', { class: 'num' }, money(found.payable || found.total))))));
  if (found.status === 'void' || found.status === 'cancelled' || found.status === 'voided') {
    $('#void-done').textContent = t('madmin.alreadyVoid', found.invoice_no);
    return;
  }
  $('#void-form').hidden = false;
  $('#void-reason').focus();
});

$('#void-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const reason = $('#void-reason');
  showError(reason, '');
  if (!found) return;
  if (!reason.value.trim()) { showError(reason, t('madmin.needReason')); reason.focus(); return; }
  if (!confirm(t('madmin.voidConfirm', found.invoice_no, money(found.payable || found.total)))) return;
  const s = await guarded('#void-err', () => api('POST', `/api/v1/sales/${encodeURIComponent(found.id)}/void`, { reason: reason.value.trim() }));
  if (!s) return;
  $('#void-done').textContent = t('madmin.voided', s.invoice_no, reason.value.trim());
  $('#void-form').hidden = true; reason.value = '';
});

// ---- approvals (from the audit log) ----

const APPROVAL_ACTIONS = ['approval_granted', 'discount_over_limit', 'approval_failed', 'stock_request_approved', 'stock_request_rejected'];
async function loadApprovals() {
  loadStockRequests();
  const rows = await guarded('#ap-err', async () => (await Promise.all(APPROVAL_ACTIONS.map((a) => api('GET', `/api/v1/audit?action=${a}&limit=100`)))).flat());
  if (!rows) return;
  rows.sort((a, b) => (a.at < b.at ? 1 : -1));
  const detail = (d) => Object.entries(d || {}).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ');
  $('#ap-table tbody').replaceChildren(...(rows.length ? rows.map((r) => el('tr', { 'data-action': r.action, class: r.action === 'approval_failed' ? 'low' : '' },
    el('td', {}, when(r.at)), el('td', {}, t('madmin.act_' + r.action)), el('td', {}, r.actor || ''), el('td', {}, detail(r.detail))))
    : [el('tr', {}, el('td', { colspan: 4, class: 'hint' }, t('madmin.noApprovals')))]));
}

// Write-offs and returns to producers a zone manager asked for: nothing
// moves until approved here (or with the admin's login typed on /zone).
async function loadStockRequests() {
  const rs = await guarded('#sr-err', () => api('GET', '/api/v1/stock-requests?status=pending'));
  if (!rs) return;
  const decide = async (id, verb, body) => {
    if (await guarded('#sr-err', () => api('POST', `/api/v1/stock-requests/${encodeURIComponent(id)}/${verb}`, body))) loadApprovals();
  };
  $('#sr-table tbody').replaceChildren(...(rs.length ? rs.map((r) => {
    const note = el('input', { maxlength: 200, autocomplete: 'off', 'aria-label': t('madmin.declineWhy'), placeholder: t('madmin.declineWhy') });
    return el('tr', { 'data-request': r.id },
      el('td', {}, when(r.requested_at)), el('td', {}, r.zone),
      el('td', {}, `${t(r.kind === 'damage' ? 'madmin.reqDamage' : 'madmin.reqReturn')} (${r.reason}): ${r.lines.map((l) => `${l.sku} × ${l.qty}`).join(', ')}` +
        (r.producer_id ? ` → ${r.producer_id}` : '') + (r.cause ? ` · ${t('madmin.cause_' + r.cause)}` : '')),
      el('td', {}, r.requested_by),
      el('td', {}, el('button', { type: 'button', class: 'primary', onclick: () => decide(r.id, 'approve') }, t('madmin.approve')), note,
        el('button', { type: 'button', onclick: () => { if (!note.value.trim()) { showError(note, t('madmin.declineWhy')); return; } decide(r.id, 'reject', { note: note.value.trim() }); } },
          t('madmin.decline'))));
  }) : [el('tr', {}, el('td', { colspan: 5, class: 'hint' }, t('madmin.noStockReqs')))]));
}

// ---- stock check and exceptions ----

$('#check-btn').addEventListener('click', async () => {
  $('#check-out').textContent = '';
  const r = await guarded('#exc-err', () => api('GET', '/api/v1/stock/check'));
  if (!r) return;
  $('#check-out').replaceChildren(r.ok ? el('span', { class: 'pill good' }, t('madmin.checkOk')) : el('span', { class: 'pill bad' }, t('madmin.checkBad', r.mismatches.length)));
  $('#check-table').hidden = r.ok;
  $('#check-table tbody').replaceChildren(...r.mismatches.map((m) => el('tr', { class: 'low' }, el('td', {}, m.sku), el('td', {}, m.location),
    el('td', { class: 'num' }, m.balance), el('td', { class: 'num' }, m.sum_of_moves))));
});

function docText(d, ref) {
  if (!d) return ref || '';
  const kind = { invoice: t('madmin.invoice'), credit_note: t('madmin.creditNote') }[d.kind];
  return d.no ? (kind ? `${kind} ${d.no}` : d.no) : '';
}

async function loadExceptions() {
  const ex = await guarded('#exc-err', () => api('GET', '/api/v1/exceptions'));
  if (!ex) return;
  $('#exc-table tbody').replaceChildren(...(ex.length ? ex.map((x) => {
    const id = 'exc-note-' + x.id;
    const form = el('form', { class: 'row', novalidate: true }, el('label', { for: id, class: 'sr-only' }, t('madmin.resolve')),
      el('input', { id, maxlength: 500, autocomplete: 'off' }), el('button', { type: 'submit' }, t('madmin.resolve')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const note = form.querySelector('input');
      if (!note.value.trim()) { showError(note, t('madmin.needResolution')); note.focus(); return; }
      try { await api('POST', `/api/v1/exceptions/${encodeURIComponent(x.id)}/resolve`, { resolution: note.value.trim() }); loadExceptions(); } catch (e) { showError(note, explain(e)); }
    });
    return el('tr', { 'data-exception': x.id, 'data-sku': x.sku }, el('td', {}, x.zone), el('td', {}, el('strong', {}, x.name || x.sku), el('div', { class: 'meta' }, x.sku)),
      el('td', { class: 'num' }, x.shortfall), el('td', {}, docText(x.doc, x.ref)), el('td', {}, when(x.at)), el('td', {}, form));
  }) : [el('tr', {}, el('td', { colspan: 6, class: 'hint' }, t('madmin.noExceptions')))]));
}

// ---- reorder points, any zone ----

async function loadZones() {
  if ($('#rp-zone').options.length) return loadPoints();
  const ps = await guarded('#rp-err', () => api('GET', '/api/v1/products'));
  if (!ps) return;
  const zones = [...new Set(ps.map((p) => p.state))].sort();
  $('#rp-zone').replaceChildren(...zones.map((z) => el('option', { value: z }, z)));
  const home = session.user && session.user.state;
  if (home && zones.includes(home)) $('#rp-zone').value = home;
  loadPoints();
}
$('#rp-zone').addEventListener('change', () => loadPoints());

async function loadPoints() {
  const z = $('#rp-zone').value;
  if (!z) return;
  const list = await guarded('#rp-err', () => api('GET', `/api/v1/zones/${encodeURIComponent(z)}/reorder-points`));
  if (!list) return;
  $('#rp-table tbody').replaceChildren(...(list.length ? list.map((p) => el('tr', { 'data-sku': p.sku }, el('td', {}, p.sku), el('td', {}, p.name), el('td', { class: 'num' }, p.reorder_point)))
    : [el('tr', {}, el('td', { colspan: 3, class: 'hint' }, t('madmin.noPoints')))]));
}

$('#rp-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const z = $('#rp-zone').value, sku = $('#rp-sku'), qty = $('#rp-qty'), n = Number(qty.value);
  clearErrors(ev.target); $('#rp-done').textContent = '';
  if (!sku.value.trim()) { showError(sku, t('madmin.needSku')); sku.focus(); return; }
  if (qty.value === '' || !Number.isInteger(n) || n < 0) { showError(qty, t('madmin.needPoint')); qty.focus(); return; }
  const r = await guarded('#rp-err', () => api('PUT', `/api/v1/zones/${encodeURIComponent(z)}/reorder-points/${encodeURIComponent(sku.value.trim())}`, { reorder_point: n }));
  if (!r) return;
  $('#rp-done').textContent = t('madmin.pointSaved', r.sku, r.reorder_point);
  sku.value = ''; qty.value = '';
  loadPoints();
});

onLang(() => { if (!$('#app-view').hidden) selectTab(tabs.find((x) => x.getAttribute('aria-selected') === 'true') || tabs[0]); });

if (session.user) start(); else { applyI18n(); fillPickers(); show('login'); }
