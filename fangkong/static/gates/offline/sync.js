/* The device and the server: its API token, the sync feed applied to what the device keeps, the queue
   drained through POST /api/v1/scans/batch (in order, at most 100 a request, idempotent by client_id) and
   the device's status. Nothing here decides a scan. */

import * as store from "./store.js";

const BATCH = 100;

export class NetworkError extends Error {}

async function call(url, options = {}) {
  try {
    return await fetch(url, { cache: "no-store", credentials: "same-origin", ...options });
  } catch (error) {
    throw new NetworkError(String(error));
  }
}

/** This guard's API token on this device: asked for once with the page's session (and CSRF token), then
    kept in IndexedDB under the user's id; `renew` after a 401 (revoked, expired). */
export async function token(ctx, { renew = false, user = ctx.user } = {}) {
  const key = `token:${user}`;
  const held = await store.getMeta(key);
  if (held && !renew) return held.token;
  if (user !== ctx.user) return null; // another guard's scans wait for that guard's session
  const response = await call(ctx.tokenUrl, {
    method: "POST",
    headers: { "X-CSRFToken": ctx.csrf(), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ device: ctx.device }),
  });
  if (!response.ok) throw new Error(`device token: ${response.status}`);
  const data = await response.json();
  await store.setMeta(key, { token: data.token, at: Date.now() });
  return data.token;
}

async function api(ctx, url, options = {}, user = ctx.user) {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const bearer = await token(ctx, { renew: attempt > 0, user });
    if (!bearer) return null;
    const response = await call(url, {
      ...options, headers: { ...(options.headers || {}), Authorization: `Bearer ${bearer}` },
    });
    if (response.status !== 401 || user !== ctx.user) return response;
  }
  return null;
}

function indexRows(fields, rows) {
  return rows.map((row) => {
    const p = {};
    for (let i = 0; i < fields.length; i += 1) p[fields[i]] = row[i];
    return p;
  });
}

/**
 * Fetch the feed since the version held and apply it: a full feed (first sync, new epoch) replaces the
 * list, an incremental one changes and removes rows. Returns the feed as kept (passes as objects).
 * Marks fk-feed-apply-start before the answer's body is read.
 */
export async function syncFeed(ctx, held) {
  const fetchedAt = Date.now();
  const params = new URLSearchParams({ since: String(held ? held.version || 0 : 0) });
  if (held && held.epoch) params.set("epoch", held.epoch);
  const response = await api(ctx, `${ctx.feedUrl}?${params}`, { headers: { Accept: "application/json" } });
  if (!response) throw new Error("no token");
  if (!response.ok) throw new Error(`sync feed: ${response.status}`);
  performance.mark("fk-feed-apply-start"); // the body read and parsed, the list rebuilt and kept
  const data = await response.json();
  const fields = data.pass_fields || [];
  const incoming = indexRows(fields, data.passes || []);
  let passes;
  if (data.full || !held || !held.passes) {
    passes = incoming;
  } else {
    const byId = new Map(held.passes.map((p) => [p.id, p]));
    for (const id of data.removed || []) byId.delete(id);
    for (const p of incoming) byId.set(p.id, p);
    passes = Array.from(byId.values());
  }
  const feed = {
    version: data.version, epoch: data.epoch || null, id_key: data.id_key || null, keys: data.keys || [],
    policy: data.policy || (held && held.policy) || null, day: data.day || null, exits: data.exits || {},
    server_time: data.server_time || null, gate: data.gate || null, passes, fetched_at: fetchedAt,
    synced_at: Date.now(), full: Boolean(data.full),
  };
  await store.putFeed(ctx.gate, feed);
  return feed; // the caller measures fk-feed-apply once it has the list in memory too
}

// What the batch endpoint reads of a queued scan: the rest (seq, user, pass id) is the device's own.
const SCAN_FIELDS = ["client_id", "scanned_at", "gate", "direction", "code", "temperature", "plate", "device",
  "id_number_hash", "id_epoch", "device_decision", "device_reasons"];

function scanIn(item) {
  const out = {};
  for (const f of SCAN_FIELDS) if (item[f] !== undefined && item[f] !== null && item[f] !== "") out[f] = item[f];
  return out;
}

function lastFour(number) {
  return number ? `…${String(number).slice(-4)}` : "";
}

/**
 * Upload the queue in order. Acknowledged scans leave the queue (a replay answers as the first time, so a
 * lost answer costs nothing); a scan the server refuses as input (a 4xx on its own) leaves it too, counted
 * as rejected. Returns {sent, conflicts: [{number, scanned_at, reasons}], rejected}.
 */
export async function drain(ctx, today) {
  const all = await store.queueItems();
  const done = { sent: 0, conflicts: [], rejected: 0 };
  const users = [...new Set(all.map((i) => i.user))];
  for (const user of users) {
    const mine = all.filter((i) => i.user === user);
    for (let start = 0; start < mine.length; start += BATCH) {
      const chunk = mine.slice(start, start + BATCH);
      const response = await api(ctx, ctx.batchUrl, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ scans: chunk.map(scanIn) }),
      }, user);
      if (!response) break; // another guard's token is not on this device any more: their scans wait
      if (response.status >= 500) throw new Error(`batch: ${response.status}`);
      if (!response.ok) {
        if (chunk.length === 1) {
          await store.queueRemove([chunk[0].seq]);
          done.rejected += 1;
          continue;
        }
        // One scan the server refuses as input must not hold up the others: each on its own.
        for (const item of chunk) {
          const single = await api(ctx, ctx.batchUrl, {
            method: "POST", headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ scans: [scanIn(item)] }),
          }, user);
          if (!single || single.status >= 500) throw new Error("batch: server error");
          if (single.ok) {
            await acknowledge(ctx, [item], (await single.json()).results, done, today);
          } else {
            await store.queueRemove([item.seq]);
            done.rejected += 1;
          }
        }
        continue;
      }
      await acknowledge(ctx, chunk, (await response.json()).results, done, today);
    }
  }
  if (done.rejected) console.warn(`gate upload: ${done.rejected} scan(s) refused as input, dropped`); // eslint-disable-line no-console
  return done;
}

async function acknowledge(ctx, chunk, results, done, today) {
  const byClient = new Map(results.map((r) => [r.client_id, r]));
  const acked = chunk.filter((item) => byClient.has(item.client_id));
  await store.queueRemove(acked.map((i) => i.seq));
  await store.exitsUploaded(acked.filter((i) => i.exit).map((i) => i.client_id), Date.now(), today);
  done.sent += acked.length;
  for (const item of acked) {
    const r = byClient.get(item.client_id);
    if (r.conflict) {
      done.conflicts.push({
        number: lastFour(r.pass ? r.pass.number : item.number), scanned_at: item.scanned_at,
        reasons: r.conflict_reasons && r.conflict_reasons.length ? r.conflict_reasons : r.reasons,
      });
    }
  }
}

export async function postStatus(ctx, status) {
  const response = await api(ctx, ctx.statusUrl, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(status),
  });
  return Boolean(response && response.ok);
}
