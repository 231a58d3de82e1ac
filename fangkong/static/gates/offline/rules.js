/* The gate's decision rules, for the console when it decides without the server: the same rules, in the
   same order, with the same reason codes as `_rules` and the exit quota of fangkong/gates/scanning.py.
   Pure functions, no DOM and no storage: they run in node too, over the shared table of cases
   (fangkong/gates/scan_rule_cases.json, test_scan_rule_cases_js.py). Dates are ISO strings
   (YYYY-MM-DD), which compare as dates; temperatures are strings such as "36.5". */

export const REASON = Object.freeze({
  UNKNOWN_PASS: "unknown_pass",
  BAD_SIGNATURE: "bad_signature",
  PASS_REVOKED: "pass_revoked",
  PASS_EXPIRED: "pass_expired",
  PASS_NOT_YET_VALID: "pass_not_yet_valid",
  GATE_NOT_ALLOWED: "gate_not_allowed",
  BANNED: "banned",
  ID_MISMATCH: "id_mismatch",
  ID_REQUIRED: "id_required",
  UNDER_OBSERVATION: "under_observation",
  TEMPERATURE_REQUIRED: "temperature_required",
  FEVER: "fever",
  EXIT_QUOTA_REACHED: "exit_quota_reached",
  EXIT_NEEDS_CONNECTION: "exit_needs_connection",
});

/** Tenths of a degree as an integer ("37.3" → 373), so that no float rounding decides a fever; null when
    it is no number. */
export function tenths(value) {
  if (value === null || value === undefined || value === "") return null;
  const text = String(value).trim().replace("，", ".").replace(",", ".");
  if (!/^\d{1,3}(\.\d+)?$/.test(text)) return null;
  return Math.round(Number(text) * 10);
}

/** The policy's comparison as the server stores it (">=", ">") or as the table writes it ("gte", "gt"). */
export function isFever(temperature, policy) {
  const t = tenths(temperature);
  const limit = tenths(policy.fever_threshold);
  if (t === null || limit === null) return false;
  const gte = policy.fever_comparison === ">=" || policy.fever_comparison === "gte";
  return gte ? t >= limit : t > limit;
}

/** The exits a day the policy allows a pass of this kind; null: no limit (absent or null). */
export function exitQuota(policy, kind) {
  const quotas = policy.exit_quota || {};
  const quota = quotas[kind];
  return quota === null || quota === undefined ? null : Number(quota);
}

/**
 * The rules in order, every reason that applies (the guard sees them all), as `_rules` on the server.
 * pass: {kind, status, version, valid_from, valid_until, restricted, at_gate, banned}
 * claimVersion: the QR's pass version, null for a typed number or an ID card.
 * idNumber: null (none typed), "match" or "mismatch"; idShown: the pass was found by its holder's ID card.
 */
export function rules({ pass, claimVersion = null, idNumber = null, idShown = false, direction, temperature = null,
  day, policy }) {
  const reasons = [];
  if (pass.status === "revoked" || (claimVersion !== null && claimVersion !== undefined
      && claimVersion !== pass.version)) {
    reasons.push(REASON.PASS_REVOKED);
  }
  if (day > pass.valid_until) reasons.push(REASON.PASS_EXPIRED);
  if (day < pass.valid_from) reasons.push(REASON.PASS_NOT_YET_VALID);
  if (pass.restricted && !pass.at_gate) reasons.push(REASON.GATE_NOT_ALLOWED);
  if (pass.banned) reasons.push(REASON.BANNED);
  if (idNumber) {
    if (idNumber !== "match") reasons.push(REASON.ID_MISMATCH);
  } else if ((policy.id_required || []).includes(pass.kind) && !idShown) {
    reasons.push(REASON.ID_REQUIRED);
  }
  if (pass.status === "suspended" && direction === "out") reasons.push(REASON.UNDER_OBSERVATION);
  if (direction === "in") {
    if (temperature === null || temperature === undefined || temperature === "") {
      reasons.push(REASON.TEMPERATURE_REQUIRED);
    } else if (isFever(temperature, policy)) {
      reasons.push(REASON.FEVER);
    }
  }
  return reasons;
}

/** The quota for an exit the rules allowed: `exitsKnown` exits of the pass today known to this decider.
    Offline, a policy of offline_exit "refuse" sends an exit under a quota to a connected gate. */
export function quotaReasons({ quota, exitsKnown, offline = false, offlineExit = "allow_flag" }) {
  if (quota === null || quota === undefined) return [];
  if (quota <= 0 || exitsKnown >= quota) return [REASON.EXIT_QUOTA_REACHED];
  if (offline && offlineExit === "refuse") return [REASON.EXIT_NEEDS_CONNECTION];
  return [];
}

/**
 * One decision, in the shape of a case of the shared table:
 * {pass|null, signature: "valid"|"bad"|"none", claimVersion, idNumber, idShown, direction, temperature, day,
 *  policy, exitsKnown, offline} → {decision: "allow"|"deny", reasons: [...]}
 */
export function decide(input) {
  let reasons;
  if (input.signature === "bad") {
    reasons = [REASON.BAD_SIGNATURE];
  } else if (!input.pass) {
    reasons = [REASON.UNKNOWN_PASS];
  } else {
    reasons = rules({ ...input, claimVersion: input.signature === "valid" ? input.claimVersion : null });
    if (!reasons.length && input.direction === "out") {
      reasons = quotaReasons({
        quota: exitQuota(input.policy, input.pass.kind), exitsKnown: input.exitsKnown || 0,
        offline: Boolean(input.offline), offlineExit: input.policy.offline_exit || "allow_flag",
      });
    }
  }
  return { decision: reasons.length ? "deny" : "allow", reasons };
}

/** A case of the shared table (snake_case keys) as `decide` reads it. */
export function decideCase(c) {
  return decide({
    pass: c.pass, signature: c.signature, claimVersion: c.claim_version, idNumber: c.id_number,
    idShown: c.id_shown, direction: c.direction, temperature: c.temperature, day: c.day, policy: c.policy,
    exitsKnown: c.exits_known, offline: c.offline,
  });
}

// ---- the ID card as the key, as the server reads it (core.identifiers, gates.scanning)

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = "10X98765432";

/** Full-width characters to ASCII, no spaces, upper case: `normalise_id_number`. */
export function normaliseIdNumber(raw) {
  return String(raw || "").normalize("NFKC").replace(/\s+/g, "").toUpperCase();
}

/** 18 characters, the first 17 digits: an ID number in the pass field, never a pass number. */
export function looksLikeIdNumber(text) {
  return text.length === 18 && /^\d{17}/.test(text);
}

/** The code of what is wrong with a resident ID number ("id_format", "id_checksum", "id_birth_date"), or
    "" when it is valid: `parse_resident_id`. */
export function idNumberProblem(raw, today) {
  const n = normaliseIdNumber(raw);
  if (!/^[0-9]{17}[0-9X]$/.test(n)) return "id_format";
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += Number(n[i]) * WEIGHTS[i];
  if (CHECK_CHARS[total % 11] !== n[17]) return "id_checksum";
  const y = Number(n.slice(6, 10));
  const m = Number(n.slice(10, 12));
  const d = Number(n.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return "id_birth_date";
  const iso = `${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}`;
  if (y < 1880 || (today && iso > today)) return "id_birth_date";
  return "";
}

/**
 * The pass an ID card opens at this gate, as `_pass_for_id_number`: among the holder's passes that are not
 * revoked, the first by: valid today; usable at this gate; the person's own before a vehicle pass; active
 * before suspended; the latest valid_until; the newest (highest id). Rows: {id, kind, status, valid_from,
 * valid_until, restricted, at_gate}. null when none.
 */
export function pickPassForId(rows, day) {
  let best = null;
  let bestKey = null;
  for (const r of rows) {
    if (r.status === "revoked") continue;
    const key = [r.valid_from <= day && day <= r.valid_until, r.at_gate || !r.restricted, r.kind !== "vehicle",
      r.status === "active", r.valid_until, r.id];
    if (best === null || compareKeys(key, bestKey) > 0) {
      best = r;
      bestKey = key;
    }
  }
  return best;
}

function compareKeys(a, b) {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] === b[i]) continue;
    return a[i] > b[i] ? 1 : -1;
  }
  return 0;
}
