// The link to the hub, shown in the header; a banner when the hub is
// unreachable (selling goes on) and another when this mall's own server is.
import { $, api, session } from './common.js';
import { t, onLang } from './i18n.js';

let last = null; // the last status, redrawn when the language changes

function draw() {
  const s = last, pill = $('#sync-pill');
  if (!s) return;
  pill.hidden = false;
  pill.className = 'pill ' + (s.connected ? 'good' : 'warn');
  pill.textContent = !s.connected ? t('hubDown') : s.pending > 0 ? t('pending', s.pending) : t('synced');
  const b = $('#offline-banner');
  b.hidden = !!s.connected;
  b.textContent = t('offline');
  pill.title = s.reason || '';
}

export function watchSync(every = 5000) {
  const tick = async () => {
    if (!session.token) { $('#sync-pill').hidden = true; last = null; return; }
    try {
      last = await api('GET', '/api/v1/sync');
      $('#server-banner').hidden = true;
      draw();
    } catch (e) {
      $('#server-banner').hidden = e.status !== 0;
      if (e.status !== 0) { $('#sync-pill').hidden = true; last = null; }
    }
  };
  onLang(draw);
  tick();
  return setInterval(tick, every);
}
