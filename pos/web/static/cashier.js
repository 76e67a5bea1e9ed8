// The cashier's till: log in, open a shift, ring sales from the keyboard.
import { $, $$, el, api, session, whenLoggedOut, loginForm, logout, showError, clearErrors, inr, amount, paise } from './common.js';
import { t, setLang, nextLang, applyI18n, explain, loginWords, fillPickers, fromLogin, onLang, pname, origin } from './i18n.js';
import { Cart, lineOff, normDiscount, withinLimit } from './cart.js';
import { initApprove, askApproval } from './approve.js';
import { openPay, initPay, pendingAttempt, finishPending, discardPending } from './pay.js';
import { showDoc, initDocs, printDoc } from './docs.js';
import { openReturn, initReturns, remember } from './returns.js';
import { openClose, initClose } from './shift.js';
import { park, openRecall, initPark } from './park.js';
import { watchSync } from './sync.js';

const SHIFT = 'ekta.shift';
const views = ['login-view', 'shift-view', 'sell-view'];

/** What every part of the till shares. */
export const till = {
  cart: new Cart(),
  get user() { return session.user; },
  get shift() { try { return JSON.parse(sessionStorage.getItem(SHIFT) || 'null'); } catch { return null; } },
  set shift(s) { if (s) sessionStorage.setItem(SHIFT, JSON.stringify(s)); else sessionStorage.removeItem(SHIFT); },
  products: new Map(), // sku and barcode → product, so repeat scans need no request
  // How this till rings for the user (GET /api/v1/till); until it loads,
  // the server alone judges discounts.
  rules: { round_off: 'rupee', pan_above: '200000.00', named_buyer_from: '50000.00', discount_limit_bp: 10000 },
  render,
  focusScan,
  saleDone,
  show,
  message,
};

function show(view) {
  for (const v of views) $('#' + v).hidden = v !== view;
  drawWho();
  const first = { 'login-view': '#login-user', 'shift-view': '#shift-float', 'sell-view': '#scan' }[view];
  $(first).focus();
}

function drawWho() {
  const u = session.user, sh = till.shift, selling = !$('#sell-view').hidden;
  $('#logout-btn').hidden = !u;
  $('#who').textContent = u ? [u.display_name || u.username, u.mall, sh && selling ? `${t('counter')} ${sh.counter}` : ''].filter(Boolean).join(' · ') : '';
}

/**
 * Gives the keyboard to the scan box. When a modal dialog closes, Chromium
 * hands the focus back to the scan box but leaves the text caret where it
 * was inside the dialog, so typed and scanned characters go nowhere; and
 * focus() on the element that already has the focus changes nothing. So
 * the box is blurred and focused again, which puts the caret in it.
 */
function focusScan() {
  if ($('#sell-view').hidden || document.querySelector('dialog[open]')) return;
  const s = $('#scan');
  if (document.activeElement === s) s.blur();
  s.focus();
  s.setSelectionRange(s.value.length, s.value.length);
}

// The message under the totals, kept as a key so a change of language redraws it.
let said = null;
function message(key, ...args) { said = key ? [key, args] : null; $('#sale-msg').textContent = key ? t(key, ...args) : ''; }

// ---- start-up: which screen ----

async function start() {
  applyI18n();
  fillPickers();
  const u = session.user;
  if (!u) return show('login-view');
  if (till.shift) return enterSelling();
  try {
    const sh = await api('GET', '/api/v1/shifts/current');
    if (sh && sh.id) { till.shift = { id: sh.id, counter: sh.counter }; return enterSelling(); }
  } catch (e) { if (e.status === 401) return; /* 404: no open shift, or not built: open one */ }
  show('shift-view');
}

async function enterSelling() {
  till.cart.bind({ user: session.user.username, shift: till.shift.id });
  try { const r = await api('GET', '/api/v1/till'); if (r && r.round_off) till.rules = r; } catch { /* the defaults stand */ }
  show('sell-view');
  render();
  const p = pendingAttempt();
  $('#pending-box').hidden = !p;
}

// ---- login and shift ----

loginForm($('#login-form'), ['cashier', 'mall_admin'], async (login) => { await fromLogin(login); start(); }, loginWords);

whenLoggedOut(() => { session.clear(); till.shift = null; till.cart.bind(null); show('login-view'); showError($('#login-pass'), t('e_unauthorized')); });

/** Back to an empty login form: the next person types their own name. */
function loggedOut() {
  till.shift = null;
  till.cart.bind(null);
  message('');
  $('#login-user').value = '';
  $('#login-pass').value = '';
  show('login-view');
}
till.loggedOut = loggedOut;

$('#logout-btn').addEventListener('click', async () => { await logout(); loggedOut(); });

$('#shift-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target, counter = f.elements.counter, fl = f.elements.float;
  clearErrors(f);
  const c = counter.value.trim().toUpperCase();
  if (!/^[A-Z0-9-]{1,8}$/.test(c)) { showError(counter, t('counterBad')); counter.focus(); return; }
  const p = paise(fl.value);
  if (isNaN(p) || p < 0) { showError(fl, t('floatBad')); fl.focus(); return; }
  localStorage.setItem('ekta.counter', c);
  try {
    const sh = await api('POST', '/api/v1/shifts', { counter: c, opening_float: amount(p) });
    till.shift = { id: sh.id, counter: sh.counter || c };
    enterSelling();
  } catch (e) {
    showError(e.field === 'counter' ? counter : fl, explain(e));
  }
});
$('#shift-counter').value = localStorage.getItem('ekta.counter') || 'C01';

// ---- the cart ----

function render() {
  const body = $('#cart tbody'), cart = till.cart;
  body.replaceChildren(...cart.lines.map((l, i) => el('tr', {
    class: i === cart.sel ? 'sel' : '', 'aria-selected': String(i === cart.sel), 'data-sku': l.sku,
    onclick: () => { cart.select(i); render(); focusScan(); },
  },
  el('td', { class: 'num' }, i + 1),
  el('td', {}, el('div', { class: 'name' }, pname(l)), el('div', { class: 'meta' }, [l.sku, origin(l), l.gi ? 'GI' : ''].filter(Boolean).join(' · '))),
  el('td', { class: 'num qty' }, l.qty),
  el('td', { class: 'num' }, inr(l.mrp)),
  el('td', { class: 'num disc' }, l.discount ? `${l.discount.endsWith('%') ? l.discount + ' ' : ''}−${inr(lineOff(l))}` : '', approvalNote(l)),
  el('td', { class: 'num' }, inr(l.mrp * l.qty - lineOff(l))))));
  $('#cart-empty').hidden = !cart.empty;
  const tot = cart.totals();
  $('#t-items').textContent = tot.items;
  $('#t-disc').textContent = inr(tot.off);
  $('#t-total').textContent = inr(tot.total);
  const sel = body.querySelector('tr.sel');
  if (sel) sel.scrollIntoView({ block: 'nearest' });
}

// approvalNote says who approved a discount over the limit, or that it still needs approval.
function approvalNote(l) {
  if (!l.discount) return null;
  if (l.approval) return el('div', { class: 'meta ok' }, t('approvedBy', l.approval.approver));
  if (!withinLimit(lineOff(l), l.mrp * l.qty, till.rules.discount_limit_bp)) return el('div', { class: 'meta bad' }, t('needsApproval'));
  return null;
}

async function lookup(code) {
  if (till.products.has(code)) return till.products.get(code);
  const p = await api('GET', '/api/v1/products/' + encodeURIComponent(code));
  till.products.set(p.sku, p); if (p.barcode) till.products.set(p.barcode, p);
  return p;
}

$('#scan-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('#scan');
  let code = input.value.trim(), qty = 1;
  if (!code) return;
  const m = /^(\d{1,3})\s*[*xX]\s*(.+)$/.exec(code); // "3*8901234567890" rings three
  if (m) { qty = Number(m[1]); code = m[2].trim(); }
  input.value = '';
  showError(input, '');
  message('');
  try {
    const p = await lookup(code);
    till.cart.add(p, Math.max(1, Math.min(999, qty)));
    render();
  } catch (e) {
    showError(input, e.status === 404 && !e.notAvailable ? `${t('e_unknownItem')} (${code})` : explain(e));
  }
});

// ---- quantity and discount ----

let editing = null;
function openEdit(kind) {
  const l = till.cart.current;
  if (!l) { showError($('#action-err'), t('emptyCart')); return; }
  editing = kind;
  $('#edit-h').textContent = t(kind === 'qty' ? 'qtyTitle' : 'discTitle');
  $('#edit-label').textContent = kind === 'qty' ? t('quantity') + ' (1–999)' : t('discLabel');
  $('#edit-item').textContent = `${pname(l)} — ${inr(l.mrp)}`;
  const v = $('#edit-val');
  v.value = kind === 'qty' ? l.qty : l.discount;
  v.inputMode = kind === 'qty' ? 'numeric' : 'decimal';
  clearErrors($('#edit-form'));
  $('#edit-dlg').showModal();
  v.select();
}

$('#edit-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const v = $('#edit-val'), i = till.cart.sel, l = till.cart.current;
  if (editing === 'qty') {
    const q = Number(v.value.trim());
    if (!Number.isInteger(q) || q < 1 || q > 999) { showError(v, t('qtyBad')); v.select(); return; }
    till.cart.setQty(i, q);
  } else {
    let d;
    try { d = normDiscount(v.value, l.mrp * l.qty); } catch (e) { showError(v, t(e.message)); v.select(); return; }
    // Over the cashier's limit: ask a mall admin now, before the customer
    // is told the price, not at payment.
    if (d && !withinLimit(lineOff({ ...l, discount: d }), l.mrp * l.qty, till.rules.discount_limit_bp)) {
      $('#edit-dlg').close();
      askApproval(i, d);
      return;
    }
    till.cart.setDiscount(i, d);
  }
  $('#edit-dlg').close();
  render();
});

function bumpQty(d) {
  const l = till.cart.current;
  if (!l) return;
  const q = l.qty + d;
  if (q < 1) return removeLine();
  till.cart.setQty(till.cart.sel, Math.min(999, q));
  render();
}

function removeLine() {
  if (till.cart.sel < 0) return;
  till.cart.remove(till.cart.sel);
  render();
}

function saleDone(sale) {
  remember(sale);
  till.cart.clear();
  $('#pending-box').hidden = true;
  render();
  message('saleDone', sale.invoice_no);
  showDoc('invoice', sale);
}

// ---- search ----

let searchTimer, results = [], pick = -1;
$('#search-q').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 150); });
async function runSearch() {
  const q = $('#search-q').value.trim(), list = $('#search-list');
  showError($('#search-q'), '');
  if (q.length < 2) { list.replaceChildren(); results = []; return; }
  try {
    results = (await api('GET', '/api/v1/products?q=' + encodeURIComponent(q))) || [];
  } catch (e) { showError($('#search-q'), explain(e)); return; }
  pick = results.length ? 0 : -1;
  drawResults();
}
function drawResults() {
  const list = $('#search-list');
  if (!results.length) { list.replaceChildren(el('li', { class: 'hint' }, t('noResults'))); return; }
  list.replaceChildren(...results.slice(0, 50).map((p, i) => el('li', {
    role: 'option', id: 'opt-' + i, 'aria-selected': String(i === pick), class: i === pick ? 'sel' : '',
    onclick: () => { pick = i; addPicked(); },
  }, el('span', { class: 'name' }, pname(p)), el('span', { class: 'meta' }, `${origin(p)}${p.gi ? ' · GI' : ''}`), el('span', { class: 'num' }, inr(paise(p.mrp))))));
  $('#search-q').setAttribute('aria-activedescendant', pick >= 0 ? 'opt-' + pick : '');
  const s = list.querySelector('.sel'); if (s) s.scrollIntoView({ block: 'nearest' });
}
function addPicked() {
  const p = results[pick];
  if (!p) return;
  till.products.set(p.sku, p);
  till.cart.add(p);
  $('#search-dlg').close();
  render();
}
$('#search-q').addEventListener('keydown', (ev) => {
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    ev.preventDefault();
    if (!results.length) return;
    pick = (pick + (ev.key === 'ArrowDown' ? 1 : -1) + Math.min(50, results.length)) % Math.min(50, results.length);
    drawResults();
  } else if (ev.key === 'Enter') { ev.preventDefault(); addPicked(); }
});
function openSearch() {
  $('#search-q').value = ''; $('#search-list').replaceChildren(); results = [];
  $('#search-dlg').showModal(); $('#search-q').focus();
}

// ---- buttons and keys ----

const actions = {
  search: openSearch, qty: () => openEdit('qty'), disc: () => openEdit('disc'), remove: removeLine,
  park: () => park(), recall: () => openRecall(), pay: () => openPay(), ret: () => openReturn(),
  reprint: () => printDoc(), close: () => openClose(),
};
const buttons = { 'search-btn': 'search', 'qty-btn': 'qty', 'disc-btn': 'disc', 'remove-btn': 'remove', 'park-btn': 'park',
  'recall-btn': 'recall', 'pay-btn': 'pay', 'return-btn': 'ret', 'reprint-btn': 'reprint', 'close-btn': 'close' };
for (const [id, a] of Object.entries(buttons)) $('#' + id).addEventListener('click', () => { showError($('#action-err'), ''); actions[a](); });

const fkeys = { F2: 'search', F3: 'qty', F4: 'disc', F7: 'park', F8: 'recall', F9: 'pay' };
const altKeys = { r: 'ret', z: 'close', p: 'reprint' };

document.addEventListener('keydown', (ev) => {
  if (ev.altKey && ev.key.toLowerCase() === 'l') { ev.preventDefault(); toggleLang(); return; }
  if ($('#sell-view').hidden || document.querySelector('dialog[open]')) return;
  const scanEmpty = $('#scan').value === '';
  let a = fkeys[ev.key] || (ev.altKey && altKeys[ev.key.toLowerCase()]);
  if (!a && scanEmpty && document.activeElement === $('#scan')) {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault(); till.cart.select(till.cart.sel + (ev.key === 'ArrowDown' ? 1 : -1)); render(); return;
    }
    if (ev.key === '+' || ev.key === '-') { ev.preventDefault(); bumpQty(ev.key === '+' ? 1 : -1); return; }
    if (ev.key === 'Delete') a = 'remove';
  }
  if (a) { ev.preventDefault(); showError($('#action-err'), ''); actions[a](); }
});

// Every dialog gives the keyboard back to the scanner when it closes.
for (const d of $$('dialog')) {
  d.addEventListener('close', () => setTimeout(focusScan, 0));
  // At once too, not only on the close event: a scanner may fire the next
  // code a moment after the click.
  for (const b of $$('.cancel', d)) b.addEventListener('click', () => { d.close(); focusScan(); });
}

function toggleLang() { setLang(nextLang()); }
// Words drawn by code follow a change of language at once.
onLang(() => {
  drawWho();
  render();
  if (said) message(said[0], ...said[1]);
});

$('#pending-finish').addEventListener('click', () => finishPending());
$('#pending-discard').addEventListener('click', () => { discardPending(); $('#pending-box').hidden = true; focusScan(); });

initApprove(till); initPay(till); initDocs(till); initReturns(till); initClose(till); initPark(till);
watchSync();
start();
