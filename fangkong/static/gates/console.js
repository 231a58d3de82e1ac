/* Gate pages: the console's scan form (keyboard-wedge scanners and ID-card readers wherever the focus is,
   vehicle mode, camera via jsQR), the full-screen answer (its button, Enter or the next scan go back; a
   short sound and vibration on ALLOW and on DENY, each switchable), and the visitor form's answer.
   Everything works without this file too: the forms post and the server answers with whole pages. */
(function () {
  "use strict";

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const form = $("#scan-form"); // the console's; other gate pages only use the answer screen

  // 4xx answers are not swapped by htmx; 422 carries the form's errors and is.
  if (window.htmx) {
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "422", swap: true },
      { code: "[23]..", swap: true },
      { code: "[45]..", swap: false, error: true },
      { code: "...", swap: false },
    ];
  }

  // ---- keyboard hints such as "(Enter)" mean nothing on a touch screen
  const root = document.documentElement;
  if (window.matchMedia && matchMedia("(hover: none), (pointer: coarse)").matches) root.classList.add("touch");
  document.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "touch") root.classList.add("touch");
  }, true);

  // ---- the guard's choices on this device: sound and vibration, each on unless switched off
  const PREFS = { sound: "fangkong-gate-sound", vibrate: "fangkong-gate-vibrate" };
  function prefOn(name) {
    try { return localStorage.getItem(PREFS[name]) !== "off"; } catch (e) { return true; }
  }
  function setPref(name, on) {
    try { localStorage.setItem(PREFS[name], on ? "on" : "off"); } catch (e) { /* private mode: this page only */ }
  }

  // ---- sound: WebAudio tones, unlocked by the first touch or key (browsers want a gesture first)
  let audio = null;
  function unlockAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      audio = audio || new Context();
      if (audio.state === "suspended") audio.resume();
    } catch (e) { audio = null; }
  }
  document.addEventListener("pointerdown", unlockAudio, true);
  document.addEventListener("keydown", unlockAudio, true);

  // ALLOW: one short high tone. DENY: two low, harsh ones. Told apart without looking.
  const TONES = {
    allow: { type: "sine", frequency: 880, starts: [0], length: 0.12 },
    deny: { type: "square", frequency: 440, starts: [0, 0.28], length: 0.22 },
  };
  const VIBRATIONS = { allow: [60], deny: [200, 100, 200] };

  function beep(decision) {
    const tone = TONES[decision];
    if (!audio || !tone) return;
    const t = audio.currentTime + 0.02;
    tone.starts.forEach((offset) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = tone.type;
      osc.frequency.value = tone.frequency;
      gain.gain.setValueAtTime(0.0001, t + offset);
      gain.gain.exponentialRampToValueAtTime(0.35, t + offset + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + offset + tone.length);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + offset);
      osc.stop(t + offset + tone.length + 0.02);
    });
  }

  function feedback(decision) {
    if (prefOn("sound")) beep(decision);
    if (prefOn("vibrate") && navigator.vibrate && VIBRATIONS[decision]) navigator.vibrate(VIBRATIONS[decision]);
  }

  // ---- ids: crypto.randomUUID exists only in secure contexts (HTTPS, localhost); intranets may use http
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // ---- the answer screen, on every gate page: it goes away by its button, Enter or Escape, or the next
  // scan; a tap elsewhere on it (a sleeve, a glove) does nothing.
  let answerShownAt = 0;

  function currentAnswer() {
    return $(".answer");
  }

  function showAnswer(answer) {
    answerShownAt = Date.now();
    answer.focus({ preventScroll: true });
    feedback(answer.dataset.decision);
  }

  function dismissAnswer() {
    const answer = currentAnswer();
    if (!answer) return;
    if (!form) { // a visitor's answer: back to the console
      const next = $("[data-dismiss]", answer);
      if (next) window.location.assign(next.href);
      return;
    }
    answer.remove();
    resetScanForm();
  }

  document.addEventListener("click", (event) => {
    const answer = currentAnswer();
    if (!answer || !answer.contains(event.target)) return;
    if (!event.target.closest("[data-dismiss]")) return; // "Report incident", "Register as a visitor" or a stray tap
    event.preventDefault();
    dismissAnswer();
  });

  document.addEventListener("keydown", (event) => {
    const answer = currentAnswer();
    if (!answer || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.activeElement && document.activeElement.closest(".answer-actions")) {
      if (event.key === "Enter") return; // Enter on a focused action link follows it
    }
    // A scanner's Enter that arrives just after the answer must not skip it unseen.
    if (Date.now() - answerShownAt < 350) {
      if (event.key === "Enter") event.preventDefault();
      return;
    }
    if (event.key === "Enter" || event.key === "Escape") {
      event.preventDefault();
      dismissAnswer();
    } else if (form && event.key.length === 1) {
      // The next pass is being typed or scanned: go back and let the key land in the pass field.
      dismissAnswer();
    }
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    // Only the answers to the forms, not e.g. the address suggestions of the visitor form.
    if (!(event.target instanceof Element) || !event.target.matches("#scan-answer, #visitor-body")) return;
    const answer = currentAnswer();
    if (answer) { showAnswer(answer); return; }
    const errors = form && $("#scan-answer .scan-errors");
    if (errors) { focusError(errors); return; }
    const invalid = !form && $(".big-form .errorlist");
    const input = invalid && invalid.parentElement.querySelector("input, textarea");
    if (input) input.focus();
  });

  // ---- the console
  const existing = currentAnswer();
  if (existing) showAnswer(existing);
  if (!form) return;

  const console_ = $(".gate-console");
  const gate = console_.dataset.gate;
  const slot = $("#scan-answer");
  const occupants = $("#occupants");
  const maxOccupants = parseInt(occupants.dataset.max, 10) || 9;
  const vehicleSwitch = $(".vehicle-switch input", form);
  const clientId = $("input[name=client_id]", form);
  const firstRow = $(".occupant", occupants).cloneNode(true);
  $$("input", firstRow).forEach((input) => { input.value = ""; input.removeAttribute("autofocus"); });

  const isVehicle = () => Boolean(vehicleSwitch && vehicleSwitch.checked);
  const entering = () => Boolean($("input[name=direction][value=in]:checked", form));
  const rows = () => $$(".occupant", occupants);
  const codeInput = (row) => $("input[name=code]", row || rows()[0]);
  const temperatureInput = (row) => $("input[name=temperature]", row || rows()[0]);

  // What a scanner or a card reader types: a signed QR text, a printed pass number, an ID number.
  const ID_NUMBER = /^[1-9]\d{16}[\dXx]$/;
  const SCANNED = [/^FK1[A-Za-z0-9_-]{20,}$/, /^\d{6,24}$/, ID_NUMBER];
  const looksScanned = (text) => SCANNED.some((pattern) => pattern.test(text));

  function renumber() {
    rows().forEach((row, i) => {
      $(".n", row).textContent = String(i + 1);
      $(".remove-occupant", row).hidden = i === 0;
    });
    $(".add-occupant", form).disabled = rows().length >= maxOccupants;
  }

  function addRow() {
    if (rows().length >= maxOccupants) return null;
    const row = firstRow.cloneNode(true);
    occupants.appendChild(row);
    renumber();
    return row;
  }

  // An ID number in the pass field is the key and the ID check at once: the ID field is not asked for.
  function showIdAsKey(row) {
    const isId = ID_NUMBER.test(codeInput(row).value.trim());
    const field = $(".id-field", row);
    if (isId) $("input[name=id_number]", row).value = "";
    field.hidden = isId;
    $(".id-as-key", row).hidden = !isId;
  }

  function resetScanForm() {
    slot.innerHTML = "";
    rows().slice(1).forEach((row) => row.remove());
    $$("input[name=code], input[name=id_number], input[name=temperature]", form).forEach((i) => { i.value = ""; });
    $$(".asking", form).forEach((i) => i.classList.remove("asking"));
    const plate = $("input[name=plate]", form);
    if (plate) plate.value = "";
    clientId.value = uuid();
    renumber();
    showIdAsKey(rows()[0]);
    codeInput().focus();
  }

  function showProblem(text) {
    slot.innerHTML = "";
    const box = document.createElement("div");
    box.className = "scan-errors";
    box.setAttribute("role", "alert");
    box.textContent = text;
    slot.appendChild(box);
  }

  function focusError(errors) {
    const field = errors.dataset.field;
    const row = parseInt(errors.dataset.row, 10);
    let target = null;
    if (field === "plate") target = $("input[name=plate]", form);
    else if (field === "code" || field === "id_number" || field === "temperature") {
      const inputs = $$(`input[name=${field}]`, form);
      target = inputs[Number.isNaN(row) ? 0 : Math.min(row, inputs.length - 1)];
    }
    if (target && target.closest("[hidden]")) target = null;
    (target || codeInput()).focus();
    if (target && target.select) target.select();
  }

  // ---- the temperature on the way in: asked for before the check, so no refusal is recorded for it
  function rowWithoutTemperature() {
    if (!entering() || form.dataset.enteringNeedsTemperature !== "1") return null;
    const candidates = isVehicle() ? rows().filter((r) => codeInput(r).value.trim()) : rows().slice(0, 1);
    return candidates.find((r) => codeInput(r).value.trim() && !temperatureInput(r).value.trim()) || null;
  }

  function askTemperature(row) {
    slot.innerHTML = "";
    const box = document.createElement("div");
    box.className = "scan-prompt";
    box.setAttribute("role", "alert");
    box.textContent = form.dataset.msgTemperature;
    slot.appendChild(box);
    const input = temperatureInput(row);
    input.classList.add("asking");
    input.focus();
  }

  // Before htmx (on the form itself) sees the submit: a capturing listener higher up runs first.
  document.addEventListener("submit", (event) => {
    if (event.target !== form) return;
    const row = rowWithoutTemperature();
    if (!row) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    askTemperature(row);
  }, true);

  form.addEventListener("input", (event) => {
    const input = event.target;
    if (input.name === "temperature" && input.value.trim()) {
      input.classList.remove("asking");
      if ($(".scan-prompt", slot) && !$$(".asking", form).length) slot.innerHTML = "";
    } else if (input.name === "code") {
      showIdAsKey(input.closest(".occupant"));
    }
  });

  // Direction: remembered per gate for this browser tab.
  const directionKey = `fangkong-gate-direction-${gate}`;
  const remembered = sessionStorage.getItem(directionKey);
  if (remembered && !new URLSearchParams(location.search).has("direction")) {
    const radio = $(`input[name=direction][value=${remembered}]`, form);
    if (radio) radio.checked = true;
  }
  form.addEventListener("change", (event) => {
    if (event.target.name === "direction") {
      sessionStorage.setItem(directionKey, event.target.value);
      if ($(".scan-prompt", slot) && !entering()) slot.innerHTML = "";
      codeInput().focus();
    } else if (event.target === vehicleSwitch) {
      if (!isVehicle()) rows().slice(1).forEach((row) => row.remove());
      renumber();
      (isVehicle() ? $("input[name=plate]", form) : codeInput()).focus();
    }
  });

  form.addEventListener("click", (event) => {
    if (event.target.closest(".add-occupant")) {
      const row = addRow();
      if (row) codeInput(row).focus();
    } else if (event.target.closest(".remove-occupant")) {
      event.target.closest(".occupant").remove();
      renumber();
    }
  });

  // Enter: on foot, it checks the pass (a scanner types the code and Enter) once a pass is there; in
  // vehicle mode it walks through the occupants' fields, adding a row after the last one.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT" || currentAnswer()) return;
    const input = event.target;
    if (input.name === "plate") {
      event.preventDefault();
      codeInput().focus();
      return;
    }
    const row = input.closest(".occupant");
    if (!row) return;
    if (!isVehicle()) {
      if (input.name !== "code" && !codeInput().value.trim()) {
        event.preventDefault();
        codeInput().focus();
      }
      return; // the browser submits the form
    }
    event.preventDefault();
    const fields = $$("input", row).filter((i) => !i.closest("[hidden]"));
    const next = fields[fields.indexOf(input) + 1];
    if (next) { next.focus(); return; }
    const following = row.nextElementSibling || (codeInput(row).value.trim() ? addRow() : null);
    if (following) codeInput(following).focus();
  });

  form.addEventListener("htmx:configRequest", () => {
    if (!clientId.value) clientId.value = uuid();
  });

  document.addEventListener("htmx:responseError", (event) => {
    if (event.detail.elt !== form) return;
    const xhr = event.detail.xhr;
    let text = "";
    try {
      const page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      const message = page.querySelector("main .error p");
      text = message ? message.textContent.trim() : "";
    } catch (e) { text = ""; }
    showProblem(`${form.dataset.msgFailed} ${text || xhr.status}`);
  });
  document.addEventListener("htmx:sendError", (event) => {
    if (event.detail.elt !== form) return;
    // The offline console (offline/offline.js) decides on this device instead when it can: it cancels this.
    const offline = new CustomEvent("fk:scan-send-error", { cancelable: true });
    if (form.dispatchEvent(offline)) showProblem(form.dataset.msgOffline);
  });

  // ---- a pass read by a scanner, a card reader or the camera: into the pass field, then decide (or ask
  // for the temperature first)
  let lastRow = null;
  form.addEventListener("focusin", (event) => {
    const row = event.target.closest(".occupant");
    if (row) lastRow = row;
  });

  function useCode(text) {
    if (currentAnswer()) dismissAnswer(); // the next scan replaces the answer
    if (!isVehicle()) {
      const row = rows()[0];
      codeInput(row).value = text;
      showIdAsKey(row);
      form.requestSubmit(); // asks for the temperature instead when it is missing on the way in
      return;
    }
    // In a vehicle, the code goes to the occupant being filled in, or the first without a pass.
    let row = lastRow && lastRow.isConnected && !codeInput(lastRow).value.trim() ? lastRow : null;
    row = row || rows().find((r) => !codeInput(r).value.trim()) || addRow();
    if (!row) return;
    codeInput(row).value = text;
    showIdAsKey(row);
    temperatureInput(row).focus();
  }

  // ---- keyboard-wedge scanners and ID-card readers type like a keyboard, only far faster than anyone:
  // characters ending in Enter whose last stretch reads as a pass or an ID number and came, for the most
  // part, faster than a person types, are a scan, wherever the focus was. The field they landed in gets
  // back what the guard had typed there (a temperature, say). A pause now and then (a busy phone) is
  // forgiven: the typical gap counts (the median), not the longest.
  const SCAN_GAP_MS = 35; // the median gap between two characters: a person types one every 100 ms or more
  const SCAN_PAUSE_MS = 1500; // longer than this inside a scan and it is not one
  const SCAN_MIN = 6;

  function median(values) {
    const sorted = values.slice().sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
  let keys = []; // {t, ch, field, before}: the characters typed since the last Enter (or long pause)

  function isScan(i) {
    const part = keys.slice(i);
    if (part.length < SCAN_MIN || !looksScanned(part.map((k) => k.ch).join(""))) return false;
    const gaps = part.slice(1).map((k, j) => k.t - part[j].t);
    return Math.max(...gaps) <= SCAN_PAUSE_MS && median(gaps) <= SCAN_GAP_MS;
  }

  // Where the scan begins among the keys typed: the earliest start that makes one, except that a key the
  // guard typed a moment before (set apart by a pause) is left out when the rest is a scan on its own.
  function scannedSuffix(now) {
    if (!keys.length || now - keys[keys.length - 1].t > SCAN_PAUSE_MS) return -1; // the Enter is the scanner's too
    for (let i = 0; i <= keys.length - SCAN_MIN; i += 1) {
      if (!isScan(i)) continue;
      const apart = keys[i + 1].t - keys[i].t > 250;
      return apart && isScan(i + 1) ? i + 1 : i;
    }
    return -1;
  }

  window.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const now = performance.now();
    if (event.key === "Enter") {
      const start = scannedSuffix(now);
      const part = start < 0 ? [] : keys.slice(start);
      keys = [];
      if (!part.length) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const restored = new Set();
      part.forEach((k) => { // each field the scan typed into, as it was before
        if (!k.field || restored.has(k.field)) return;
        restored.add(k.field);
        if (k.field.isConnected) k.field.value = k.before;
      });
      useCode(part.map((k) => k.ch).join(""));
      return;
    }
    if (event.key.length !== 1) return; // Shift and the like, which a scanner sends around capitals
    if (keys.length && now - keys[keys.length - 1].t > 2000) keys = [];
    const active = document.activeElement;
    const field = active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA") && form.contains(active)
      ? active : null;
    keys.push({ t: now, ch: event.key, field, before: field ? field.value : "" });
    if (keys.length > 400) keys = keys.slice(-300);
  }, true);

  // ---- sound and vibration switches (this device only)
  const switches = $(".feedback-switches");
  if (switches) {
    const sound = $("#sound-switch");
    const vibrate = $("#vibrate-switch");
    sound.checked = prefOn("sound");
    vibrate.checked = prefOn("vibrate");
    vibrate.closest("label").hidden = !navigator.vibrate;
    sound.addEventListener("change", () => { setPref("sound", sound.checked); if (sound.checked) { unlockAudio(); beep("allow"); } });
    vibrate.addEventListener("change", () => { setPref("vibrate", vibrate.checked); if (vibrate.checked) navigator.vibrate(VIBRATIONS.allow); });
    switches.hidden = false;
  }

  // ---- camera: getUserMedia + canvas + jsQR (shipped among the package's static files). Where it cannot
  // start, the note under the button says why.
  const cameraButton = $("#camera-button");
  const cameraNote = $("#camera-note");
  const cameraView = $("#camera");
  const video = $("video", cameraView);
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let stream = null;
  let timer = null;

  function cameraUnavailable(message, { retry = false } = {}) {
    cameraButton.hidden = false;
    cameraButton.disabled = !retry;
    cameraButton.setAttribute("aria-describedby", "camera-note");
    cameraNote.textContent = message;
    cameraNote.hidden = false;
  }

  function setUpCamera() {
    if (cameraButton.disabled) return; // the server has no QR reader to send: the note says so already
    if (typeof window.jsQR !== "function") return cameraUnavailable(form.dataset.msgCameraLibrary);
    if (!window.isSecureContext) return cameraUnavailable(form.dataset.msgCameraInsecure);
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return cameraUnavailable(form.dataset.msgCameraUnsupported);
    }
    cameraButton.hidden = false;
    if (navigator.mediaDevices.enumerateDevices) {
      navigator.mediaDevices.enumerateDevices().then((devices) => {
        if (!devices.some((d) => d.kind === "videoinput")) cameraUnavailable(form.dataset.msgCameraNone);
      }).catch(() => { /* unknown: let the button try */ });
    }
    return undefined;
  }

  function stopCamera() {
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    cameraView.hidden = true;
  }

  function readFrame() {
    if (!stream) return;
    if (video.readyState >= 2 && video.videoWidth) {
      const scale = Math.min(1, 720 / Math.max(video.videoWidth, video.videoHeight));
      const w = Math.round(video.videoWidth * scale);
      const h = Math.round(video.videoHeight * scale);
      canvas.width = w;
      canvas.height = h;
      context.drawImage(video, 0, 0, w, h);
      const found = window.jsQR(context.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "attemptBoth" });
      if (found && found.data) {
        stopCamera();
        useCode(found.data.trim());
        return;
      }
    }
    timer = setTimeout(readFrame, 120);
  }

  const CAMERA_ERRORS = {
    NotAllowedError: "msgCameraDenied", SecurityError: "msgCameraDenied", PermissionDeniedError: "msgCameraDenied",
    NotFoundError: "msgCameraNone", DevicesNotFoundError: "msgCameraNone", OverconstrainedError: "msgCameraNone",
  };

  async function startCamera() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false,
      });
    } catch (e) {
      stream = null;
      const key = CAMERA_ERRORS[e && e.name] || "msgCameraFailed";
      cameraUnavailable(form.dataset[key], { retry: key !== "msgCameraNone" });
      return;
    }
    cameraNote.hidden = true;
    cameraView.hidden = false;
    video.srcObject = stream;
    try { await video.play(); } catch (e) { /* autoplay of a muted inline video is allowed */ }
    readFrame();
  }

  setUpCamera();
  cameraButton.addEventListener("click", () => { if (!stream && !cameraButton.disabled) startCamera(); });
  $(".camera-cancel", cameraView).addEventListener("click", () => { stopCamera(); codeInput().focus(); });
  document.addEventListener("visibilitychange", () => { if (document.hidden) stopCamera(); });
  document.addEventListener("keydown", (event) => {
    if (stream && event.key === "Escape") { stopCamera(); codeInput().focus(); }
  });

  // What the offline console (offline/offline.js, a module) uses to show its own answers like the server's.
  window.FangkongConsole = { showAnswer, showProblem, resetScanForm, uuid };

  renumber();
  rows().forEach(showIdAsKey);
  if (!clientId.value) clientId.value = uuid();
  if (!currentAnswer() && !$(".scan-errors", slot)) codeInput().focus();
})();
