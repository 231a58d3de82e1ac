/* Gate pages: the console's scan form (keyboard-wedge scanners, vehicle mode, camera via jsQR),
   the full-screen answer (tap or Enter to go back, a beep on DENY), and the visitor form's answer.
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

  // ---- sound: a WebAudio beep, unlocked by the first touch or key (browsers want a gesture first)
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

  function beep() {
    if (!audio) return;
    const t = audio.currentTime + 0.02;
    [0, 0.28].forEach((offset) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "square";
      osc.frequency.value = 440;
      gain.gain.setValueAtTime(0.0001, t + offset);
      gain.gain.exponentialRampToValueAtTime(0.35, t + offset + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + offset + 0.22);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + offset);
      osc.stop(t + offset + 0.24);
    });
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

  // ---- the answer screen, on every gate page
  let answerShownAt = 0;

  function currentAnswer() {
    return $(".answer");
  }

  function showAnswer(answer) {
    answerShownAt = Date.now();
    answer.focus({ preventScroll: true });
    if (answer.dataset.decision === "deny") beep();
    if (navigator.vibrate && answer.dataset.decision === "deny") navigator.vibrate([200, 100, 200]);
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
    const link = event.target.closest("a");
    if (link && !link.hasAttribute("data-dismiss")) return; // "Report incident", "Register as a visitor"
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
    if (event.key === "Enter" || event.key === "Escape" || event.key === " ") {
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
  const rows = () => $$(".occupant", occupants);
  const codeInput = (row) => $("input[name=code]", row || rows()[0]);

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

  function resetScanForm() {
    slot.innerHTML = "";
    rows().slice(1).forEach((row) => row.remove());
    $$("input[name=code], input[name=id_number], input[name=temperature]", form).forEach((i) => { i.value = ""; });
    const plate = $("input[name=plate]", form);
    if (plate) plate.value = "";
    clientId.value = uuid();
    renumber();
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
    (target || codeInput()).focus();
    if (target && target.select) target.select();
  }

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
    const fields = $$("input", row);
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
    if (event.detail.elt === form) showProblem(form.dataset.msgOffline);
  });

  // ---- camera: getUserMedia + canvas + jsQR (served from node_modules when `npm ci` has run)
  const cameraButton = $("#camera-button");
  const cameraView = $("#camera");
  const video = $("video", cameraView);
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let stream = null;
  let timer = null;

  if (typeof window.jsQR === "function") {
    if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      cameraButton.hidden = false;
    } else {
      const note = $("#camera-note");
      note.textContent = cameraButton.dataset.insecure; // getUserMedia needs a secure context
      note.hidden = false;
    }
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

  let lastRow = null;
  form.addEventListener("focusin", (event) => {
    const row = event.target.closest(".occupant");
    if (row) lastRow = row;
  });

  function useCode(text) {
    if (!isVehicle()) {
      codeInput().value = text;
      form.requestSubmit();
      return;
    }
    // In a vehicle, the code goes to the occupant being filled in, or the first without a pass.
    let row = lastRow && lastRow.isConnected && !codeInput(lastRow).value.trim() ? lastRow : null;
    row = row || rows().find((r) => !codeInput(r).value.trim()) || addRow();
    if (!row) return;
    codeInput(row).value = text;
    $("input[name=temperature]", row).focus();
  }

  async function startCamera() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false,
      });
    } catch (e) {
      stream = null;
      showProblem(form.dataset.msgCameraFailed);
      return;
    }
    cameraView.hidden = false;
    video.srcObject = stream;
    try { await video.play(); } catch (e) { /* autoplay of a muted inline video is allowed */ }
    readFrame();
  }

  cameraButton.addEventListener("click", () => { if (!stream) startCamera(); });
  $(".camera-cancel", cameraView).addEventListener("click", () => { stopCamera(); codeInput().focus(); });
  document.addEventListener("visibilitychange", () => { if (document.hidden) stopCamera(); });
  document.addEventListener("keydown", (event) => {
    if (stream && event.key === "Escape") { stopCamera(); codeInput().focus(); }
  });

  renumber();
  if (!clientId.value) clientId.value = uuid();
  if (!currentAnswer() && !$(".scan-errors", slot)) codeInput().focus();
})();
