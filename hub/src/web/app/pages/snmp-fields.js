// SNMP settings of the device form and of credential sets: v1/v2c community or v3 user, security level,
// protocols and keys.
// Secrets are write-only: the API says only whether one is stored; an empty field keeps it.
import { html } from '../html.js';
import { Field } from '../ui.js';

export const AUTH_PROTOCOLS = ['sha', 'sha256', 'sha384', 'sha512', 'sha224', 'md5'];
export const PRIV_PROTOCOLS = ['aes', 'aes256b', 'aes256r', 'des'];
const LEVELS = [
  ['authPriv', 'authPriv: authentication and encryption'],
  ['authNoPriv', 'authNoPriv: authentication only'],
  ['noAuthNoPriv', 'noAuthNoPriv: neither'],
];

/** The form's SNMP state from a device (or the defaults for a new one). */
export function snmpState(snmp) {
  return {
    version: snmp?.version ?? '2c',
    port: snmp?.port ?? 161,
    community: '',
    username: snmp?.username ?? '',
    security_level: snmp?.security_level ?? 'authPriv',
    auth_protocol: snmp?.auth_protocol ?? 'sha',
    auth_key: '',
    priv_protocol: snmp?.priv_protocol ?? 'aes',
    priv_key: '',
    context: snmp?.context ?? '',
    timeout_ms: snmp?.timeout_ms ?? '',
    retries: snmp?.retries ?? '',
  };
}

/** The credential part of an SNMP object (no port or timing): only what the version uses, secrets only when typed. */
export function snmpCredentialBody(f) {
  const out = { version: f.version };
  if (f.version !== '3') {
    if (f.community) out.community = f.community;
    return out;
  }
  out.username = f.username;
  out.security_level = f.security_level;
  if (f.context) out.context = f.context;
  if (f.security_level !== 'noAuthNoPriv') {
    out.auth_protocol = f.auth_protocol;
    if (f.auth_key) out.auth_key = f.auth_key;
  }
  if (f.security_level === 'authPriv') {
    out.priv_protocol = f.priv_protocol;
    if (f.priv_key) out.priv_key = f.priv_key;
  }
  return out;
}

/** The API's `snmp` object of a device: the credential, its port and timing. */
export function snmpBody(f) {
  const out = { ...snmpCredentialBody(f), port: Number(f.port) };
  if (f.timeout_ms !== '') out.timeout_ms = Number(f.timeout_ms);
  if (f.retries !== '') out.retries = Number(f.retries);
  return out;
}

function secretHint(stored, editing) {
  return stored && editing
    ? 'Stored: leave empty to keep it'
    : 'Write-only: stored encrypted, never shown again';
}

/**
 * The credential fields: version, then the v1/v2c community or the v3 user, security level, protocols and keys.
 * `stored` is what the API says is stored (`has_community`, `has_auth_key`, `has_priv_key`); when `editing`, a
 * stored secret's field may stay empty to keep it.
 */
export function SnmpCredentialFields({ f, set, stored, editing, children }) {
  const v3 = f.version === '3';
  const keep = (k) => stored && editing && stored.version === f.version && stored[k];
  return html`
    <div class="row">
      <${Field} label="Version"><select value=${f.version} onChange=${set('version')}>
        <option value="2c">v2c</option><option value="1">v1</option><option value="3">v3 (user, authentication, privacy)</option>
      </select></${Field}>
      ${children}
    </div>
    ${
      v3
        ? html`
      <div class="row">
        <${Field} label="Username"><input required autocomplete="off" value=${f.username} onInput=${set('username')} /></${Field}>
        <${Field} label="Security level"><select value=${f.security_level} onChange=${set('security_level')}>
          ${LEVELS.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></${Field}>
      </div>
      ${
        f.security_level !== 'noAuthNoPriv'
          ? html`<div class="row">
        <${Field} label="Authentication protocol"><select value=${f.auth_protocol} onChange=${set('auth_protocol')}>
          ${AUTH_PROTOCOLS.map((p) => html`<option value=${p}>${p.toUpperCase()}</option>`)}</select></${Field}>
        <${Field} label="Authentication key" hint=${secretHint(keep('has_auth_key'), editing)}>
          <input type="password" autocomplete="new-password" minlength="8" required=${!keep('has_auth_key')} value=${f.auth_key} onInput=${set('auth_key')} /></${Field}>
      </div>`
          : null
      }
      ${
        f.security_level === 'authPriv'
          ? html`<div class="row">
        <${Field} label="Privacy protocol"><select value=${f.priv_protocol} onChange=${set('priv_protocol')}>
          ${PRIV_PROTOCOLS.map((p) => html`<option value=${p}>${p.toUpperCase()}</option>`)}</select></${Field}>
        <${Field} label="Privacy key" hint=${secretHint(keep('has_priv_key'), editing)}>
          <input type="password" autocomplete="new-password" minlength="8" required=${!keep('has_priv_key')} value=${f.priv_key} onInput=${set('priv_key')} /></${Field}>
      </div>`
          : null
      }
      <${Field} label="Context" hint="Usually empty"><input autocomplete="off" value=${f.context} onInput=${set('context')} /></${Field}>`
        : html`<${Field} label="Community" hint=${secretHint(keep('has_community'), editing)}>
        <input type="password" autocomplete="new-password" required=${!keep('has_community')} value=${f.community} onInput=${set('community')} /></${Field}>`
    }`;
}

/** A device's SNMP settings: the credential, its port and timing. */
export function SnmpFields({ f, set, stored, editing }) {
  return html`<fieldset>
    <legend>SNMP</legend>
    <${SnmpCredentialFields} f=${f} set=${set} stored=${stored} editing=${editing}>
      <${Field} label="Port"><input type="number" min="1" max="65535" value=${f.port} onInput=${set('port')} /></${Field}>
    </${SnmpCredentialFields}>
    <div class="row">
      <${Field} label="Timeout (ms)" hint="Default 2000"><input type="number" min="100" max="60000" placeholder="2000" value=${f.timeout_ms} onInput=${set('timeout_ms')} /></${Field}>
      <${Field} label="Retries" hint="Default 1"><input type="number" min="0" max="10" placeholder="1" value=${f.retries} onInput=${set('retries')} /></${Field}>
    </div>
  </fieldset>`;
}
