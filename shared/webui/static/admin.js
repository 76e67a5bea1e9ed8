// Staff and audit, at the mall (/admin) and the hub (/admin): the admin
// manages the users they are responsible for, admins (and finance at the
// hub) read the audit log, and everyone changes their own password.
import { $, $$, el, api, session, whenLoggedOut, loginForm, logout, showError, clearErrors, when } from './common.js';

// What each role sees. The server enforces all of it; the screen only
// hides what would be refused.
const ADMIN = { mall_admin: ['cashier', 'zone_manager'], hub_admin: ['finance'] };
const AUDIT = ['mall_admin', 'hub_admin', 'finance'];
const ROLE_NAMES = { cashier: 'Cashier', zone_manager: 'Zone manager', mall_admin: 'Mall admin', finance: 'Finance', hub_admin: 'Hub admin' };
const PAGE = 50;

const words = {
  needUser: 'Enter your username.', needPassword: 'Enter your password.',
  badLogin: 'That username and password do not match.',
  wrongRole: (r) => `This screen has nothing for the role ${r}.`,
  explain,
};

function explain(e) {
  if (!e || !e.code) return String(e);
  if (e.notAvailable) return 'Not available on this server yet.';
  if (e.code === 'network') return 'No answer from the server. Check the network.';
  if (e.code === 'unauthorized') return 'Your login has expired. Please log in again.';
  if (e.code === 'forbidden') return 'You are not allowed to do this.';
  if (e.code === 'internal') return 'The server had an internal error; it has been logged.';
  return e.message;
}

loginForm($('#login-form'), Object.keys(ROLE_NAMES), () => start(), words);
whenLoggedOut(() => { session.clear(); show('login'); showError($('#login-pass'), 'Your login has expired. Please log in again.'); });
$('#logout-btn').addEventListener('click', async () => { await logout(); $('#login-user').value = ''; show('login'); });

function show(view) {
  $('#login-view').hidden = view !== 'login';
  $('#app-view').hidden = view !== 'app';
  const u = session.user;
  $('#logout-btn').hidden = !u;
  $('#who').textContent = u ? `${u.display_name || u.username} · ${ROLE_NAMES[u.role] || u.role}` : '';
  if (view === 'login') $('#login-user').focus();
}

function start() {
  const u = session.user;
  if (!u) return show('login');
  $('#where').textContent = u.mall ? `Staff and audit · ${u.mall}` : 'Staff and audit · hub';
  const manages = ADMIN[u.role] || [];
  $('#tab-users').hidden = manages.length === 0;
  $('#tab-audit').hidden = !AUDIT.includes(u.role);
  $('#nu-role').replaceChildren(...manages.map((r) => el('option', { value: r }, ROLE_NAMES[r])));
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
  if (!body.username) { showError($('#nu-username'), 'Enter a username.'); $('#nu-username').focus(); return; }
  if (body.role === 'zone_manager') {
    body.zone = $('#nu-zone').value.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(body.zone)) { showError($('#nu-zone'), 'A zone manager needs a zone: a State/UT code such as UP.'); $('#nu-zone').focus(); return; }
  }
  if ($('#nu-pass').value) body.password = $('#nu-pass').value;
  btn.disabled = true;
  try {
    const u = await guarded('#nu-err', () => api('POST', '/api/v1/users', body));
    if (!u) return;
    f.reset(); syncZone();
    note(u.password
      ? `Created ${u.username}. Their password is ${u.password} — give it to them now; it is not shown again.`
      : `Created ${u.username} with the password you chose.`);
    loadUsers();
  } finally { btn.disabled = false; }
});

async function loadUsers() {
  const list = await guarded('#users-err', () => api('GET', '/api/v1/users'));
  if (!list) return;
  const manages = ADMIN[session.user?.role] || [];
  $('#users').replaceChildren(...list.map((u) => {
    const mine = manages.includes(u.role);
    const status = !u.active ? el('span', { class: 'pill bad' }, 'deactivated')
      : u.locked ? el('span', { class: 'pill warn', title: 'until ' + when(u.locked_until) }, 'locked')
        : el('span', { class: 'pill good' }, 'active');
    const act = (label, fn) => el('button', { type: 'button', 'data-act': label, onclick: fn }, label);
    return el('tr', { 'data-user': u.username },
      el('td', {}, el('strong', {}, u.username)), el('td', {}, u.display_name || ''), el('td', {}, ROLE_NAMES[u.role] || u.role),
      el('td', {}, u.zone || ''), el('td', {}, status),
      el('td', {}, mine ? [
        act('Reset password', () => resetPassword(u)),
        u.active ? act('Deactivate', () => setActive(u, false)) : act('Activate', () => setActive(u, true)),
        u.locked ? act('Unlock', () => change(`/api/v1/users/${encodeURIComponent(u.username)}/unlock`, `Unlocked ${u.username}.`)) : null,
      ] : el('span', { class: 'meta' }, 'managed on the server')));
  }));
}

async function change(path, done) {
  note('');
  if (await guarded('#users-err', () => api('POST', path)) !== undefined) note(done);
  loadUsers();
}

function setActive(u, active) {
  if (!active && !confirm(`Deactivate ${u.username}? They are logged out at once and cannot log in until activated again.`)) return;
  change(`/api/v1/users/${encodeURIComponent(u.username)}/${active ? 'activate' : 'deactivate'}`,
    active ? `${u.username} can log in again.` : `${u.username} is deactivated and logged out.`);
}

async function resetPassword(u) {
  if (!confirm(`Give ${u.username} a new password? Their current password stops working and they are logged out.`)) return;
  note('');
  const r = await guarded('#users-err', () => api('PUT', `/api/v1/users/${encodeURIComponent(u.username)}/password`));
  if (r) note(`New password for ${u.username}: ${r.password} — give it to them now; it is not shown again.`);
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
    el('td', {}, when(r.at)), el('td', {}, r.actor || el('span', { class: 'meta' }, r.detail?.via === 'cli' ? 'server (command line)' : 'system')),
    el('td', {}, r.action), el('td', {}, details(r.detail))));
  if (more) $('#audit').append(...trs); else $('#audit').replaceChildren(...trs);
  if (rows.length) oldest = rows[rows.length - 1].id;
  $('#audit-more').hidden = rows.length < PAGE;
  const n = $('#audit').children.length;
  $('#audit-count').textContent = n ? `${n} entr${n === 1 ? 'y' : 'ies'} shown, newest first` : 'Nothing recorded for these filters.';
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
  if (!oldP.value) { showError(oldP, 'Enter your current password.'); oldP.focus(); return; }
  if (newP.value.length < 8) { showError(newP, 'Use 8 or more characters.'); newP.focus(); return; }
  if (newP.value !== again.value) { showError(again, 'The two new passwords differ.'); again.focus(); return; }
  btn.disabled = true;
  try {
    await api('PUT', '/api/v1/me/password', { old_password: oldP.value, new_password: newP.value });
    f.reset();
    n.textContent = 'Password changed. Your other logins have been ended.'; n.hidden = false;
  } catch (e) {
    showError(e.field === 'old_password' ? oldP : newP, explain(e));
  } finally { btn.disabled = false; }
});

if (session.user) start(); else show('login');
