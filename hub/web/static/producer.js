// The producer's screen: their sales, stock by mall, payouts and
// statements, in English, Hindi or Kannada, made for a phone. Every string
// a person reads comes from the translation files (prod.* keys). A district
// officer logs in here too: they pick a producer of their district, see
// that producer's views read-only, and issue producers' login codes.
import { $, $$, el, api, session, whenLoggedOut, loginForm, logout, showError, clearErrors, paise, inr, when } from './common.js';
import { t, lang, setLang, nextLang, onLang, fromLogin, explain, applyI18n, has, stateName, districtName, NAMES } from './i18n.js';

// The producer's words are data: the prod.* keys of the translation files
// (/assets/i18n/<lang>.json), read through the shared i18n module like
// every other screen's; labels in the page carry data-i18n.
const words = {
  get needUser() { return t('prod.needUser'); }, get needPassword() { return t('prod.needPassword'); },
  get badLogin() { return t('prod.badLogin'); },
  wrongRole: (r) => t('prod.wrongRole', r),
  explain: (e) => (e.status === 0 ? t('prod.noAnswer') : explain(e)),
};

function translate() {
  applyI18n();
  $('#lang-btn').textContent = NAMES[nextLang()];
  $('#lang-btn').lang = nextLang();
}

const rs = (s) => inr(paise(s));
const day = (s) => new Date(s).toLocaleDateString(lang() + '-IN', { timeZone: 'Asia/Kolkata', dateStyle: 'medium' });
const row = (k, v) => el('div', { class: 'row' }, el('span', {}, k), el('span', {}, v));

function show(view) {
  $('#login-view').hidden = view !== 'login';
  $('#app-view').hidden = view !== 'app';
  $('#logout-btn').hidden = view !== 'app';
}

let current = 'sales';
// base is where the producer's views are read: their own, or, for a district officer, the chosen producer's.
let base = '/api/v1/producer';
const loaders = { sales: loadSales, stock: loadStock, payouts: loadPayouts, statement: loadStatement };
for (const t of $$('[role=tab]')) {
  t.addEventListener('click', () => select(t.id.slice(4)));
}
function select(name) {
  current = name;
  for (const t of $$('[role=tab]')) {
    const on = t.id === 'tab-' + name;
    t.setAttribute('aria-selected', String(on));
    $('#' + t.getAttribute('aria-controls')).hidden = !on;
  }
  loaders[name]().catch(fail);
}

// drawMe redraws the producer's or officer's line after a change of language.
let drawMe = () => {};

function fail(e) { const box = $('#me'); box.textContent = words.explain(e); }

async function start() {
  show('app');
  if (session.user.role === 'district_officer') { await startOfficer(); return; }
  $('#district').hidden = true;
  base = '/api/v1/producer';
  const me = await api('GET', base + '/me');
  $('#who').textContent = me.username;
  drawMe = () => { $('#me').textContent = `${me.name} · ${districtName(me.district_id, me.district_name)}, ${stateName(me.state, me.state_name)}`; };
  drawMe();
  select(current);
}

// A district officer: their district's producers to choose from.
async function startOfficer() {
  const d = await api('GET', '/api/v1/district');
  $('#who').textContent = d.district.username;
  $('#district').hidden = false;
  drawMe = () => { $('#district-name').textContent = `${districtName(d.district.district_id, d.district.district_name)}, ${stateName(d.district.state, d.district.state_name)}`; };
  drawMe();
  const pick = $('#pick-producer');
  pick.replaceChildren(...d.producers.map((p) => el('option', { value: p.producer_id }, `${p.name} (${p.username || t('prod.noLogin')})`)));
  $('#code-out').hidden = true;
  if (d.producers.length) await viewProducer(pick.value);
}

async function viewProducer(id) {
  base = '/api/v1/district/producers/' + encodeURIComponent(id);
  const p = await api('GET', base);
  drawMe = () => { $('#me').textContent = `${p.name} · ${districtName(p.district_id, p.district_name)}, ${stateName(p.state, p.state_name)} · ${t('prod.readOnly')}`; };
  drawMe();
  select(current);
}

$('#pick-producer').addEventListener('change', (ev) => { $('#code-out').hidden = true; viewProducer(ev.target.value).catch(fail); });
$('#issue-code').addEventListener('click', async () => {
  const id = $('#pick-producer').value;
  if (!id) return;
  try {
    const r = await api('POST', '/api/v1/producers/' + encodeURIComponent(id) + '/login');
    $('#code-out').textContent = t('prod.codeIssued', r.username, r.code);
    $('#code-out').hidden = false;
  } catch (e) { fail(e); }
});

async function loadSales() {
  const ls = await api('GET', base + '/sales');
  let sold = 0, back = 0, share = 0;
  for (const l of ls) {
    if (l.voided) continue;
    if (l.kind === 'sale') sold += paise(l.amount); else if (l.kind === 'return') back += paise(l.amount);
    share += paise(l.share);
  }
  $('#sales-sum').replaceChildren(el('div', {}, t('prod.sold'), el('b', {}, inr(sold))), el('div', {}, t('prod.returns'), el('b', {}, inr(back))),
    el('div', {}, t('prod.share'), el('b', {}, inr(share))), el('div', {}, t('prod.lines'), el('b', {}, String(ls.length))));
  // A damage write-off: its value, and who bears it (the mall pays the producer their share, or it is the producer's loss).
  const what = (l) => (l.kind === 'damage' ? t(l.borne_by === 'mall' ? 'prod.damageMall' : 'prod.damageProducer')
    : l.kind === 'return' ? t('prod.ret') : t('prod.sale'));
  $('#sales-list').replaceChildren(...(ls.length ? ls.map((l) => el('li', { class: l.kind === 'sale' ? '' : 'ret', 'data-kind': l.kind },
    el('div', { class: 'top' }, el('span', {}, `${what(l)} · ${l.mall}${l.voided ? ' · ' + t('prod.voided') : ''}`),
      el('span', {}, rs(l.amount))),
    el('div', { class: 'row' }, el('span', {}, l.item), el('span', {}, `${t('prod.qty')} ${l.qty}`)),
    row(when(l.at), l.document),
    row(t('prod.tax'), rs(l.tax)), row(t('prod.commission'), rs(l.commission)), row(t('prod.commGST'), rs(l.commission_gst)),
    row(t('prod.share'), rs(l.share)))) : [el('li', {}, t('prod.noSales'))]));
}

async function loadStock() {
  const ps = await api('GET', base + '/stock');
  $('#stock-list').replaceChildren(...ps.map((p) => el('li', {},
    el('div', { class: 'top' }, el('span', {}, p.name), el('span', {}, rs(p.mrp))),
    el('div', { class: 'row' }, el('span', {}, p.sku), el('span', {}, p.gi ? 'GI' : '')),
    ...(p.malls.length ? p.malls.map((m) => row(m.mall,
      `${t('prod.shelf')} ${m.shelf} · ${t('prod.backroom')} ${m.backroom} · ${t('prod.transit')} ${m.in_transit} · ${t('prod.damaged')} ${m.damaged}`))
      : [el('div', { class: 'row' }, t('prod.noStock'))]))));
  const ms = await api('GET', base + '/moves');
  $('#move-list').replaceChildren(...ms.slice(0, 200).map((m) => el('li', { class: m.kind === 'damage' || m.kind === 'producer_return' ? 'ret' : '' },
    el('div', { class: 'top' }, el('span', {}, `${t('prod.move.' + m.kind)} · ${m.mall}`), el('span', {}, `${t('prod.qty')} ${m.qty}`)),
    row(m.item, when(m.at)), m.note ? el('div', { class: 'row' }, m.note) : null)));
}

async function loadPayouts() {
  const ps = await api('GET', base + '/payouts');
  $('#payout-list').replaceChildren(...(ps.length ? ps.map((p) => el('li', { class: p.status },
    el('div', { class: 'top' }, el('span', {}, `${t('prod.run')} ${p.run_no} · ${p.reference}`), el('span', {}, rs(p.amount))),
    row((has('prod.' + p.status) ? t('prod.' + p.status) : p.status), p.utr ? `${t('prod.utr')} ${p.utr}` : ''),
    p.paid_at ? row(t('prod.paidOn'), day(p.paid_at)) : null,
    row(t('prod.gross'), rs(p.gross)), row(t('prod.tax'), '−' + rs(p.tax)), row(t('prod.commission'), '−' + rs(p.commission)),
    row(t('prod.commGST'), '−' + rs(p.commission_gst)), row(t('prod.returnsTaken'), rs(p.returns_net)),
    paise(p.damage) ? row(t('prod.damagePaid'), rs(p.damage)) : null,
    row(t('prod.broughtForward'), rs(p.brought_forward)))) : [el('li', {}, t('prod.noPayouts'))]));
  const docs = await api('GET', base + '/invoices');
  $('#doc-list').replaceChildren(...docs.map((d) => el('li', {},
    el('div', { class: 'top' }, el('span', {}, `${d.kind === 'tax_invoice' ? t('prod.taxInvoice') : t('prod.statement')} ${d.number}`), el('span', {}, rs(d.total))),
    row(`${d.mall} · ${t('prod.run')} ${d.run_no}`, day(d.issued_at)),
    el('button', { type: 'button', onclick: () => openPage(base + '/invoices/' + encodeURIComponent(d.id) + '?format=html').catch(fail) }, t('prod.open')))));
}

// A link cannot carry the bearer token, so a printable page is fetched and opened from a blob.
async function openPage(path) {
  const html = await api('GET', path, null, { accept: 'text/html', raw: true });
  window.open(URL.createObjectURL(new Blob([html], { type: 'text/html' })), '_blank');
}

function stPeriod() {
  const q = new URLSearchParams();
  if ($('#st-from').value) q.set('from', $('#st-from').value);
  if ($('#st-to').value) q.set('to', $('#st-to').value);
  return q.toString();
}

async function loadStatement() {
  const st = await api('GET', base + '/statement?' + stPeriod());
  $('#st-sum').replaceChildren(el('div', {}, t('prod.opening'), el('b', {}, rs(st.opening_balance))),
    el('div', {}, t('prod.credits'), el('b', {}, rs(st.credits))), el('div', {}, t('prod.debits'), el('b', {}, rs(st.debits))),
    el('div', {}, t('prod.closing'), el('b', { id: 'st-closing' }, rs(st.closing_balance))));
  const last = st.lines.slice(-200).reverse();
  $('#st-list').replaceChildren(...last.map((l) => el('li', {},
    el('div', { class: 'top' }, el('span', {}, (has('prod.kind.' + l.kind) ? t('prod.kind.' + l.kind) : l.kind)), el('span', {}, paise(l.credit) ? '+' + rs(l.credit) : '−' + rs(l.debit))),
    row(when(l.at), `${l.mall} ${l.ref}`))));
}

$('#st-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadStatement().catch(fail); });
// A link cannot carry the bearer token, so both are fetched and handed over.
$('#st-csv').addEventListener('click', async () => {
  const text = await api('GET', base + '/statement?' + stPeriod(), null, { accept: 'text/csv', raw: true });
  const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })), download: 'statement.csv' });
  document.body.append(a); a.click(); a.remove();
});
$('#st-print').addEventListener('click', async () => {
  const html = await api('GET', base + '/statement?format=html&' + stPeriod(), null, { accept: 'text/html', raw: true });
  window.open(URL.createObjectURL(new Blob([html], { type: 'text/html' })), '_blank');
});

$('#setup-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  clearErrors(f);
  $('#setup-ok').hidden = true;
  if (!f.elements.code.value.trim()) { showError(f.elements.code, t('prod.needCode')); return; }
  try {
    const r = await api('POST', '/api/v1/auth/setup', { code: f.elements.code.value.trim(), password: f.elements.password.value });
    f.reset();
    $('#setup-ok').textContent = t('prod.setupDone', r.username);
    $('#setup-ok').hidden = false;
    $('#login-user').value = r.username;
    $('#login-pass').focus();
  } catch (e) { showError(f.elements.password, words.explain(e)); }
});

$('#lang-btn').addEventListener('click', () => setLang(nextLang()));
onLang(() => {
  translate();
  drawMe();
  if (!$('#app-view').hidden) loaders[current]().catch(fail);
});
loginForm($('#login-form'), ['producer', 'district_officer'], async (login) => { await fromLogin(login); translate(); start().catch(fail); }, words);
whenLoggedOut(() => { session.clear(); show('login'); showError($('#login-pass'), t('prod.expired')); });
$('#logout-btn').addEventListener('click', async () => { await logout(); show('login'); });

translate();
const setup = /setup=([^&]+)/.exec(location.hash);
if (setup) { $('#setup-code').value = decodeURIComponent(setup[1]); history.replaceState(null, '', location.pathname); }
if (session.user && ['producer', 'district_officer'].includes(session.user.role)) start().catch(fail); else show('login');
