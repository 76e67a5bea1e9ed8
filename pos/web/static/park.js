// Park a cart (the customer fetches one more thing) and recall it later.
// Carts are parked on the mall server per counter; a server without that
// endpoint keeps them on this till.
import { $, el, api, paise, inr, showError, uuid, when } from './common.js';
import { t, explain, pname } from './i18n.js';
import { lineOff } from './cart.js';

const LOCAL = 'ekta.parked';
let till;

export function initPark(t0) { till = t0; }

function local() { try { return JSON.parse(localStorage.getItem(LOCAL) || '[]'); } catch { return []; } }

export async function park() {
  if (till.cart.empty) { showError($('#action-err'), t('emptyCart')); return; }
  const lines = till.cart.request();
  try {
    await api('POST', '/api/v1/parked', { shift_id: till.shift.id, lines }, { key: uuid() });
  } catch (e) {
    if (!e.notAvailable) { showError($('#action-err'), explain(e)); return; }
    const all = local();
    all.push({ id: 'local-' + Date.now(), counter: till.shift.counter, at: new Date().toISOString(), lines: till.cart.lines, local: true });
    localStorage.setItem(LOCAL, JSON.stringify(all));
  }
  till.cart.clear();
  till.render();
  till.message('parkDone');
  till.focusScan();
}

export async function openRecall() {
  let carts = [];
  showError($('#recall-err'), '');
  try {
    const r = await api('GET', '/api/v1/parked?counter=' + encodeURIComponent(till.shift.counter));
    carts = Array.isArray(r) ? r : [];
  } catch (e) {
    if (!e.notAvailable) showError($('#recall-err'), explain(e));
  }
  carts = carts.concat(local().filter((c) => c.counter === till.shift.counter));
  const full = await Promise.all(carts.map((c) => priced(c.lines || []).catch(() => null)));
  const list = $('#recall-list');
  list.replaceChildren(...(carts.length ? carts.map((c, i) => el('li', {},
    el('button', { type: 'button', class: 'pick', onclick: () => recall(c) },
      t('parkedLine', i + 1, when(c.at || c.parked_at), (c.lines || []).reduce((n, l) => n + (l.qty || 0), 0),
        full[i] ? inr(full[i].reduce((s, l) => s + l.mrp * l.qty - lineOff(l), 0)) : '—'),
      full[i] ? el('span', { class: 'meta' }, ' ' + full[i].map((l) => pname(l)).join(', ')) : null,
      c.local ? ' ' + t('localOnly') : ''))) : [el('li', { class: 'hint' }, t('noParked'))]));
  $('#recall-dlg').showModal();
  const first = list.querySelector('button');
  if (first) first.focus();
}

/** Cart lines with names and prices: server carts carry only sku, qty and discount. */
async function priced(lines) {
  const full = [];
  for (const l of lines) {
    if (l.name && l.mrp !== undefined) { full.push(l); continue; }
    let p = till.products.get(l.sku);
    if (!p) { p = await api('GET', '/api/v1/products/' + encodeURIComponent(l.sku)); till.products.set(p.sku, p); }
    full.push({ sku: p.sku, name: p.name, names: p.names || {}, barcode: p.barcode, mrp: paise(p.mrp), qty: l.qty, discount: l.discount || '',
      state: p.state, district_id: p.district_id, district: p.district, gi: !!p.gi });
  }
  return full;
}

async function recall(c) {
  try {
    let lines = c.lines;
    if (c.local) {
      localStorage.setItem(LOCAL, JSON.stringify(local().filter((x) => x.id !== c.id)));
    } else {
      const r = await api('POST', `/api/v1/parked/${encodeURIComponent(c.id)}/recall`, { shift_id: till.shift.id });
      lines = (r && r.lines) || c.lines;
    }
    const full = await priced(lines);
    if (!till.cart.empty) await park(); // never lose the cart on screen
    till.cart.replace(full);
    $('#recall-dlg').close();
    till.render();
  } catch (e) {
    showError($('#recall-err'), explain(e));
  }
}
