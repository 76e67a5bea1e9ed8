// The cart being rung up: lines priced in paise for the preview (the
// server prices the sale; the preview uses the same rules), kept in
// sessionStorage so a reload loses nothing.
import { paise, amount } from './common.js';

const KEY = 'ekta.cart';

export class Cart {
  constructor() {
    this.lines = [];
    this.sel = -1;
    try {
      const saved = JSON.parse(sessionStorage.getItem(KEY) || 'null');
      if (saved && Array.isArray(saved.lines)) { this.lines = saved.lines; this.sel = saved.sel ?? this.lines.length - 1; }
    } catch { /* a broken save starts empty */ }
  }

  save() { sessionStorage.setItem(KEY, JSON.stringify({ lines: this.lines, sel: this.sel })); }

  /** Adds qty of product p: a second scan of the same item adds to its line. */
  add(p, qty = 1) {
    const i = this.lines.findIndex((l) => l.sku === p.sku && !l.discount);
    if (i >= 0) { this.lines[i].qty = Math.min(999, this.lines[i].qty + qty); this.sel = i; }
    else {
      this.lines.push({ sku: p.sku, name: p.name, barcode: p.barcode, mrp: paise(p.mrp), qty, discount: '',
        state: p.state, district: p.district, gi: !!p.gi });
      this.sel = this.lines.length - 1;
    }
    this.save();
  }

  get current() { return this.lines[this.sel]; }

  setQty(i, q) { this.lines[i].qty = q; this.save(); }

  setDiscount(i, d) { this.lines[i].discount = d; this.save(); }

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

  totals() {
    let items = 0, gross = 0, off = 0;
    for (const l of this.lines) { items += l.qty; gross += l.mrp * l.qty; off += lineOff(l); }
    return { items, gross, off, total: gross - off };
  }
}

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
