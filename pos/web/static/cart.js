// The cart being rung up: lines priced in paise for the preview (the
// server prices the sale; the preview uses the same rules). A cart belongs
// to one user's shift: it is kept in sessionStorage under that user and
// shift (a reload loses nothing), and another cashier logging in on this
// till, or the same one in a new shift, starts with an empty cart.
import { paise, amount } from './common.js';

const PREFIX = 'ekta.cart.';

export class Cart {
  constructor() {
    this.lines = [];
    this.sel = -1;
    this.key = '';
  }

  /** Binds the cart to a user's shift (owner {user, shift}) or to nobody (null). */
  bind(owner) {
    this.key = owner && owner.user && owner.shift ? `${PREFIX}${owner.user}.${owner.shift}` : '';
    this.lines = []; this.sel = -1;
    if (!this.key) return;
    try {
      const saved = JSON.parse(sessionStorage.getItem(this.key) || 'null');
      if (saved && Array.isArray(saved.lines)) { this.lines = saved.lines; this.sel = saved.sel ?? this.lines.length - 1; }
    } catch { /* a broken save starts empty */ }
  }

  /** Forgets the cart of the bound shift for good (the shift closed). */
  discard() {
    if (this.key) sessionStorage.removeItem(this.key);
    this.lines = []; this.sel = -1;
  }

  save() { if (this.key) sessionStorage.setItem(this.key, JSON.stringify({ lines: this.lines, sel: this.sel })); }

  /** Adds qty of product p: a second scan of the same item adds to its line. */
  add(p, qty = 1) {
    const i = this.lines.findIndex((l) => l.sku === p.sku && !l.discount);
    if (i >= 0) { this.lines[i].qty = Math.min(999, this.lines[i].qty + qty); this.sel = i; }
    else {
      this.lines.push({ sku: p.sku, name: p.name, names: p.names || {}, barcode: p.barcode, mrp: paise(p.mrp), qty, discount: '',
        state: p.state, district_id: p.district_id, district: p.district, gi: !!p.gi });
      this.sel = this.lines.length - 1;
    }
    this.save();
  }

  get current() { return this.lines[this.sel]; }

  setQty(i, q) { this.lines[i].qty = q; this.recheck(i); this.save(); }

  /** Sets a line's discount; approval is the admin's approval covering it, if it needed one. */
  setDiscount(i, d, approval) {
    this.lines[i].discount = d;
    this.lines[i].approval = approval || null;
    this.save();
  }

  /** Gives every over-limit line the one approval token a sale can carry. */
  shareApproval(token) {
    for (const l of this.lines) if (l.approval) l.approval.token = token;
    this.save();
  }

  // An approval covers the discount the admin saw: a line that grew past
  // it (more pieces of a percentage discount) needs approving again.
  recheck(i) {
    const l = this.lines[i], a = l.approval;
    if (a && (lineOff(l) > a.off || lineOff(l) * 10000 > l.mrp * l.qty * a.bp)) l.approval = null;
  }

  remove(i) {
    this.lines.splice(i, 1);
    this.sel = Math.min(this.sel, this.lines.length - 1);
    this.save();
  }

  select(i) { if (i >= 0 && i < this.lines.length) { this.sel = i; this.save(); } }

  clear() { this.lines = []; this.sel = -1; this.save(); }

  replace(lines) { this.lines = lines; this.sel = lines.length - 1; this.save(); }

  get empty() { return this.lines.length === 0; }

  /** The lines as the sales API takes them. */
  request() {
    return this.lines.map((l) => (l.discount ? { sku: l.sku, qty: l.qty, discount: l.discount } : { sku: l.sku, qty: l.qty }));
  }

  /** The approval token the sale carries ('' when no line needed one). */
  approvalToken() {
    const a = this.lines.find((l) => l.approval && l.approval.token);
    return a ? a.approval.token : '';
  }

  /** The index of the first line over limitBP without an approval, or -1. */
  unapproved(limitBP) {
    return this.lines.findIndex((l) => l.discount && !l.approval && !withinLimit(lineOff(l), l.mrp * l.qty, limitBP));
  }

  totals() {
    let items = 0, gross = 0, off = 0;
    for (const l of this.lines) { items += l.qty; gross += l.mrp * l.qty; off += lineOff(l); }
    return { items, gross, off, total: gross - off };
  }
}

/** Whether a discount of off paise is within limitBP basis points of gross (integers, as the server checks). */
export function withinLimit(off, gross, limitBP) { return off * 10000 <= gross * limitBP; }

/** The discount on a line in paise: "50" off, or "10%" of the line rounded half up. */
export function lineOff(l) {
  const gross = l.mrp * l.qty;
  return Math.min(gross, discountOff(l.discount, gross));
}

export function discountOff(d, gross) {
  if (!d) return 0;
  const m = /^([0-9]{1,3})(?:\.([0-9]{1,2}))?%$/.exec(d);
  if (m) {
    const bp = Number(m[1]) * 100 + Number(((m[2] || '') + '00').slice(0, 2));
    return Math.round((gross * bp) / 10000);
  }
  return paise(d);
}

/** The smallest percentage, in basis points, that covers off paise of gross. */
export function coveringBP(off, gross) { return Math.ceil((off * 10000) / gross); }

/** Basis points as the API writes a percentage: 2500 → "25%", 1234 → "12.34%". */
export function pct(bp) { return (bp % 100 ? (bp / 100).toFixed(2) : String(bp / 100)) + '%'; }

/** Checks a discount as typed; returns its canonical form or throws a message key. */
export function normDiscount(s, gross) {
  s = s.trim().replace(/\s+/g, '');
  if (s === '' || s === '0') return '';
  if (/%$/.test(s)) {
    if (!/^([0-9]{1,3})(?:\.([0-9]{1,2}))?%$/.test(s)) throw new Error('discBad');
    const off = discountOff(s, gross);
    if (off <= 0 || off > gross) throw new Error('discBad');
    return s;
  }
  const p = paise(s);
  if (isNaN(p) || p <= 0) throw new Error('discBad');
  if (p > gross) throw new Error('discTooBig');
  return amount(p);
}
