// Online orders on the zone manager's screen (issue 22): the zone's orders
// to fulfil with a button for the next step (picked, packed, hand over
// with the courier's AWB, which issues the invoice), and for a parcel that
// came back, taking it back to the backroom or damaged as inspected.
import { $, el, api, showError } from './common.js';
import { t, explain } from './i18n.js';
import { Z, loadStock } from './zone.js';

const tab = $('#tab-online');
tab.addEventListener('click', () => load());
$('#on-all').addEventListener('change', () => load());

async function load() {
  showError($('#on-err'), '');
  let orders = [];
  try { orders = (await api('GET', Z() + '/online-orders' + ($('#on-all').checked ? '' : '?open=1'))) || []; } catch (e) { showError($('#on-err'), explain(e)); }
  const body = $('#on-table tbody');
  if (!orders.length) { body.replaceChildren(el('tr', {}, el('td', { colspan: 5 }, t('zon.none')))); return; }
  body.replaceChildren(...orders.map(row));
}

const st = (s) => t('zon.st.' + s);

function row(o) {
  const d = o.deliver_to;
  const items = o.lines.map((l) => `${l.qty} × ${l.name || l.sku} (${st(l.status)}${l.invoice_no ? ' · ' + t('zon.invoice', l.invoice_no) : ''}${l.awb ? ' · AWB ' + l.awb : ''})`).join('; ');
  const tr = el('tr', { 'data-order': o.order_id },
    el('td', {}, `${o.order_id} · ${o.channel}`),
    el('td', {}, `${d.name}, ${d.address}, ${d.state} ${d.pincode}`),
    el('td', {}, items),
    el('td', { class: 'on-status' }, st(o.status)),
    el('td', {}, ...actions(o)));
  return tr;
}

async function step(o, what, body) {
  showError($('#on-err'), '');
  try {
    const got = await api('POST', Z() + '/online-orders/' + what, { channel: o.channel, order_id: o.order_id, ...body });
    $('#on-done').textContent = t('zon.done', o.order_id, st(got.status));
    await load();
    loadStock();
  } catch (e) { showError($('#on-err'), explain(e)); }
}

function actions(o) {
  const b = (label, fn, cls) => { const x = el('button', { type: 'button', class: cls || '' }, label); x.addEventListener('click', fn); return x; };
  switch (o.status) {
    case 'reserved': return [b(t('zon.pick'), () => step(o, 'pick'), 'primary on-pick')];
    case 'picked': return [b(t('zon.pack'), () => step(o, 'pack'), 'primary on-pack')];
    case 'packed': {
      const awb = el('input', { class: 'on-awb', 'aria-label': t('zon.awb'), placeholder: t('zon.awb'), autocomplete: 'off' });
      return [awb, b(t('zon.ship'), () => {
        if (!/^[A-Za-z0-9-]{6,30}$/.test(awb.value.trim())) { showError(awb, t('zon.needAwb')); awb.focus(); return; }
        step(o, 'ship', { awb: awb.value.trim() });
      }, 'primary on-ship')];
    }
    case 'shipped': {
      const kind = el('select', { class: 'on-kind', 'aria-label': t('zon.return') },
        el('option', { value: 'rto' }, t('zon.rto')), el('option', { value: 'customer' }, t('zon.customer')));
      const to = el('select', { class: 'on-to', 'aria-label': t('zon.return') },
        el('option', { value: 'backroom' }, t('zon.resaleable')), el('option', { value: 'damaged' }, t('zon.damaged')));
      return [kind, to, b(t('zon.return'), () => step(o, 'return', { kind: kind.value, restock_to: to.value }), 'on-return')];
    }
  }
  return [];
}
