// Shared helpers of the screens: the API client, money in paise, errors in
// words a person at a counter understands, and small DOM helpers.
// Copied verbatim into hub/web/static (the hub may not import the mall).

const TOKEN = 'ekta.token';
const USER = 'ekta.user';

/** An error answer of the API (or the network failing). */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status; // 0: no answer at all
    this.code = code;
    this.field = field || '';
  }
  /** The server does not have this endpoint yet (an older or newer build). */
  get notAvailable() {
    return this.status === 404 && /^no such endpoint/.test(this.message);
  }
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN) || ''; },
  get user() { try { return JSON.parse(sessionStorage.getItem(USER) || 'null'); } catch { return null; } },
  save(login) {
    sessionStorage.setItem(TOKEN, login.token);
    sessionStorage.setItem(USER, JSON.stringify(login));
  },
  clear() { sessionStorage.removeItem(TOKEN); sessionStorage.removeItem(USER); },
};

let onUnauthorized = () => {};
/** Sets what happens when the token is refused (usually: show the login). */
export function whenLoggedOut(fn) { onUnauthorized = fn; }

/**
 * Calls the JSON API. Resolves with the decoded body (null for 204);
 * rejects with ApiError. opts.key sets Idempotency-Key; opts.accept and
 * opts.raw return the text of a non-JSON answer; opts.contentType sends
 * body as is.
 */
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: opts.accept || 'application/json' };
  if (session.token) headers.Authorization = 'Bearer ' + session.token;
  if (opts.key) headers['Idempotency-Key'] = opts.key;
  let payload;
  if (body !== undefined && body !== null) {
    if (opts.contentType) { headers['Content-Type'] = opts.contentType; payload = body; }
    else { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', 'no answer from the server');
  }
  if (res.status === 204) return null;
  const text = await res.text();
  if (res.ok && opts.raw) return text;
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    const e = (data && data.error) || {};
    const err = new ApiError(res.status, e.code || 'http_' + res.status, e.message || res.statusText, e.field);
    if (res.status === 401 && !path.endsWith('/auth/login')) onUnauthorized(err);
    throw err;
  }
  return data;
}

/** Tries each [method, path, body] in turn, skipping endpoints not built yet. */
export async function firstAvailable(calls, opts) {
  let last;
  for (const [m, p, b] of calls) {
    try { return await api(m, p, b, opts); } catch (e) {
      if (!(e instanceof ApiError) || !e.notAvailable) throw e;
      last = e;
    }
  }
  throw last;
}

// ---- money: integer paise, never floats ----

/** "1449.50" → 144950. Accepts "1449", "1,449.5", "-3.10". NaN if malformed. */
export function paise(s) {
  const m = /^\s*(-)?([0-9][0-9,]*)?(?:\.([0-9]{0,2}))?\s*$/.exec(String(s ?? ''));
  if (!m || (m[2] === undefined && !m[3])) return NaN;
  const whole = Number((m[2] || '0').replace(/,/g, ''));
  const frac = Number(((m[3] || '') + '00').slice(0, 2));
  const v = whole * 100 + frac;
  return m[1] ? -v : v;
}

/** 144950 → "1449.50" (the API's form). */
export function amount(p) {
  const neg = p < 0; p = Math.abs(p);
  return (neg ? '-' : '') + Math.trunc(p / 100) + '.' + String(p % 100).padStart(2, '0');
}

/** 12345678 → "₹1,23,456.78" (Indian digit grouping). */
export function inr(p) {
  const neg = p < 0; p = Math.abs(p);
  let r = String(Math.trunc(p / 100));
  if (r.length > 3) {
    const last = r.slice(-3);
    r = r.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',') + ',' + last;
  }
  return (neg ? '−' : '') + '₹' + r + '.' + String(p % 100).padStart(2, '0');
}

/** A random UUID; works on plain-http LAN addresses too. */
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---- DOM ----

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** el('td', {class: 'num'}, 'text', child) builds an element; text is never parsed as HTML. */
export function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids.flat(Infinity)) if (k !== null && k !== undefined && k !== false) e.append(k instanceof Node ? k : String(k));
  return e;
}

/** Shows msg in the error slot next to input (or in a message element). */
export function showError(target, msg) {
  const slot = target.matches('.err') ? target : errSlot(target);
  slot.textContent = msg || '';
  slot.hidden = !msg;
  if (!target.matches('.err')) {
    if (msg) target.setAttribute('aria-invalid', 'true'); else target.removeAttribute('aria-invalid');
  }
}

function errSlot(input) {
  const id = input.id ? input.id + '-err' : '';
  let slot = id && document.getElementById(id);
  if (!slot) {
    slot = el('p', { class: 'err', id: id || null, role: 'alert' });
    (input.closest('label') || input).after(slot);
  }
  if (id) input.setAttribute('aria-describedby', id);
  return slot;
}

/** Clears every error slot inside root. */
export function clearErrors(root) {
  for (const s of $$('.err', root)) { s.textContent = ''; s.hidden = true; }
  for (const i of $$('[aria-invalid]', root)) i.removeAttribute('aria-invalid');
}

const IST = { timeZone: 'Asia/Kolkata' };

// Dates are written in the page's language (i18n.js sets <html lang>), in India's style.
const locale = () => (document.documentElement.lang || 'en') + '-IN';

/** An RFC 3339 time for people, in India time and in words: "7 December 2026, 10:15 am IST". */
export function when(s) {
  if (!s) return '';
  const d = new Date(s);
  if (isNaN(d)) return s;
  return d.toLocaleString(locale(), { ...IST, day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit' }) + ' IST';
}

/** A date in words, in India: "Saturday, 28 November 2026" (long) or "28 November 2026". s is a time or a 2026-11-28 date. */
export function dayWords(s, long = false) {
  if (!s) return '';
  const d = /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(s + 'T12:00:00+05:30') : new Date(s);
  if (isNaN(d)) return s;
  return d.toLocaleDateString(locale(), { ...IST, day: 'numeric', month: 'long', year: 'numeric', ...(long ? { weekday: 'long' } : {}) });
}

/** Today's date in India as 2026-11-28 (what a date input holds). */
export function todayIST(offsetDays = 0) {
  return new Date(Date.now() + offsetDays * 86400000).toLocaleDateString('en-CA', IST);
}

/** Wires a login form: calls onLogin(loginAnswer) once a permitted role logs in. */
export function loginForm(form, roles, onLogin, words) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const u = form.elements.username, p = form.elements.password, btn = form.querySelector('button[type=submit]');
    clearErrors(form);
    if (!u.value.trim()) { showError(u, words.needUser); u.focus(); return; }
    if (!p.value) { showError(p, words.needPassword); p.focus(); return; }
    btn.disabled = true;
    try {
      const login = await api('POST', '/api/v1/auth/login', { username: u.value.trim(), password: p.value });
      if (!roles.includes(login.role)) {
        showError(u, words.wrongRole(login.role));
        session.clear();
        return;
      }
      session.save(login);
      p.value = '';
      onLogin(login);
    } catch (e) {
      if (e.status === 401) { showError(p, words.badLogin); p.select(); }
      else showError(p, words.explain(e));
    } finally { btn.disabled = false; }
  });
}

/** Logs out on the server (best effort) and forgets the token. */
export async function logout() {
  try { await api('POST', '/api/v1/auth/logout'); } catch { /* token already gone */ }
  session.clear();
}
