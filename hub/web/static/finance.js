// Central finance at the hub: each mall's sync health and sales, sales
// charts, settlement runs with payouts and producer statements,
// reconciliation breaks and catalog changes. Refreshes itself.
import { $, $$, el, api, session, whenLoggedOut, loginForm, logout, showError, paise, inr, when, dayWords, todayIST } from './common.js';
import { t, t as tt, explain as say, applyI18n, fillPickers, fromLogin, onLang, setLang, nextLang, stateName, districtName } from './i18n.js';

const words = {
  get needUser() { return t('needUser'); }, get needPassword() { return t('needPassword'); },
  get badLogin() { return t('badLoginHub'); },
  wrongRole: (r) => t('fin.wrongRole', r),
  explain,
};

function explain(e) {
  return e && e.code === 'network' ? t('fin.noAnswer') : say(e);
}

const money = (s) => inr(paise(s || '0'));
let timer = null, malls = [];

function show(view) {
  $('#login-view').hidden = view !== 'login';
  $('#app-view').hidden = view !== 'app';
  const u = session.user;
  $('#logout-btn').hidden = !u;
  $('#who').textContent = u ? u.display_name || u.username : '';
  if (view === 'login') $('#login-user').focus();
}

loginForm($('#login-form'), ['finance', 'hub_admin'], async (login) => { await fromLogin(login); start(); }, words);
whenLoggedOut(() => { session.clear(); clearInterval(timer); show('login'); showError($('#login-pass'), t('e_unauthorized')); });
$('#logout-btn').addEventListener('click', async () => { clearInterval(timer); await logout(); show('login'); });

function start() {
  if (!session.user) return show('login');
  show('app');
  refresh();
  clearInterval(timer);
  timer = setInterval(refresh, 5000);
}

// ---- tabs ----
const tabs = $$('[role=tab]');
function selectTab(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on)); t.tabIndex = on ? 0 : -1;
    $('#' + t.getAttribute('aria-controls')).hidden = !on;
  }
  ({ 'tab-settle': loadRuns, 'tab-recon': loadRecon, 'tab-catalog': loadCatalog })[tab.id]?.();
}
for (const t of tabs) {
  t.addEventListener('click', () => selectTab(t));
  t.addEventListener('keydown', (ev) => {
    const i = tabs.indexOf(t), j = { ArrowRight: i + 1, ArrowLeft: i - 1 }[ev.key];
    if (j !== undefined) { ev.preventDefault(); const n = tabs[(j + tabs.length) % tabs.length]; n.focus(); selectTab(n); }
  });
}

/** Runs fn(), showing its error in slot; resolves to its value or undefined. */
async function guarded(slot, fn) {
  showError($(slot), '');
  try { return await fn(); } catch (e) {
    $('#server-banner').hidden = e.status !== 0;
    showError($(slot), explain(e));
    return undefined;
  }
}

// ---- malls, sales and charts ----

async function refresh() {
  if ($('#app-view').hidden) return;
  const list = await guarded('#malls-err', () => api('GET', '/api/v1/malls'));
  if (list === undefined) return;
  $('#server-banner').hidden = true;
  malls = list || [];
  const totals = await Promise.all(malls.map((m) => api('GET', `/api/v1/malls/${encodeURIComponent(m.id)}/totals`).catch(() => null)));
  $('#malls').replaceChildren(...malls.map((m, i) => {
    const t = totals[i];
    const link = m.connected ? el('span', { class: 'pill good' }, tt('fin.connected')) : el('span', { class: 'pill warn' }, tt('fin.notConnected'));
    return el('tr', { 'data-mall': m.id, class: m.parked > 0 ? 'low' : '' },
      el('td', {}, el('strong', {}, m.id), el('div', { class: 'meta' }, m.name || '')), el('td', {}, m.state), el('td', {}, link, m.mirror_error ? el('div', { class: 'meta' }, m.mirror_error) : null),
      el('td', { class: 'num' }, m.watermark), el('td', { class: 'num' }, (m.lag || 0) + (m.ingest_pending || 0)),
      el('td', {}, m.last_event_at ? when(m.last_event_at) : tt('fin.never')), el('td', { class: 'num' }, m.parked || 0),
      el('td', { class: 'num' }, t ? `${tt(t.count === 1 ? 'fin.oneSale' : 'fin.nSales', t.count)} · ${money(t.gross_sales)}` : '—'),
      el('td', { class: 'num' }, t ? `${t.returns_count} · ${money(t.returns)}` : '—'),
      el('td', { class: 'num' }, t ? money(t.net) : '—'));
  }));
  let net = 0, count = 0, parked = 0;
  for (const t of totals) if (t) { net += paise(t.net); count += t.count; }
  for (const m of malls) parked += m.parked || 0;
  const bal = await api('GET', '/api/v1/ledger/balance').catch(() => null);
  $('#kpis').replaceChildren(
    kpi(t('fin.mallsConnected'), t('fin.nOfM', malls.filter((m) => m.connected).length, malls.length)),
    kpi(t('fin.salesAtHub'), count), kpi(t('fin.netSales'), inr(net)), kpi(t('fin.parkedEvents'), parked),
    kpi(bal && bal.debits !== bal.credits ? t('fin.ledgerOut') : t('fin.ledgerBalanced'), bal ? t('fin.debitsCredits', money(bal.debits), bal.debits === bal.credits ? '=' : '≠', money(bal.credits)) : '—'));
  const states = new Map();
  malls.forEach((m, i) => { if (totals[i]) states.set(m.state, (states.get(m.state) || 0) + paise(totals[i].net)); });
  bars($('#chart-states'), [...states].map(([k, v]) => [stateName(k), v]));
  loadDays();
  loadParked();
}

function kpi(label, value) { return el('div', { class: 'kpi' }, el('span', { class: 'meta' }, label), el('b', {}, String(value))); }

/** Horizontal bar chart of [label, paise] pairs. */
function bars(box, rows) {
  const max = Math.max(1, ...rows.map(([, v]) => Math.abs(v)));
  box.replaceChildren(...(rows.length ? rows.map(([k, v]) => el('div', { class: 'bar-row', role: 'img', 'aria-label': `${k}: ${inr(v)}` },
    el('span', {}, k), el('div', { class: 'bar-track' }, fill((100 * Math.abs(v)) / max)),
    el('span', { class: 'num' }, inr(v)))) : [el('p', { class: 'hint' }, t('fin.noData'))]));
}

/** A bar's fill; its width is set through CSSOM, which the page's CSP allows (style attributes it does not). */
function fill(pct) {
  const f = el('div', { class: 'bar-fill' });
  f.style.width = pct + '%';
  return f;
}

const day = (d) => d.toLocaleDateString('en-CA', { timeZone: 'Asia/Kolkata' }); // 2026-04-01 in IST
let daysLoaded = 0;
async function loadDays() {
  if (Date.now() - daysLoaded < 30000) return; // 6 weeks × malls requests: not every tick
  daysLoaded = Date.now();
  // Six rolling weeks ending today, oldest first.
  const weeks = [...Array(6)].map((_, i) => {
    const end = Date.now() - (5 - i) * 7 * 86400000;
    return [day(new Date(end - 6 * 86400000)), day(new Date(end))];
  });
  const rows = await guarded('#days-err', () => Promise.all(weeks.map(async ([from, to]) => {
    let sum = 0;
    for (const m of malls) {
      const t = await api('GET', `/api/v1/malls/${encodeURIComponent(m.id)}/totals?from=${from}&to=${to}`);
      sum += paise(t.net);
    }
    return [`${from.slice(5)} – ${to.slice(5)}`, sum];
  })));
  if (rows) bars($('#chart-days'), rows);
}

async function loadParked() {
  const list = await guarded('#parked-err', () => api('GET', '/api/v1/parked'));
  if (list === undefined) return;
  $('#parked').replaceChildren(...((list || []).length ? list.map((p) => el('tr', { class: 'low' }, el('td', {}, p.mall), el('td', { class: 'num' }, p.seq ?? ''),
    el('td', {}, p.type), el('td', {}, `${p.code}: ${p.reason}`), el('td', {}, when(p.parked_at)))) : [el('tr', {}, el('td', { colspan: 5, class: 'hint' }, t('fin.nothingParked')))]));
}

// ---- settlements ----

async function loadRuns() {
  loadBankChanges();
  const runs = await guarded('#settle-err', () => api('GET', '/api/v1/settlements'));
  if (runs === undefined) return;
  $('#runs').replaceChildren(...((runs || []).length ? runs.map((r) => el('tr', {}, el('td', {}, `#${r.run_no}`), el('td', {}, when(r.cutoff)),
    el('td', { class: 'num' }, r.payout_count), el('td', { class: 'num' }, money(r.payout_total)), el('td', { class: 'num' }, money(r.carried_forward_total)),
    el('td', {}, r.created_by), el('td', {}, el('button', { type: 'button', onclick: () => openRun(r.id) }, t('fin.payouts'))))) : [el('tr', {}, el('td', { colspan: 7, class: 'hint' }, t('fin.noRuns')))]));
  const last = (runs || [])[0];
  if (last) {
    const full = await api('GET', `/api/v1/settlements/${encodeURIComponent(last.id)}`).catch(() => null);
    if (full && full.districts) bars($('#chart-districts'), full.districts.map((d) => [d.name, paise(d.amount)]));
  }
}

// ---- bank account changes (maker-checker) ----

const acct = (a) => a ? `${a.beneficiary} · ${a.ifsc} · …${a.account_no.slice(-4)}` : '—';

async function loadBankChanges() {
  const list = await guarded('#bank-err', () => api('GET', '/api/v1/bank-changes'));
  if (list === undefined) return;
  const me = session.user && session.user.username;
  $('#bank-changes').replaceChildren(...(list.length ? list.slice(0, 50).map((c) => el('tr', {},
    el('td', {}, c.account.producer_id), el('td', {}, acct(c.account)), el('td', {}, acct(c.current)),
    el('td', {}, `${c.requested_by}, ${when(c.requested_at)}`), el('td', {}, c.status + (c.reason ? ` (${c.reason})` : '')),
    el('td', {}, c.decided_by || ''),
    el('td', {}, c.status === 'pending' && c.requested_by !== me ? [
      el('button', { type: 'button', onclick: () => decideBank(c.id, 'approve') }, t('fin.approve')),
      el('button', { type: 'button', class: 'ghost', onclick: () => decideBank(c.id, 'reject') }, t('fin.reject'))] : ''))) :
    [el('tr', {}, el('td', { colspan: 7, class: 'hint' }, t('fin.noBankChanges')))]));
}

async function decideBank(id, how) {
  let body;
  if (how === 'reject') {
    const reason = window.prompt(t('fin.whyReject'));
    if (!reason || !reason.trim()) return;
    body = { reason };
  }
  if (await guarded('#bank-err', () => api('POST', `/api/v1/bank-changes/${encodeURIComponent(id)}/${how}`, body))) loadBankChanges();
}

$('#settle-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  // A day's cutoff is the end of that day in India; today's is now (the
  // end of today is still to come, and the hub refuses a future cutoff).
  const c = $('#settle-cutoff').value, today = todayIST();
  if (c && c > today) { showError($('#settle-err'), t('fin.cutoffFuture', dayWords(today))); return; }
  const body = c && c < today ? { cutoff: new Date(c + 'T23:59:59.999+05:30').toISOString() } : {};
  const r = await guarded('#settle-err', () => api('POST', '/api/v1/settlements', body));
  if (r) { await loadRuns(); openRun(r.id); }
});

async function openRun(id) {
  const [run, payouts] = await Promise.all([api('GET', `/api/v1/settlements/${encodeURIComponent(id)}`), api('GET', `/api/v1/settlements/${encodeURIComponent(id)}/payouts`)])
    .catch((e) => { showError($('#settle-err'), explain(e)); return []; });
  if (!run) return;
  $('#run-panel').hidden = false;
  // Producers owed a payout but without a bank account are held, not paid.
  const held = (run.held || []).map((h) => `${h.producer_name || h.producer_id} ${money(h.amount)}`).join(', ');
  $('#run-h').textContent = t('fin.runH', run.run_no, run.payout_count, money(run.payout_total), when(run.cutoff)) +
    (run.held_count ? t('fin.held', held) : '');
  // A run that pays nobody says why, and when the next lines fall due.
  $('#run-why').textContent = run.nothing_paid ? t('fin.nothingPaid', run.nothing_paid.reason) : '';
  $('#run-why').hidden = !run.nothing_paid;
  // A link cannot send the bearer token, so the CSV is fetched and saved.
  $('#run-csv').onclick = async (ev) => {
    ev.preventDefault();
    const csv = await api('GET', `/api/v1/settlements/${encodeURIComponent(id)}/payouts`, null, { accept: 'text/csv', raw: true });
    const a = el('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: `payouts-run-${run.run_no}.csv` });
    a.click(); URL.revokeObjectURL(a.href);
  };
  $('#payouts').replaceChildren(...(payouts || []).map((p) => el('tr', {}, el('td', {}, p.reference),
    el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => statement(p.id) }, p.producer_name || p.producer_id)),
    el('td', {}, `${districtName(p.district_id, p.district_name)}, ${stateName(p.state)}`), el('td', { class: 'num' }, money(p.sales)), el('td', { class: 'num' }, money(p.returns)),
    el('td', { class: 'num' }, money(p.amount)), el('td', {}, p.returned ? t('fin.returnedAfter', p.reason) : p.reason ? `${p.status}: ${p.reason}` : p.status))));
  $('#statement').replaceChildren();
}

/** A producer's statement: the sale and return lines one payout pays. */
async function statement(id) {
  const p = await api('GET', `/api/v1/payouts/${encodeURIComponent(id)}`).catch((e) => { showError($('#settle-err'), explain(e)); return null; });
  if (!p) return;
  $('#statement').replaceChildren(el('h3', {}, `Statement: ${p.producer_name} (${p.reference}) — ${money(p.amount)}`),
    el('table', { class: 'grid' }, el('thead', {}, el('tr', {}, ...['fin.kind', 'fin.mall', 'fin.invoiceCn', 'fin.when', 'item', 'qty', 'amount', 'fin.tax', 'fin.commission2', 'net'].map((h) => el('th', {}, t(h))))),
      el('tbody', {}, (p.lines || []).map((l) => el('tr', {}, el('td', {}, l.kind), el('td', {}, l.mall), el('td', {}, l.credit_note_no || l.invoice_no), el('td', {}, when(l.at)),
        el('td', {}, l.item), el('td', { class: 'num' }, l.qty), el('td', { class: 'num' }, money(l.amount)), el('td', { class: 'num' }, money(l.tax)),
        el('td', { class: 'num' }, money(l.commission)), el('td', { class: 'num' }, money(l.net)))))));
}

// ---- reconciliation and catalog ----

async function loadRecon() {
  const comp = await guarded('#comp-err', () => api('GET', '/api/v1/recon/completeness'));
  if (comp !== undefined) {
    const rows = Array.isArray(comp) ? comp : comp.malls || [];
    $('#comp').replaceChildren(...rows.map((c) => el('tr', { class: c.complete ? '' : 'low' }, el('td', {}, c.mall), el('td', { class: 'num' }, c.events),
      el('td', { class: 'num' }, c.highest_seq), el('td', { class: 'num' }, c.missing), el('td', {}, (c.gaps || []).map((g) => `${g[0]}–${g[1]}`).join(', ')),
      el('td', {}, c.complete ? t('fin.yes') : el('strong', {}, t('fin.no'))))));
  }
  const sh = await guarded('#shifts-err', () => api('GET', '/api/v1/recon/shifts'));
  if (sh !== undefined) {
    const rows = Array.isArray(sh) ? sh : sh.shifts || [];
    $('#shifts').replaceChildren(...(rows.length ? rows.map((s) => el('tr', { class: s.matched ? '' : 'low' }, el('td', {}, s.mall), el('td', {}, s.counter), el('td', {}, when(s.closed_at)),
      el('td', {}, s.matched ? t('fin.yes') : el('strong', {}, t('fin.no'))),
      el('td', {}, [...(s.amounts || []), ...(s.counts || [])].filter((f) => String(f.mall) !== String(f.hub)).map((f) => t('fin.mallHub', f.name, f.mall, f.hub)).join('; ')))) : [el('tr', {}, el('td', { colspan: 5, class: 'hint' }, t('fin.noClosedShifts')))]));
  }
}

async function loadCatalog() {
  const list = await guarded('#cat-err', () => api('GET', '/api/v1/catalog/changes?after=0'));
  if (list === undefined) return;
  const what = (c) => c.price ? `${c.price.sku || ''} → ${c.price.mrp ? money(c.price.mrp) : JSON.stringify(c.price)}` : c.product ? `${c.product.sku} ${c.product.name}` : c.producer ? c.producer.name || c.producer.id : JSON.stringify(c.tax_rate || c.district || {});
  $('#changes').replaceChildren(...((list || []).length ? [...list].reverse().map((c) => el('tr', {}, el('td', { class: 'num' }, c.id), el('td', {}, c.kind), el('td', {}, what(c)),
    el('td', {}, when(c.at)), el('td', {}, c.effective_at ? when(c.effective_at) : t('fin.nowLower')), el('td', {}, c.by || ''), el('td', {}, c.published ? t('fin.yes') : t('fin.waiting')))) : [el('tr', {}, el('td', { colspan: 7, class: 'hint' }, t('fin.noChanges')))]));
}

// Words: labels now and on a change of language (tables redraw on the next refresh); Alt+L switches.
applyI18n();
fillPickers();
onLang(() => { if (!$('#app-view').hidden) refresh(); });
document.addEventListener('keydown', (ev) => { if (ev.altKey && ev.key.toLowerCase() === 'l') { ev.preventDefault(); setLang(nextLang()); } });
start();
