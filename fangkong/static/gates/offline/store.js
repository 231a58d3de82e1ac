/* What the gate device keeps, in IndexedDB (through idb): nothing more readable than it must be.
   - meta: the device id, each guard's API token (by user id), the conflicts met at upload (pass number's
     last four digits, time, reasons), minutes offline today;
   - feeds: per gate, the last sync feed: passes as the feed's rows (no names, no ID numbers: an ID is a
     keyed hash, the key rotated daily), keys, policy, exits today, version and epoch;
   - queue: the scans decided offline, in order, until the server has them (a typed ID number only as
     its hash);
   - exits: this device's own allowed exits, by day, for the exit quota until the feed counts them. */

import { openDB } from "../../vendor/idb/index.js";

const NAME = "fangkong-gate";

let opened = null;

export function db() {
  if (!opened) {
    opened = openDB(NAME, 1, {
      upgrade(database) {
        database.createObjectStore("meta");
        database.createObjectStore("feeds");
        database.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
        const exits = database.createObjectStore("exits", { keyPath: "client_id" });
        exits.createIndex("day", "day");
      },
    });
  }
  return opened;
}

export async function getMeta(key) {
  return (await db()).get("meta", key);
}

export async function setMeta(key, value) {
  return (await db()).put("meta", value, key);
}

export async function deleteMeta(key) {
  return (await db()).delete("meta", key);
}

export async function getFeed(gate) {
  return (await db()).get("feeds", gate);
}

export async function putFeed(gate, feed) {
  return (await db()).put("feeds", feed, gate);
}

/** One scan into the queue and, when it let someone out, into this device's exits: one transaction. */
export async function queueScan(item, exit) {
  const tx = (await db()).transaction(exit ? ["queue", "exits"] : ["queue"], "readwrite");
  tx.objectStore("queue").add(item);
  if (exit) tx.objectStore("exits").put(exit);
  await tx.done;
}

export async function queueItems(limit) {
  return (await db()).getAll("queue", null, limit);
}

export async function queueCount() {
  return (await db()).count("queue");
}

export async function queueRemove(seqs) {
  const tx = (await db()).transaction("queue", "readwrite");
  for (const seq of seqs) tx.store.delete(seq);
  await tx.done;
}

export async function exitsOfDay(day) {
  return (await db()).getAllFromIndex("exits", "day", day);
}

export async function exitAdd(exit) {
  return (await db()).put("exits", exit);
}

/** The server has these exits since `at` (ms): the next feed counts them. Older days' exits go. */
export async function exitsUploaded(clientIds, at, today) {
  const tx = (await db()).transaction("exits", "readwrite");
  for (const id of clientIds) {
    const exit = await tx.store.get(id);
    if (exit) await tx.store.put({ ...exit, uploaded_at: at });
  }
  let cursor = await tx.store.openCursor();
  while (cursor) {
    if (cursor.value.day < today) await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.done;
}
