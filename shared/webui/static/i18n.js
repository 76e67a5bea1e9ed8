// Words on every screen, in the user's language. The words are data: one
// JSON file per language under /assets/i18n/ (en.json is complete and the
// fallback; a Go test fails when any file lacks a key another has). A
// screen imports this module (which has loaded the dictionaries before the
// screen's code runs), labels its HTML with data-i18n attributes and calls
// t(key, ...values) for words it builds; "{0}" in a text takes values[0].
//
// The language is chosen per user: the server keeps each user's choice
// (PUT /api/v1/me/lang) and the login answer carries it; before a login the
// device's last choice stands. Which languages a process offers (English,
// Hindi and the mall's regional language) also comes with the login.
import { $$, api, session } from './common.js';

const LANG = 'ekta.lang';
const OFFERED = 'ekta.langs';
/** Each language's own name, as its reader knows it. */
export const NAMES = { en: 'English', hi: 'हिन्दी', kn: 'ಕನ್ನಡ' };

const dicts = {};
const listeners = [];

async function load(l) {
  if (dicts[l]) return dicts[l];
  try {
    const r = await fetch(`/assets/i18n/${l}.json`, { cache: 'no-store' });
    dicts[l] = r.ok ? await r.json() : {};
  } catch { dicts[l] = {}; }
  return dicts[l];
}

/** The languages this process offers (from the last login on this device). */
export function offered() {
  try {
    const o = JSON.parse(localStorage.getItem(OFFERED) || 'null');
    if (Array.isArray(o) && o.length) return o.filter((l) => NAMES[l]);
  } catch { /* a broken entry: the defaults */ }
  return ['en', 'hi'];
}

/** The chosen language's code: en, hi or kn. */
export function lang() {
  const l = localStorage.getItem(LANG);
  return NAMES[l] ? l : 'en';
}

/** The label for key in the chosen language, with {0}, {1}… filled in. */
export function t(key, ...args) {
  let v = (dicts[lang()] || {})[key];
  if (v === undefined || v === '') v = dicts.en[key];
  if (v === undefined) return key;
  return args.length ? v.replace(/\{(\d)\}/g, (m, i) => (args[i] === undefined ? m : String(args[i]))) : v;
}

/** True when the dictionary has key (for words chosen at run time, e.g. a method). */
export function has(key) { return dicts.en[key] !== undefined; }

/**
 * Re-labels root: [data-i18n] (text), [data-i18n-ph] (placeholder),
 * [data-i18n-title] (title) and [data-i18n-aria] (aria-label).
 */
export function applyI18n(root = document) {
  document.documentElement.lang = lang();
  for (const e of $$('[data-i18n]', root)) e.textContent = t(e.dataset.i18n);
  for (const e of $$('[data-i18n-ph]', root)) e.placeholder = t(e.dataset.i18nPh);
  for (const e of $$('[data-i18n-title]', root)) e.title = t(e.dataset.i18nTitle);
  for (const e of $$('[data-i18n-aria]', root)) e.setAttribute('aria-label', t(e.dataset.i18nAria));
  for (const s of $$('select.lang-pick', root)) s.value = lang();
}

/** Calls fn after every change of language (to redraw words built in code). */
export function onLang(fn) { listeners.push(fn); }

/**
 * Switches to language l: loads its words, re-labels the page, tells the
 * listeners and (unless save is false) remembers the choice for this user
 * on the server and for this device.
 */
export async function setLang(l, save = true) {
  if (!NAMES[l]) l = 'en';
  await load(l);
  localStorage.setItem(LANG, l);
  applyI18n();
  for (const fn of listeners) fn(l);
  if (save && session.token) {
    try { await api('PUT', '/api/v1/me/lang', { lang: l }); } catch { /* kept on this device at least */ }
  }
}

/** The next offered language after the current one (Alt+L). */
export function nextLang() {
  const o = offered(), i = o.indexOf(lang());
  return o[(i + 1) % o.length];
}

/**
 * Takes the languages and the user's choice from a login answer; call it
 * right after a login so the first screen is in the user's language.
 */
export async function fromLogin(login) {
  if (login && Array.isArray(login.langs)) localStorage.setItem(OFFERED, JSON.stringify(login.langs));
  fillPickers();
  const l = login && login.lang;
  if (l && NAMES[l] && l !== lang()) await setLang(l, false);
}

/** Fills every select.lang-pick with the offered languages and wires it. */
export function fillPickers(root = document) {
  for (const s of $$('select.lang-pick', root)) {
    s.replaceChildren(...offered().map((l) => Object.assign(document.createElement('option'), { value: l, textContent: NAMES[l], lang: l })));
    s.value = lang();
    if (!s.dataset.wired) {
      s.dataset.wired = '1';
      s.addEventListener('change', () => setLang(s.value));
    }
  }
}

/** A product's name in the chosen language (the catalog's translation), else its name. */
export function pname(p) {
  if (!p) return '';
  const n = p.names && p.names[lang()];
  return n || p.name || p.sku || '';
}

/** A State's name in the chosen language (state.<code> in the files), else name or the code. */
export function stateName(code, name) {
  return code && has('state.' + code) ? t('state.' + code) : name || code || '';
}

/** A district's name in the chosen language (district.<id>), else the catalog's name. */
export function districtName(id, name) {
  return id && has('district.' + id) ? t('district.' + id) : name || '';
}

/** A State as documents record it, "Karnataka (29)", in the chosen language. */
export function placeOfSupply(label) {
  const m = /^(.*) \((\d\d)\)$/.exec(label || '');
  const k = m && Object.keys(dicts.en).find((x) => x.startsWith('state.') && dicts.en[x] === m[1]);
  return k ? `${t(k)} (${m[2]})` : label || '';
}

/** "District, State" of a product or line ({district_id, district, state}), in the chosen language. */
export function origin(p) {
  return [districtName(p.district_id, p.district), stateName(p.state)].filter(Boolean).join(', ');
}

/**
 * Words for an API error, for the person at the counter. The server writes
 * its messages in English; in another language a refusal is said by its
 * field or code (err.<field>, e_<code>) so no English is mixed in, and the
 * English detail goes only where no translation exists.
 */
export function explain(e) {
  if (!e || !e.code) return String(e);
  if (e.notAvailable) return t('notAvailable');
  switch (e.code) {
    case 'network': case 'unauthorized': case 'unavailable': case 'internal':
      return t('e_' + e.code);
  }
  if (lang() === 'en') return e.code === 'forbidden' ? `${t('e_forbidden')} (${e.message})` : e.message;
  // lines[2].qty → err.lines.qty, then err.lines: the most precise words there are.
  const f = (e.field || '').replace(/\[\d+\]/g, '');
  for (let k = f; k; k = k.includes('.') ? k.slice(0, k.lastIndexOf('.')) : '') if (has('err.' + k)) return t('err.' + k);
  if (has('e_' + e.code)) return t('e_' + e.code);
  return e.message;
}

/** The words loginForm needs, read at each use so a change of language reaches them. */
export const loginWords = {
  get needUser() { return t('needUser'); }, get needPassword() { return t('needPassword'); },
  get badLogin() { return t('badLogin'); }, wrongRole: (r) => t('wrongRole', r), explain,
};

/**
 * loginWords with some words of a screen's own (e.g. wrongRole). The rest
 * are inherited, not copied: a spread ({...loginWords}) would read the
 * getters once, in the language of the moment, and keep them.
 */
export const loginWordsWith = (own) => Object.assign(Object.create(loginWords), own);

// The dictionaries are loaded before any screen code runs (top-level await).
await Promise.all([load('en'), load(lang())]);
