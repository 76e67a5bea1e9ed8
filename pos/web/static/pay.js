// Taking payment: cash with change, UPI with a QR, card with its slip
// reference, or any split of them. One Idempotency-Key per sale attempt,
// kept in sessionStorage with the exact body, so a double click, a retry
// after a network error or a page reload can never charge twice.
import { $, api, uuid, paise, amount, inr, showError, clearErrors } from './common.js';
import { t, explain } from './i18n.js';

const PENDING = 'ekta.pendingSale';
let till, due = 0, busy = false;

/** The payable amount in paise: the total rounded as the mall rounds it, halves up. */
export function payable(total) {
  switch (till.rules.round_off) {
    case 'off': return total;
    case '50p': return Math.floor((total + 25) / 50) * 50;
    default: return Math.floor((total + 50) / 100) * 100;
  }
}

const buyerFields = { gstin: '#buyer-gstin', name: '#buyer-name', address: '#buyer-address', state: '#buyer-state', pan: '#buyer-pan', form60: '#buyer-form60' };

/** The buyer and delivery address typed in, as the API takes them (absent when empty). */
function partyOf() {
  const v = (id) => $(id).value.trim();
  const up = new Set(['gstin', 'state', 'pan']);
  const buyer = {};
  for (const [k, id] of Object.entries(buyerFields)) if (v(id)) buyer[k] = up.has(k) ? v(id).toUpperCase() : v(id);
  const out = {};
  if (Object.keys(buyer).length) out.buyer = buyer;
  if (v('#ship-address') || v('#ship-state')) {
    out.deliver_to = { address: v('#ship-address'), state: v('#ship-state').toUpperCase() };
    if (buyer.name) out.deliver_to.name = buyer.name;
    if (v('#ship-pincode')) out.deliver_to.pincode = v('#ship-pincode');
  }
  return out;
}

export function pendingAttempt() {
  try { return JSON.parse(sessionStorage.getItem(PENDING) || 'null'); } catch { return null; }
}
export function discardPending() { sessionStorage.removeItem(PENDING); }

/** The attempt for body: the pending one if it is the same sale, else a new key. */
function attemptFor(body) {
  const p = pendingAttempt(), text = JSON.stringify(body);
  if (p && p.body === text) return p;
  const a = { key: uuid(), body: text, at: new Date().toISOString() };
  sessionStorage.setItem(PENDING, JSON.stringify(a));
  return a;
}

async function send(a, errSlot) {
  if (busy) return;
  busy = true;
  $('#pay-submit').disabled = true; $('#pending-finish').disabled = true;
  try {
    const sale = await api('POST', '/api/v1/sales', JSON.parse(a.body), { key: a.key });
    discardPending();
    if ($('#pay-dlg').open) $('#pay-dlg').close();
    till.saleDone(sale);
  } catch (e) {
    // The server refused this sale (bad input, closed shift): nothing was
    // charged, so the next attempt may differ. Without an answer (network,
    // 5xx) the sale may have gone through: keep the key for the retry.
    if (e.status >= 400 && e.status < 500) discardPending();
    showError(errSlot, explain(e));
  } finally {
    busy = false;
    $('#pay-submit').disabled = false; $('#pending-finish').disabled = false;
  }
}

/** Sends the attempt left over from before a reload, with its own key. */
export function finishPending() {
  const a = pendingAttempt();
  if (a) send(a, $('#pending-err'));
}

export function openPay() {
  if (till.cart.empty) { showError($('#action-err'), t('emptyCart')); return; }
  const needs = till.cart.unapproved(till.rules.discount_limit_bp);
  if (needs >= 0) { till.cart.select(needs); till.render(); showError($('#action-err'), t('approvalAgain')); return; }
  const total = till.cart.totals().total;
  due = payable(total);
  clearErrors($('#pay-form'));
  $('#pay-total').textContent = inr(due);
  $('#pay-sum').textContent = inr(total);
  $('#pay-round').textContent = (due - total > 0 ? '+' : '') + amount(due - total);
  for (const id of [...Object.values(buyerFields), '#ship-address', '#ship-state', '#ship-pincode']) $(id).value = '';
  // Large sales need the buyer on the invoice: open the box and say why.
  const hints = [], rules = till.rules;
  if (due > paise(rules.pan_above)) hints.push(t('needPAN', inr(paise(rules.pan_above))));
  if (total > paise(rules.named_buyer_from)) hints.push(t('needNamed', inr(paise(rules.named_buyer_from))));
  $('#buyer-box').open = hints.length > 0;
  $('#buyer-hint').textContent = hints.join(' ');
  $('#buyer-hint').hidden = hints.length === 0;
  $('#pay-cash').value = amount(due); // a suggestion until the cashier types
  $('#pay-cash').dataset.typed = '';
  $('#pay-upi').value = ''; $('#pay-card').value = ''; $('#pay-upiref').value = ''; $('#pay-cardref').value = '';
  $('#qr-box').hidden = true;
  update();
  $('#pay-dlg').showModal();
  $('#pay-cash').select();
}

function read(id) {
  const v = $(id).value.trim();
  return v === '' ? 0 : paise(v);
}

/** Recomputes paid, still to pay and change; returns the tenders or null. */
function update() {
  const cash = read('#pay-cash'), upi = read('#pay-upi'), card = read('#pay-card');
  const bad = [cash, upi, card].some((x) => isNaN(x) || x < 0);
  const paid = bad ? 0 : cash + upi + card;
  $('#pay-due').textContent = inr(due);
  $('#pay-paid').textContent = bad ? '—' : inr(paid);
  const rest = Math.max(0, due - paid);
  $('#pay-rest').textContent = inr(rest);
  $('#pay-rest').classList.toggle('bad', rest > 0);
  const nonCash = upi + card;
  $('#pay-change').textContent = bad || nonCash > due ? '—' : inr(Math.max(0, paid - due));
  return { cash, upi, card, bad, paid, rest, nonCash };
}

export function initPay(t0) {
  till = t0;
  for (const id of ['#pay-cash', '#pay-upi', '#pay-card']) $(id).addEventListener('input', () => { $(id).dataset.typed = '1'; showError($(id), ''); update(); });
  const all = (id) => () => {
    for (const x of ['#pay-cash', '#pay-upi', '#pay-card']) $(x).value = x === id ? amount(due) : '';
    $('#pay-cash').dataset.typed = id === '#pay-cash' ? '1' : '';
    update(); $(id === '#pay-cash' ? id : id + 'ref').focus();
  };
  $('#pay-allcash').addEventListener('click', all('#pay-cash'));
  $('#pay-allupi').addEventListener('click', all('#pay-upi'));
  $('#pay-allcard').addEventListener('click', all('#pay-card'));
  $('#pay-qr').addEventListener('click', showQR);
  $('#pay-dlg').addEventListener('keydown', (ev) => {
    if (!ev.altKey) return;
    if (ev.key.toLowerCase() === 'b') { ev.preventDefault(); $('#buyer-box').open = true; $('#buyer-gstin').focus(); return; }
    if (ev.key.toLowerCase() === 'q') { ev.preventDefault(); showQR(); return; }
    const go = { c: '#pay-cash', u: '#pay-upi', k: '#pay-card' }[ev.key.toLowerCase()];
    if (go) { ev.preventDefault(); $(go).select(); }
  });
  $('#pay-form').addEventListener('submit', (ev) => { ev.preventDefault(); submit(); });
}

function submit() {
  clearErrors($('#pay-form'));
  const s = update();
  for (const id of ['#pay-cash', '#pay-upi', '#pay-card']) {
    const v = read(id);
    if (isNaN(v) || v < 0) { showError($(id), t('amountBad')); $(id).select(); return; }
  }
  if (s.nonCash > due) { showError($(s.upi ? '#pay-upi' : '#pay-card'), t('tooMuchNonCash')); return; }
  if (s.rest > 0) { showError($('#pay-err'), t('short', inr(s.rest))); $('#pay-cash').select(); return; }
  if (s.upi > 0 && !$('#pay-upiref').value.trim()) { showError($('#pay-upiref'), t('needRef')); $('#pay-upiref').focus(); return; }
  if (s.card > 0 && !$('#pay-cardref').value.trim()) { showError($('#pay-cardref'), t('needRef')); $('#pay-cardref').focus(); return; }
  const tenders = [];
  // Cash beyond what UPI and card leave is what the customer handed over;
  // the server works out the change from it.
  if (s.cash > 0) tenders.push({ method: 'cash', amount: amount(s.cash) });
  if (s.upi > 0) tenders.push({ method: 'upi', amount: amount(s.upi), ref: $('#pay-upiref').value.trim() });
  if (s.card > 0) tenders.push({ method: 'card', amount: amount(s.card), ref: $('#pay-cardref').value.trim() });
  const body = { shift_id: till.shift.id, lines: till.cart.request(), tenders, ...partyOf() };
  const approval = till.cart.approvalToken();
  if (approval) body.approval_token = approval;
  send(attemptFor(body), $('#pay-err'));
}

/** Asks the server for a upi://pay payload and draws it as a QR code. */
async function showQR() {
  showError($('#qr-err'), '');
  // The QR asks for what is still due after the cash and card typed in
  // (the whole UPI amount when one was typed).
  let amt = read('#pay-upi');
  if (!(amt > 0)) {
    // The suggested cash (the whole amount) is not money handed over.
    if (!$('#pay-cash').dataset.typed) $('#pay-cash').value = '';
    const other = (read('#pay-cash') || 0) + (read('#pay-card') || 0);
    amt = Math.max(0, due - other);
    if (amt === 0) { showError($('#qr-err'), t('nothingDue')); return; }
    $('#pay-upi').value = amount(amt);
    update();
  }
  try {
    const r = await api('GET', '/api/v1/upi-qr?amount=' + amount(amt));
    const payload = typeof r === 'string' ? r : Object.values(r || {}).find((v) => typeof v === 'string' && v.startsWith('upi://'));
    if (!payload) throw new Error('no upi:// payload in the answer');
    $('#qr-img').src = '/qr.svg?text=' + encodeURIComponent(payload);
    $('#qr-cap').textContent = t('qrFor', inr(amt));
    $('#qr-box').hidden = false;
    $('#pay-upiref').focus();
  } catch (e) {
    showError($('#qr-err'), explain(e));
  }
}
