/* The gate console offline (docs/gate-console-offline.md): the installable app's service worker, the
   device's data kept in IndexedDB and refreshed every minute, and the decision on this device when there is
   no network: the same rules (rules.js), the QR checked with the public keys (verify.js), the scan queued
   (store.js) and uploaded in order when the network is back (sync.js). Online the console is unchanged: the
   server decides. The state for tests and the office is on <html>: data-offline-ready, data-queue,
   data-online, data-synced. */

import { decide, idNumberProblem, looksLikeIdNumber, pickPassForId, tenths } from "./rules.js";
import { base64Bytes, decodeQr, idHash, keyMap, looksSigned } from "./verify.js";
import * as store from "./store.js";
import * as sync from "./sync.js";

const SYNC_EVERY_MS = 60000;
const RETRY_EVERY_MS = 15000;
const TICK_MS = 10000;
const DEFAULT_POLICY = { exit_quota: {}, id_required: [], fever_threshold: "37.3", fever_comparison: ">=",
  offline_exit: "allow_flag", offline_stale_minutes: 30 };

const root = document.documentElement;
const box = document.querySelector("[data-offline-console]");
const form = document.getElementById("scan-form");

const S = {
  feed: null, byId: new Map(), byNumber: new Map(), byIdh: new Map(), keys: new Map(), idKey: null,
  ownExits: [], queue: 0, reachable: true, synced: false, kept: false, syncing: null, conflicts: [],
};

function texts(selector, attribute) {
  const out = {};
  document.querySelectorAll(`${selector} [${attribute}]`).forEach((li) => { out[li.getAttribute(attribute)] = li.textContent.trim(); });
  return out;
}

const REASONS = texts("#reason-messages", "data-reason");
const MSG = texts("#offline-messages", "data-msg");

function fill(text, values) {
  return Object.entries(values).reduce((t, [k, v]) => t.split(`%(${k})s`).join(String(v)), text || "");
}

const ctx = box && {
  gate: box.dataset.gate,
  community: Number(box.dataset.community),
  user: box.dataset.user,
  timeZone: box.dataset.timeZone || "Asia/Shanghai",
  appVersion: box.dataset.appVersion || "",
  scope: box.dataset.scope,
  swUrl: box.dataset.swUrl,
  tokenUrl: box.dataset.tokenUrl,
  feedUrl: box.dataset.feedUrl,
  batchUrl: box.dataset.batchUrl,
  statusUrl: box.dataset.statusUrl,
  device: null,
  csrf: () => {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  },
};

// ---- time: the community's local day, as the server counts exits and validity

let dayFormat = null;
function today(at = new Date()) {
  try {
    dayFormat = dayFormat || new Intl.DateTimeFormat("en-CA", { timeZone: ctx.timeZone, year: "numeric",
      month: "2-digit", day: "2-digit" });
    return dayFormat.format(at);
  } catch (e) {
    return at.toISOString().slice(0, 10);
  }
}

function offline() {
  return !navigator.onLine || !S.reachable;
}

function policy() {
  return { ...DEFAULT_POLICY, ...((S.feed && S.feed.policy) || {}) };
}

function ageMinutes() {
  return S.feed ? Math.floor((Date.now() - S.feed.synced_at) / 60000) : null;
}

function stale() {
  const age = ageMinutes();
  return offline() && age !== null && age >= Number(policy().offline_stale_minutes || 30);
}

// ---- the data kept: the feed into maps (by id, by number, by ID hash) for a decision in a few lookups

function useFeed(feed) {
  S.feed = feed;
  S.byId = new Map();
  S.byNumber = new Map();
  S.byIdh = new Map();
  for (const p of feed.passes || []) {
    S.byId.set(p.id, p);
    if (p.number) S.byNumber.set(String(p.number), p);
    if (p.idh) {
      const list = S.byIdh.get(p.idh);
      if (list) list.push(p); else S.byIdh.set(p.idh, [p]);
    }
  }
  S.keys = keyMap(feed.keys);
  S.idKey = feed.id_key ? base64Bytes(feed.id_key) : null;
}

function rulePass(p) {
  const gates = p.gates;
  return {
    id: p.id, kind: p.kind, status: p.status, version: p.version, valid_from: p.valid_from,
    valid_until: p.valid_until, restricted: Array.isArray(gates), at_gate: !Array.isArray(gates) || gates.includes(ctx.gate),
    banned: Boolean(p.banned),
  };
}

function exitsKnown(passId, day) {
  const feed = S.feed;
  const fromFeed = feed && feed.day === day ? Number((feed.exits || {})[String(passId)] || 0) : 0;
  // This device's own exits the feed does not count yet: not uploaded, or uploaded after it was fetched.
  const fetched = feed ? feed.fetched_at : 0;
  const own = S.ownExits.filter((e) => e.pass_id === passId && e.day === day
    && !(e.uploaded_at && e.uploaded_at < fetched)).length;
  return fromFeed + own;
}

// ---- one person at the gate, decided here

/** → {decision, reasons, pass (feed row or a claim's), notInList, code (as queued), idh} */
function decideOne({ code, idTyped, temperature, direction, day }) {
  const cleaned = code.replace(/[\s-]/g, "");
  let pass = null;
  let signature = "none";
  let claimVersion = null;
  let idShown = false;
  let notInList = false;
  let queuedCode = code;
  let idh = null;
  if (looksSigned(code)) {
    const read = decodeQr(code, S.keys);
    if (!read.ok) {
      signature = "bad";
    } else {
      signature = "valid";
      claimVersion = read.claim.version;
      if (read.claim.communityId === ctx.community) {
        pass = S.byId.get(read.claim.passId) || null;
        if (!pass) { // issued after the last sync: its signed dates are all there is
          notInList = true;
          pass = { id: read.claim.passId, number: null, kind: null, status: "active", version: read.claim.version,
            valid_from: read.claim.validFrom, valid_until: read.claim.validUntil, gates: null, banned: false, idh: null };
        }
      }
    }
  } else if (looksLikeIdNumber(cleaned)) {
    idShown = true;
    if (S.idKey) {
      idh = idHash(S.idKey, cleaned);
      const mine = (S.byIdh.get(idh) || []);
      const picked = pickPassForId(mine.map(rulePass), day);
      pass = picked ? S.byId.get(picked.id) : null;
    }
    // The typed ID number is not kept: the pass found stands for it, its hash shows the card.
    queuedCode = pass ? String(pass.number) : "ID-CARD";
  } else if (/^\d{1,24}$/.test(cleaned)) {
    pass = S.byNumber.get(cleaned) || null;
  }
  let idNumber = null;
  if (!idShown && idTyped) {
    if (S.idKey) idh = idHash(S.idKey, idTyped);
    if (pass && !notInList) idNumber = idh && pass.idh === idh ? "match" : "mismatch";
  }
  const answer = decide({
    pass: pass ? rulePass(pass) : null, signature, claimVersion, idNumber, idShown, direction,
    temperature, day, policy: policy(), exitsKnown: pass ? exitsKnown(pass.id, day) : 0, offline: true,
  });
  return { ...answer, pass, notInList, code: queuedCode, idh };
}

// ---- the form, as the server's form reads it (nothing is recorded when it is wrong)

function rowsToDecide() {
  const rows = Array.from(form.querySelectorAll("#occupants .occupant"));
  const vehicle = Boolean(form.querySelector(".vehicle-switch input:checked"));
  const filled = rows.filter((r) => r.querySelector("input[name=code]").value.trim());
  return { vehicle, rows: vehicle ? (filled.length ? filled : rows.slice(0, 1)) : rows.slice(0, 1) };
}

function formProblem(rows, day) {
  for (const row of rows) {
    const code = row.querySelector("input[name=code]").value.trim();
    if (!code) return MSG["code-required"];
    const t = row.querySelector("input[name=temperature]").value.trim();
    if (t) {
      const v = tenths(t);
      if (v === null) return MSG["temperature-invalid"];
      if (v < 300 || v > 450) return MSG["temperature-range"];
    }
    const cleaned = code.replace(/[\s-]/g, "");
    if (looksLikeIdNumber(cleaned)) {
      const problem = idNumberProblem(cleaned, day);
      if (problem) return MSG[problem] || problem;
    }
  }
  return "";
}

function temperatureText(raw) {
  const v = tenths(raw);
  return v === null ? null : (v / 10).toFixed(1);
}

/** Decide the scan on the form here, queue it, show the answer. `clientId`: the form's, when the server
    could not be reached with it (a replay of a scan that did reach it answers as the first). */
async function decideHere(clientId) {
  const ui = window.FangkongConsole;
  if (!S.feed) {
    ui.showProblem(MSG["no-data"]);
    return;
  }
  performance.mark("fk-offline-decision-start");
  const day = today();
  const { vehicle, rows } = rowsToDecide();
  const plateInput = form.querySelector("input[name=plate]");
  const problem = vehicle && !(plateInput && plateInput.value.trim()) ? MSG["plate-required"] : formProblem(rows, day);
  if (problem) {
    ui.showProblem(problem);
    return;
  }
  const direction = form.querySelector("input[name=direction]:checked").value;
  const plate = vehicle ? plateInput.value.trim().toUpperCase() : "";
  const base = `web:${ctx.user}:${clientId || ui.uuid()}`;
  const scannedAt = new Date().toISOString();
  const results = [];
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i];
    const temperature = temperatureText(row.querySelector("input[name=temperature]").value.trim());
    const idTyped = row.querySelector("input[name=id_number]").value.trim();
    const result = decideOne({
      code: row.querySelector("input[name=code]").value.trim(), idTyped, temperature, direction, day,
    });
    const clientIdOf = vehicle ? `${base}:${i}` : base;
    const allowedOut = result.decision === "allow" && direction === "out" && result.pass && !result.notInList;
    const item = {
      client_id: clientIdOf, scanned_at: scannedAt, gate: ctx.gate, direction, code: result.code,
      temperature, plate, device: ctx.device, id_number_hash: result.idh, id_epoch: result.idh ? S.feed.epoch : null,
      device_decision: result.decision, device_reasons: result.reasons, user: ctx.user,
      number: result.pass ? result.pass.number : null, exit: Boolean(allowedOut),
    };
    const exit = allowedOut ? { client_id: clientIdOf, pass_id: result.pass.id, day, uploaded_at: null } : null;
    await store.queueScan(item, exit);
    if (exit) S.ownExits.push(exit);
    results.push({ ...result, temperature });
  }
  S.queue += rows.length;
  performance.mark("fk-offline-decision-end");
  performance.measure("fk-offline-decision", "fk-offline-decision-start", "fk-offline-decision-end");
  showAnswer(results, { direction, vehicle, plate });
  render();
}

// ---- the answer screen, built like templates/gates/_answer.html (text only: no markup from data)

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function directionLabel(direction) {
  const input = form.querySelector(`input[name=direction][value=${direction}]`);
  const span = input && input.parentElement.querySelector("span");
  return span ? span.textContent.trim() : direction;
}

function showAnswer(results, { direction, vehicle, plate }) {
  const decision = results.every((r) => r.decision === "allow") ? "allow" : "deny";
  const answer = el("div", {
    class: `answer answer-${decision} answer-offline${vehicle ? " answer-vehicle" : ""}`, "data-decision": decision,
    "data-offline": "1", tabindex: "-1", role: "alertdialog", "aria-labelledby": "answer-word",
  });
  answer.append(el("p", { class: "answer-word", id: "answer-word" }, MSG[decision]));
  const sub = el("p", { class: "answer-sub" }, directionLabel(direction));
  if (vehicle && plate) sub.append(" · ", el("span", { class: "mono" }, plate));
  sub.append(" · ", el("span", { class: "offline-badge" }, MSG.offline));
  answer.append(sub);
  if (stale()) answer.append(el("p", { class: "answer-stale", role: "note" }, fill(MSG.stale, { minutes: ageMinutes() })));
  results.forEach((r, i) => {
    const person = el("section", { class: `answer-person answer-person-${r.decision}`, "data-decision": r.decision });
    if (vehicle) person.append(el("h2", {}, `${i + 1}. ${MSG[r.decision]}`));
    if (r.reasons.length) {
      const list = el("ul", { class: "reasons" });
      r.reasons.forEach((code) => list.append(el("li", { "data-reason": code }, REASONS[code] || code)));
      person.append(list);
    }
    if (r.notInList) person.append(el("p", { class: "answer-note not-in-list" }, MSG["not-in-list"]));
    if (r.pass) {
      const facts = el("dl", { class: "answer-facts" });
      if (r.pass.number) {
        facts.append(el("dt", {}, MSG.pass), el("dd", {}, `${MSG[`kind-${r.pass.kind}`] || r.pass.kind} · `,
          el("span", { class: "mono" }, String(r.pass.number))));
      }
      facts.append(el("dt", {}, MSG.valid), el("dd", {}, el("span", { class: "nowrap" }, r.pass.valid_from), " – ",
        el("span", { class: "nowrap" }, r.pass.valid_until)));
      if (r.temperature !== null) facts.append(el("dt", {}, MSG.temperature), el("dd", {}, `${r.temperature} °C`));
      person.append(facts);
    }
    answer.append(person);
  });
  answer.append(el("a", { class: "answer-next", "data-dismiss": "", href: `${location.pathname}?direction=${direction}` },
    MSG.next, " ", el("small", { class: "key-hint" }, "(Enter)")));
  const slot = document.getElementById("scan-answer");
  slot.innerHTML = "";
  slot.append(answer);
  window.FangkongConsole.showAnswer(answer);
}

// ---- what the console shows: network, age of the data, queue, conflicts met at upload

function render() {
  const bar = document.getElementById("offline-status");
  const age = ageMinutes();
  root.dataset.queue = String(S.queue);
  root.dataset.online = offline() ? "0" : "1";
  if (S.feed) root.dataset.synced = String(S.feed.synced_at);
  root.dataset.offlineReady = S.synced && S.kept ? "1" : "0";
  if (!bar) return;
  bar.hidden = false;
  bar.classList.toggle("is-offline", offline());
  bar.classList.toggle("is-stale", stale());
  bar.querySelector(".net").textContent = offline() ? MSG["no-network"] : MSG.online;
  bar.querySelector(".age").textContent = age === null ? MSG.never : fill(MSG.age, { minutes: age });
  bar.querySelector(".queue").textContent = fill(MSG.queue, { n: S.queue });
  const section = document.getElementById("upload-conflicts");
  if (section) {
    section.hidden = !S.conflicts.length;
    const list = section.querySelector("ul");
    list.replaceChildren(...S.conflicts.map((c) => el("li", {},
      el("span", { class: "mono" }, c.number || "—"), " · ",
      el("time", { datetime: c.scanned_at }, new Date(c.scanned_at).toLocaleString()), " · ",
      (c.reasons || []).map((r) => REASONS[r] || r).join("; "))));
  }
}

// ---- sync: at load, every minute, when the network comes back; then the queue; then the status

async function offlineMinutes(add = 0) {
  const day = today();
  let held = await store.getMeta("offline-time");
  if (!held || held.day !== day) held = { day, ms: 0 };
  if (add) {
    held.ms += add;
    await store.setMeta("offline-time", held);
  }
  return Math.floor(held.ms / 60000);
}

async function syncOnce() {
  if (S.syncing) return S.syncing;
  S.syncing = (async () => {
    try {
      const feed = await sync.syncFeed(ctx, S.feed);
      S.reachable = true;
      useFeed(feed);
      // fk-feed-apply: the answer's body read and parsed, the list merged, kept in IndexedDB and indexed here.
      performance.measure("fk-feed-apply", "fk-feed-apply-start");
      S.synced = true;
      const day = today();
      const drained = await sync.drain(ctx, day);
      if (drained.conflicts.length) {
        S.conflicts = [...drained.conflicts.reverse(), ...S.conflicts].slice(0, 20);
        await store.setMeta("conflicts", S.conflicts);
      }
      S.ownExits = await store.exitsOfDay(day);
      S.queue = await store.queueCount();
      await sync.postStatus(ctx, {
        device: ctx.device, app_version: ctx.appVersion, queue: S.queue, offline_minutes_today: await offlineMinutes(),
        last_sync_at: new Date(S.feed.synced_at).toISOString(), epoch: S.feed.epoch,
      });
    } catch (error) {
      if (error instanceof sync.NetworkError) S.reachable = false;
      else console.warn("gate sync:", error.message); // eslint-disable-line no-console
    } finally {
      S.syncing = null;
      render();
    }
  })();
  return S.syncing;
}

let timer = null;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    if (navigator.onLine) await syncOnce();
    schedule();
  }, S.reachable ? SYNC_EVERY_MS : RETRY_EVERY_MS);
}

let lastTick = Date.now();
function tick() {
  const now = Date.now();
  if (offline()) offlineMinutes(now - lastTick);
  lastTick = now;
  render();
}

// ---- the service worker: registered for the gate pages; a new version reloads the page once

function ask(worker, message) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data || {});
    worker.postMessage(message, [channel.port2]);
    setTimeout(() => resolve({ ok: false }), 20000);
  });
}

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return false;
  const worker = navigator.serviceWorker;
  const hadController = Boolean(worker.controller);
  let reloading = false;
  worker.addEventListener("controllerchange", () => {
    // A new version took over while this page was open: reload once, so no page of the old one stays.
    if (hadController && !reloading) {
      reloading = true;
      location.reload();
    }
  });
  try {
    await worker.register(ctx.swUrl, { scope: ctx.scope });
  } catch (e) {
    return false;
  }
  await worker.ready;
  if (!worker.controller) {
    await new Promise((resolve) => worker.addEventListener("controllerchange", resolve, { once: true }));
  }
  // This page and what it loaded came before the worker: have it keep them now.
  const statics = performance.getEntriesByType("resource").map((e) => e.name)
    .filter((name) => new URL(name, location.href).pathname.startsWith("/static/"));
  const reply = await ask(worker.controller, { type: "keep", page: location.href, statics });
  return Boolean(reply.ok);
}

// ---- online answers count too: an exit let through by the server is this device's until the feed has it

function noteOnlineExit() {
  const answer = document.querySelector("#scan-answer .answer:not([data-offline])");
  if (!answer || !form.querySelector("input[name=direction][value=out]:checked")) return;
  answer.querySelectorAll(".answer-person[data-decision=allow] a[href*='pass=']").forEach((link) => {
    const number = new URL(link.href, location.href).searchParams.get("pass");
    const p = number && S.byNumber.get(number);
    if (!p) return;
    const exit = { client_id: `online:${Date.now()}:${p.id}`, pass_id: p.id, day: today(), uploaded_at: Date.now() };
    S.ownExits.push(exit);
    store.exitAdd(exit);
  });
}

async function load() {
  let device = await store.getMeta("device");
  if (!device) {
    device = window.FangkongConsole ? window.FangkongConsole.uuid() : String(Date.now());
    await store.setMeta("device", device);
  }
  ctx.device = device;
  const held = await store.getFeed(ctx.gate);
  if (held) useFeed(held);
  S.ownExits = await store.exitsOfDay(today());
  S.queue = await store.queueCount();
  S.conflicts = (await store.getMeta("conflicts")) || [];
  render();
}

function start() {
  // The manifest counts only in <head>, which base.html gives no block for: the console's link goes there.
  const manifest = document.querySelector("link[rel=manifest]");
  if (manifest && manifest.parentElement !== document.head) document.head.append(manifest);
  // The listeners first, before anything is read: a scan made while the data loads waits for it.
  const loaded = load();
  const here = (clientId) => loaded.then(() => decideHere(clientId));
  document.addEventListener("submit", (event) => {
    if (event.target !== form || !offline()) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    here(null);
  }, true);
  form.addEventListener("fk:scan-send-error", (event) => {
    event.preventDefault(); // decided here: nothing is lost
    S.reachable = false;
    const clientId = form.querySelector("input[name=client_id]");
    here(clientId ? clientId.value : null);
    schedule();
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.target instanceof Element && event.target.id === "scan-answer") noteOnlineExit();
  });
  window.addEventListener("online", () => { S.reachable = true; render(); syncOnce().then(schedule); });
  window.addEventListener("offline", render);
  setInterval(tick, TICK_MS);
  root.dataset.offlineConsole = "1";

  loaded.then(async () => {
    const kept = registerWorker().then((ok) => { S.kept = ok; render(); });
    if (navigator.onLine) await syncOnce();
    schedule();
    await kept;
  });
}

if (box && form) start();
