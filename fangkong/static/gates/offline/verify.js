/* The pass QR code checked on the device, as fangkong/passes/signing.py does on the server: "FK1" +
   base64url(17-byte payload + 64-byte Ed25519 signature), payload big-endian >BHIHHHI: format | key id |
   pass id | pass version | valid from | valid until (days since 2000-01-01) | community id.
   Ed25519 and SHA-512 in JavaScript (@noble): crypto.subtle is absent on a plain-http intranet, and the
   synchronous path keeps a decision in one task. The ID number typed at the gate becomes an HMAC-SHA256 with
   the feed's key of the day: compared with the pass's `idh`, queued as such, never kept itself. */

import * as ed from "../../vendor/@noble/ed25519/index.js";
import { hmac } from "../../vendor/@noble/hashes/hmac.js";
import { sha256, sha512 } from "../../vendor/@noble/hashes/sha2.js";
import { normaliseIdNumber } from "./rules.js";

ed.hashes.sha512 = sha512;

const PREFIX = "FK1";
const BODY = /^[A-Za-z0-9_-]{108}$/; // 81 bytes in base64url, no padding: the server's strict alphabet and length
const PAYLOAD_LEN = 17;
const FORMAT = 1;
const DAY_MS = 86400000;
const EPOCH_MS = Date.UTC(2000, 0, 1);

export function looksSigned(text) {
  return text.startsWith(PREFIX);
}

/** Standard or url-safe base64, padded or not, to bytes. */
export function base64Bytes(text) {
  let s = text.replace(/-/g, "+").replace(/_/g, "/");
  while (s.length % 4) s += "=";
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

export function base64UrlOf(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 1) bin += String.fromCharCode(bytes[i]);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function isoDay(days) {
  return new Date(EPOCH_MS + days * DAY_MS).toISOString().slice(0, 10);
}

/** The feed's keys ([{kid, public_key: base64}]) as a Map kid → 32 raw bytes. */
export function keyMap(keys) {
  const map = new Map();
  for (const k of keys || []) map.set(Number(k.kid), base64Bytes(k.public_key));
  return map;
}

/**
 * Verify and decode a QR text. → {ok: true, claim: {kid, passId, version, validFrom, validUntil, communityId}}
 * or {ok: false, why} (prefix, encoding, key, signature): every failure is `bad_signature` at the gate.
 */
export function decodeQr(text, keys) {
  if (!looksSigned(text)) return { ok: false, why: "prefix" };
  const body = text.slice(PREFIX.length);
  if (!BODY.test(body)) return { ok: false, why: "encoding" };
  const raw = base64Bytes(body);
  const payload = raw.subarray(0, PAYLOAD_LEN);
  const signature = raw.subarray(PAYLOAD_LEN);
  const view = new DataView(raw.buffer, raw.byteOffset, PAYLOAD_LEN);
  const fmt = view.getUint8(0);
  const kid = view.getUint16(1);
  const key = keys.get(kid);
  if (fmt !== FORMAT || !key) return { ok: false, why: "key" };
  let valid = false;
  try {
    valid = ed.verify(signature, payload, key, { zip215: false }); // strict, as libsodium on the server
  } catch (e) {
    valid = false;
  }
  if (!valid) return { ok: false, why: "signature" };
  return {
    ok: true,
    claim: {
      kid, passId: view.getUint32(3), version: view.getUint16(7), validFrom: isoDay(view.getUint16(9)),
      validUntil: isoDay(view.getUint16(11)), communityId: view.getUint32(13),
    },
  };
}

/** base64url (no padding) of the first 12 bytes of HMAC-SHA256(key, normalised ID number): the feed's `idh`. */
export function idHash(key, idNumber) {
  const mac = hmac(sha256, key, new TextEncoder().encode(normaliseIdNumber(idNumber)));
  return base64UrlOf(mac.subarray(0, 12));
}
