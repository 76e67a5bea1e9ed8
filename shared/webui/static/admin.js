// Staff and audit, at the mall (/admin) and the hub (/admin): the admin
// manages the users they are responsible for, admins (and finance at the
// hub) read the audit log, and everyone changes their own password.
import { $, $$, el, api, session, whenLoggedOut, loginForm, logout, showError, clearErrors, when } from './common.js';
import { t, explain, applyI18n, fillPickers, fromLogin, onLang, setLang, nextLang } from './i18n.js';

// What each role sees. The server enforces all of it; the screen only
// hides what would be refused.
const ADMIN = { mall_admin: ['cashier', 'zone_manager'], hub_admin: ['finance'] };
const AUDIT = ['mall_admin', 'hub_admin', 'finance'];
const ROLES = ['cashier', 'zone_manager', 'mall_admin', 'finance', 'hub_admin', 'producer'];
const roleName = (r) => (ROLES.includes(r) ? t('admin.role.' + r) : r);
const PAGE = 50;

const words = {
  get needUser() { return t('needUser'); }, get needPassword() { return t('needPassword'); },
  get badLogin() { return t('admin.badLogin'); },
  wrongRole: (r) => t('admin.wrongRole', r),
  explain,
};

loginForm($('#login-form'), ROLES.filter((r) => r !== 'producer'), async (login) => { await fromLogin(login); start(); }, words);
whenLoggedOut(() => { session.clear(); show('login'); showError($('#login-pass'), t('e_unauthorized')); });
$('#logout-btn').addEventListener('click', async () => { await logout(); $('#login-user').value = ''; show('login'); });

function show(view) {
  $('#login-view').hidden = view !== 'login';
  $('#app-view').hidden = view !== 'app';
  const u = session.user;
  $('#logout-btn').hidden = !u;
  $('#who').textContent = u ? `${u.display_name || u.username} · ${roleName(u.role)}` : '';
  if (view === 'login') $('#login-user').focus();
}

function start() {
  const u = session.user;
  if (!u) return show('login');
  $('#where').textContent = `${t('admin.staffAndAudit')} · ${u.mall || t('admin.hub')}`;
  const manages = ADMIN[u.role] || [];
  $('#tab-users').hidden = manages.length === 0;
  $('#tab-audit').hidden = !AUDIT.includes(u.role);
  $('#nu-role').replaceChildren(...manages.map((r) => el('option', { value: r }, roleName(r))));
  syncZone();
  show('app');
  selectTab(tabs.find((t) => !t.hidden));
}

// ---- tabs ----
const tabs = $$('[role=tab]');
function selectTab(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on)); t.tabIndex = on ? 0 : -1;
    $('#' + t.getAttribute('aria-controls')).hidden = !on;
  }
  ({ 'tab-users': loadUsers, 'tab-audit': () => loadAudit(false) })[tab.id]?.();
}
for (const t of tabs) {
  t.addEventListener('click', () => selectTab(t));
  t.addEventListener('keydown', (ev) => {
    const shown = tabs.filter((x) => !x.hidden), i = shown.indexOf(t);
    const j = { ArrowRight: i + 1, ArrowLeft: i - 1 }[ev.key];
    if (j !== undefined) { ev.preventDefault(); const n = shown[(j + shown.length) % shown.length]; n.focus(); selectTab(n); }
  });
}

/** Runs fn(), showing its error in slot; resolves to its value or undefined. */
async function guarded(slot, fn) {
  showError($(slot), '');
  try {
    const v = await fn();
    $('#server-banner').hidden = true;
    return v;
  } catch (e) {
    $('#server-banner').hidden = e.status !== 0;
    showError($(slot), explain(e));
    return undefined;
  }
}

function note(msg) {
  const n = $('#users-note');
  n.textContent = msg; n.hidden = !msg;
}

// ---- users ----

function syncZone() {
  const zm = $('#nu-role').value === 'zone_manager';
  $('#nu-zone').hidden = !zm; $('#nu-zone-label').hidden = !zm;
}
$('#nu-role').addEventListener('change', syncZone);

$('#new-user').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target, btn = f.querySelector('button[type=submit]');
  clearErrors(f); showError($('#nu-err'), ''); note('');
  const body = { username: $('#nu-username').value.trim(), display_name: $('#nu-name').value.trim(), role: $('#nu-role').value };
  if (!body.username) { showError($('#nu-username'), t('admin.enterUsername')); $('#nu-username').focus(); return; }
  if (body.role === 'zone_manager') {
    body.zone = $('#nu-zone').value.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(body.zone)) { showError($('#nu-zone'), t('admin.needZone')); $('#nu-zone').focus(); return; }
  }
  if ($('#nu-pass').value) body.password = $('#nu-pass').value;
  btn.disabled = true;
  try {
    const u = await guarded('#nu-err', () => api('POST', '/api/v1/users', body));
    if (!u) return;
    f.reset(); syncZone();
    note(u.password
      ? t('admin.createdWith', u.username, u.password)
      : t('admin.created', u.username));
    loadUsers();
  } finally { btn.disabled = false; }
});

async function loadUsers() {
  const list = await guarded('#users-err', () => api('GET', '/api/v1/users'));
  if (!list) return;
  const manages = ADMIN[session.user?.role] || [];
  $('#users').replaceChildren(...list.map((u) => {
    const mine = manages.includes(u.role);
    const status = !u.active ? el('span', { class: 'pill bad' }, t('admin.deactivated'))
      : u.locked ? el('span', { class: 'pill warn', title: t('admin.until', when(u.locked_until)) }, t('admin.locked'))
        : el('span', { class: 'pill good' }, t('admin.active'));
    // data-act keeps the English name (tests and scripts find the button by it).
    const act = (label, fn) => el('button', { type: 'button', 'data-act': label, onclick: fn }, t('admin.act.' + label.replace(/ /g, '')));
    return el('tr', { 'data-user': u.username },
      el('td', {}, el('strong', {}, u.username)), el('td', {}, u.display_name || ''), el('td', {}, roleName(u.role)),
      el('td', {}, u.zone || ''), el('td', {}, status),
      el('td', {}, mine ? [
        act('Reset password', () => resetPassword(u)),
        u.active ? act('Deactivate', () => setActive(u, false)) : act('Activate', () => setActive(u, true)),
        u.locked ? act('Unlock', () => change(`/api/v1/users/${encodeURIComponent(u.username)}/unlock`, t('admin.unlocked', u.username))) : null,
      ] : el('span', { class: 'meta' }, t('admin.managedOnServer'))));
  }));
}

async function change(path, done) {
  note('');
  if (await guarded('#users-err', () => api('POST', path)) !== undefined) note(done);
  loadUsers();
}

function setActive(u, active) {
  if (!active && !confirm(t('admin.confirmDeactivate', u.username))) return;
  change(`/api/v1/users/${encodeURIComponent(u.username)}/${active ? 'activate' : 'deactivate'}`,
    active ? t('admin.canLogIn', u.username) : t('admin.isDeactivated', u.username));
}

async function resetPassword(u) {
  if (!confirm(t('admin.confirmReset', u.username))) return;
  note('');
  const r = await guarded('#users-err', () => api('PUT', `/api/v1/users/${encodeURIComponent(u.username)}/password`));
  if (r) note(t('admin.newPasswordFor', u.username, r.password));
  loadUsers();
}

// ---- audit log ----

let oldest = 0; // the id of the last row shown: the cursor of the next page

$('#audit-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadAudit(false); });
$('#audit-more').addEventListener('click', () => loadAudit(true));

async function loadAudit(more) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  for (const [k, sel] of [['from', '#au-from'], ['to', '#au-to'], ['actor', '#au-actor'], ['action', '#au-action']]) {
    const v = $(sel).value.trim();
    if (v) q.set(k, v);
  }
  if (more && oldest) q.set('before', String(oldest));
  const rows = await guarded('#audit-err', () => api('GET', '/api/v1/audit?' + q));
  if (!rows) return;
  const trs = rows.map((r) => el('tr', { 'data-action': r.action },
    el('td', {}, when(r.at)), el('td', {}, r.actor || el('span', { class: 'meta' }, r.detail?.via === 'cli' ? t('admin.viaCli') : t('admin.system'))),
    el('td', {}, r.action), el('td', {}, details(r.detail))));
  if (more) $('#audit').append(...trs); else $('#audit').replaceChildren(...trs);
  if (rows.length) oldest = rows[rows.length - 1].id;
  $('#audit-more').hidden = rows.length < PAGE;
  const n = $('#audit').children.length;
  $('#audit-count').textContent = n ? t(n === 1 ? 'admin.oneEntry' : 'admin.entries', n) : t('admin.nothing');
}

function details(d) {
  if (!d || typeof d !== 'object') return String(d ?? '');
  return Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ');
}

// ---- my password ----

$('#me-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target, btn = f.querySelector('button[type=submit]'), n = $('#me-note');
  clearErrors(f); n.hidden = true;
  const oldP = $('#me-old'), newP = $('#me-new'), again = $('#me-again');
  if (!oldP.value) { showError(oldP, t('admin.enterCurrent')); oldP.focus(); return; }
  if (newP.value.length < 8) { showError(newP, t('admin.use8')); newP.focus(); return; }
  if (newP.value !== again.value) { showError(again, t('admin.differ')); again.focus(); return; }
  btn.disabled = true;
  try {
    await api('PUT', '/api/v1/me/password', { old_password: oldP.value, new_password: newP.value });
    f.reset();
    n.textContent = t('admin.changed'); n.hidden = false;
  } catch (e) {
    showError(e.field === 'old_password' ? oldP : newP, explain(e));
  } finally { btn.disabled = false; }
});

applyI18n();
fillPickers();
onLang(() => { if (session.user) start(); });
document.addEventListener('keydown', (ev) => { if (ev.altKey && ev.key.toLowerCase() === 'l') { ev.preventDefault(); setLang(nextLang()); } });
if (session.user) start(); else show('login');
