// The producer's screen: their sales, stock by mall, payouts and
// statements, in English or Hindi, made for a phone. Every string a person
// reads is in WORDS below (one table per language), so the screens'
// translation files can take them over whole.
import { $, $$, el, api, session, whenLoggedOut, loginForm, logout, showError, clearErrors, paise, inr, when } from './common.js';

const WORDS = {
  en: {
    title: 'Producer', logout: 'Log out', loginTitle: 'Producer log in', username: 'Username', password: 'Password', login: 'Log in',
    firstTime: 'First time? Set your password with the code from finance', code: 'One-time code',
    newPassword: 'New password (8 or more characters)', setPassword: 'Set password',
    setupDone: (u) => `Password set. Log in as ${u}.`,
    tabSales: 'Sales', tabStock: 'Stock', tabPayouts: 'Payouts', tabStatement: 'Statement',
    salesHint: 'Every sale and return of your goods, as the hub has booked it (last 30 days).',
    stockHint: 'Your products and what each mall holds, as the hub knows it.',
    from: 'From', to: 'To', show: 'Show', csv: 'Download CSV', print: 'Printable page',
    sale: 'Sale', ret: 'Return', voided: 'cancelled', qty: 'Qty', price: 'Price', tax: 'GST', commission: 'Commission',
    commGST: 'GST on commission', share: 'Your share', sold: 'Sold', returns: 'Returns', lines: 'Lines',
    shelf: 'Shelf', backroom: 'Backroom', transit: 'In transit', damaged: 'Damaged', noStock: 'Not stocked at any mall yet',
    paid: 'Paid', failed: 'Failed', sent: 'Sent to bank', utr: 'Bank UTR', paidOn: 'Paid on', run: 'Settlement run',
    amount: 'Amount paid', gross: 'Sales (incl. GST)', returnsTaken: 'Returns taken back', broughtForward: 'Brought forward',
    noPayouts: 'No payouts yet.', noSales: 'No sales in this period.',
    opening: 'Opening balance', closing: 'Closing balance', credits: 'Credits', debits: 'Debits',
    kinds: { sale: 'Sale', return: 'Return', void: 'Cancelled sale', payout: 'Payout sent', payout_paid: 'Bank confirmed',
      payout_failed: 'Payout failed, owed again', payout_returned: 'Returned by bank' },
    needUser: 'Type your username.', needPassword: 'Type your password.', badLogin: 'Wrong username or password.',
    wrongRole: (r) => `This page is for producers; a ${r} logs in at the hub's main page.`,
    needCode: 'Type the code from finance.', expired: 'Your login has expired. Please log in again.',
    explain: (e) => e.status === 0 ? 'No answer from the hub. Check the network.' : e.message,
  },
  hi: {
    title: 'उत्पादक', logout: 'लॉग आउट', loginTitle: 'उत्पादक लॉग इन', username: 'उपयोगकर्ता नाम', password: 'पासवर्ड', login: 'लॉग इन',
    firstTime: 'पहली बार? वित्त विभाग से मिले कोड से पासवर्ड बनाएँ', code: 'एक-बार का कोड',
    newPassword: 'नया पासवर्ड (8 या अधिक अक्षर)', setPassword: 'पासवर्ड बनाएँ',
    setupDone: (u) => `पासवर्ड बन गया। ${u} के रूप में लॉग इन करें।`,
    tabSales: 'बिक्री', tabStock: 'स्टॉक', tabPayouts: 'भुगतान', tabStatement: 'विवरण',
    salesHint: 'आपके सामान की हर बिक्री और वापसी, जैसी हब ने दर्ज की (पिछले 30 दिन)।',
    stockHint: 'आपके उत्पाद और हर मॉल में उनका स्टॉक, जैसा हब जानता है।',
    from: 'से', to: 'तक', show: 'दिखाएँ', csv: 'CSV डाउनलोड करें', print: 'छापने योग्य पृष्ठ',
    sale: 'बिक्री', ret: 'वापसी', voided: 'रद्द', qty: 'मात्रा', price: 'मूल्य', tax: 'जीएसटी', commission: 'कमीशन',
    commGST: 'कमीशन पर जीएसटी', share: 'आपका हिस्सा', sold: 'बिक्री', returns: 'वापसी', lines: 'पंक्तियाँ',
    shelf: 'शेल्फ', backroom: 'गोदाम', transit: 'रास्ते में', damaged: 'क्षतिग्रस्त', noStock: 'अभी किसी मॉल में स्टॉक नहीं',
    paid: 'भुगतान हुआ', failed: 'विफल', sent: 'बैंक को भेजा', utr: 'बैंक UTR', paidOn: 'भुगतान की तिथि', run: 'निपटान क्रम',
    amount: 'भुगतान राशि', gross: 'बिक्री (जीएसटी सहित)', returnsTaken: 'वापसी की कटौती', broughtForward: 'पिछला शेष',
    noPayouts: 'अभी कोई भुगतान नहीं।', noSales: 'इस अवधि में कोई बिक्री नहीं।',
    opening: 'प्रारंभिक शेष', closing: 'अंतिम शेष', credits: 'जमा', debits: 'नामे',
    kinds: { sale: 'बिक्री', return: 'वापसी', void: 'रद्द बिक्री', payout: 'भुगतान भेजा', payout_paid: 'बैंक ने पुष्टि की',
      payout_failed: 'भुगतान विफल, फिर देय', payout_returned: 'बैंक ने लौटाया' },
    needUser: 'अपना उपयोगकर्ता नाम लिखें।', needPassword: 'अपना पासवर्ड लिखें।', badLogin: 'उपयोगकर्ता नाम या पासवर्ड गलत है।',
    wrongRole: (r) => `यह पृष्ठ उत्पादकों के लिए है; ${r} हब के मुख्य पृष्ठ पर लॉग इन करें।`,
    needCode: 'वित्त विभाग से मिला कोड लिखें।', expired: 'आपका लॉग इन समाप्त हो गया। फिर से लॉग इन करें।',
    explain: (e) => e.status === 0 ? 'हब से उत्तर नहीं मिला। नेटवर्क जाँचें।' : e.message,
  },
};
let lang = localStorage.getItem('ekta.lang') === 'hi' ? 'hi' : 'en';
const w = () => WORDS[lang];
// The login form reads its words when it needs them, so a language switch reaches it.
const words = new Proxy({}, { get: (_, k) => w()[k] });

function translate() {
  document.documentElement.lang = lang;
  for (const e of $$('[data-t]')) e.textContent = w()[e.dataset.t];
  $('#lang-btn').textContent = lang === 'en' ? 'हिन्दी' : 'English';
  $('#lang-btn').lang = lang === 'en' ? 'hi' : 'en';
}

const rs = (s) => inr(paise(s));
const day = (s) => new Date(s).toLocaleDateString(lang === 'hi' ? 'hi-IN' : 'en-IN', { timeZone: 'Asia/Kolkata', dateStyle: 'medium' });
const row = (k, v) => el('div', { class: 'row' }, el('span', {}, k), el('span', {}, v));

function show(view) {
  $('#login-view').hidden = view !== 'login';
  $('#app-view').hidden = view !== 'app';
  $('#logout-btn').hidden = view !== 'app';
}

let current = 'sales';
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

function fail(e) { const box = $('#me'); box.textContent = w().explain(e); }

async function start() {
  show('app');
  const me = await api('GET', '/api/v1/producer/me');
  $('#who').textContent = me.username;
  $('#me').textContent = `${me.name} · ${me.district_name}, ${me.state_name}`;
  select(current);
}

async function loadSales() {
  const ls = await api('GET', '/api/v1/producer/sales');
  let sold = 0, back = 0, share = 0;
  for (const l of ls) {
    if (l.voided) continue;
    if (l.kind === 'sale') sold += paise(l.amount); else back += paise(l.amount);
    share += paise(l.share);
  }
  $('#sales-sum').replaceChildren(el('div', {}, w().sold, el('b', {}, inr(sold))), el('div', {}, w().returns, el('b', {}, inr(back))),
    el('div', {}, w().share, el('b', {}, inr(share))), el('div', {}, w().lines, el('b', {}, String(ls.length))));
  $('#sales-list').replaceChildren(...(ls.length ? ls.map((l) => el('li', { class: l.kind === 'return' ? 'ret' : '' },
    el('div', { class: 'top' }, el('span', {}, `${l.kind === 'return' ? w().ret : w().sale} · ${l.mall}${l.voided ? ' · ' + w().voided : ''}`),
      el('span', {}, rs(l.amount))),
    el('div', { class: 'row' }, el('span', {}, l.item), el('span', {}, `${w().qty} ${l.qty}`)),
    row(when(l.at), l.document),
    row(w().tax, rs(l.tax)), row(w().commission, rs(l.commission)), row(w().commGST, rs(l.commission_gst)),
    row(w().share, rs(l.share)))) : [el('li', {}, w().noSales)]));
}

async function loadStock() {
  const ps = await api('GET', '/api/v1/producer/stock');
  $('#stock-list').replaceChildren(...ps.map((p) => el('li', {},
    el('div', { class: 'top' }, el('span', {}, p.name), el('span', {}, rs(p.mrp))),
    el('div', { class: 'row' }, el('span', {}, p.sku), el('span', {}, p.gi ? 'GI' : '')),
    ...(p.malls.length ? p.malls.map((m) => row(m.mall,
      `${w().shelf} ${m.shelf} · ${w().backroom} ${m.backroom} · ${w().transit} ${m.in_transit} · ${w().damaged} ${m.damaged}`))
      : [el('div', { class: 'row' }, w().noStock)]))));
}

async function loadPayouts() {
  const ps = await api('GET', '/api/v1/producer/payouts');
  $('#payout-list').replaceChildren(...(ps.length ? ps.map((p) => el('li', { class: p.status },
    el('div', { class: 'top' }, el('span', {}, `${w().run} ${p.run_no} · ${p.reference}`), el('span', {}, rs(p.amount))),
    row(w()[p.status] || p.status, p.utr ? `${w().utr} ${p.utr}` : ''),
    p.paid_at ? row(w().paidOn, day(p.paid_at)) : null,
    row(w().gross, rs(p.gross)), row(w().tax, '−' + rs(p.tax)), row(w().commission, '−' + rs(p.commission)),
    row(w().commGST, '−' + rs(p.commission_gst)), row(w().returnsTaken, rs(p.returns_net)),
    row(w().broughtForward, rs(p.brought_forward)))) : [el('li', {}, w().noPayouts)]));
}

function stPeriod() {
  const q = new URLSearchParams();
  if ($('#st-from').value) q.set('from', $('#st-from').value);
  if ($('#st-to').value) q.set('to', $('#st-to').value);
  return q.toString();
}

async function loadStatement() {
  const st = await api('GET', '/api/v1/producer/statement?' + stPeriod());
  $('#st-sum').replaceChildren(el('div', {}, w().opening, el('b', {}, rs(st.opening_balance))),
    el('div', {}, w().credits, el('b', {}, rs(st.credits))), el('div', {}, w().debits, el('b', {}, rs(st.debits))),
    el('div', {}, w().closing, el('b', { id: 'st-closing' }, rs(st.closing_balance))));
  const last = st.lines.slice(-200).reverse();
  $('#st-list').replaceChildren(...last.map((l) => el('li', {},
    el('div', { class: 'top' }, el('span', {}, w().kinds[l.kind] || l.kind), el('span', {}, paise(l.credit) ? '+' + rs(l.credit) : '−' + rs(l.debit))),
    row(when(l.at), `${l.mall} ${l.ref}`))));
}

$('#st-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadStatement().catch(fail); });
// A link cannot carry the bearer token, so both are fetched and handed over.
$('#st-csv').addEventListener('click', async () => {
  const text = await api('GET', '/api/v1/producer/statement?' + stPeriod(), null, { accept: 'text/csv', raw: true });
  const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })), download: 'statement.csv' });
  document.body.append(a); a.click(); a.remove();
});
$('#st-print').addEventListener('click', async () => {
  const html = await api('GET', '/api/v1/producer/statement?format=html&' + stPeriod(), null, { accept: 'text/html', raw: true });
  window.open(URL.createObjectURL(new Blob([html], { type: 'text/html' })), '_blank');
});

$('#setup-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  clearErrors(f);
  $('#setup-ok').hidden = true;
  if (!f.elements.code.value.trim()) { showError(f.elements.code, w().needCode); return; }
  try {
    const r = await api('POST', '/api/v1/auth/setup', { code: f.elements.code.value.trim(), password: f.elements.password.value });
    f.reset();
    $('#setup-ok').textContent = w().setupDone(r.username);
    $('#setup-ok').hidden = false;
    $('#login-user').value = r.username;
    $('#login-pass').focus();
  } catch (e) { showError(f.elements.password, w().explain(e)); }
});

$('#lang-btn').addEventListener('click', () => {
  lang = lang === 'en' ? 'hi' : 'en';
  localStorage.setItem('ekta.lang', lang);
  translate();
  if (!$('#app-view').hidden) loaders[current]().catch(fail);
});
loginForm($('#login-form'), ['producer'], () => start().catch(fail), words);
whenLoggedOut(() => { session.clear(); show('login'); showError($('#login-pass'), w().expired); });
$('#logout-btn').addEventListener('click', async () => { await logout(); show('login'); });

translate();
const setup = /setup=([^&]+)/.exec(location.hash);
if (setup) { $('#setup-code').value = decodeURIComponent(setup[1]); history.replaceState(null, '', location.pathname); }
if (session.user && session.user.role === 'producer') start().catch(fail); else show('login');
