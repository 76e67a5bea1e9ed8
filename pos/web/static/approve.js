// A mall admin's approval of a discount over the cashier's limit, given
// on the cashier's screen: the admin types their username and password (or
// PIN); the approval (POST /api/v1/approvals) is scoped to that line's
// product and that discount, and the sale carries its token.
import { $, api, amount, inr, showError, clearErrors } from './common.js';
import { t, explain, pname } from './i18n.js';
import { lineOff, coveringBP, pct } from './cart.js';

let till, pending = null, busy = false;

export function initApprove(t0) {
  till = t0;
  $('#appr-form').addEventListener('submit', (ev) => { ev.preventDefault(); submit(); });
  $('#appr-dlg').addEventListener('close', () => { $('#appr-pass').value = ''; pending = null; });
}

/**
 * Asks for approval of discount d on line i (the discount is applied only
 * once approved). The scope covers every over-limit line of the cart, as a
 * sale carries one approval.
 */
export function askApproval(i, d) {
  const l = till.cart.lines[i];
  const trial = { ...l, discount: d };
  const off = lineOff(trial), gross = l.mrp * l.qty;
  pending = { i, d, off, bp: coveringBP(off, gross) };
  clearErrors($('#appr-form'));
  $('#appr-what').textContent = t('approveWhat', pname(l), d.endsWith('%') ? d : inr(off), inr(off));
  $('#appr-limit').textContent = t('discOverLimit', pct(till.rules.discount_limit_bp).replace('%', ''));
  $('#appr-user').value = '';
  $('#appr-pass').value = '';
  $('#appr-dlg').showModal();
  $('#appr-user').focus();
}

async function submit() {
  if (busy || !pending) return;
  const u = $('#appr-user'), p = $('#appr-pass');
  clearErrors($('#appr-form'));
  if (!u.value.trim()) { showError(u, t('needUser')); u.focus(); return; }
  if (!p.value) { showError(p, t('needPassword')); p.focus(); return; }
  const cart = till.cart, { i, d, off, bp } = pending, l = cart.lines[i];
  // Other lines already approved stay covered by the new token.
  const others = cart.lines.filter((x, j) => j !== i && x.approval);
  const body = { username: u.value.trim(), password: p.value, discount: pct(Math.max(bp, ...others.map((x) => x.approval.bp))),
    max_amount: amount(off + others.reduce((s, x) => s + x.approval.off, 0)) };
  if (!others.length || others.every((x) => x.sku === l.sku)) body.sku = l.sku;
  busy = true; $('#appr-submit').disabled = true;
  try {
    const a = await api('POST', '/api/v1/approvals', body);
    cart.setDiscount(i, d, { token: a.approval_token, approver: a.approver, bp, off });
    cart.shareApproval(a.approval_token);
    $('#appr-dlg').close();
    till.render();
  } catch (e) {
    showError(p, e.code === 'forbidden' ? t('approvalBad') : explain(e));
    p.select();
  } finally { busy = false; $('#appr-submit').disabled = false; }
}
