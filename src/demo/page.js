// The demo page: draws what the stand-in for Slack holds for the chosen rep (the server renders
// the Block Kit to HTML) and sends what the rep does to the demo's endpoints, which deliver it to
// the app as Slack would. Plain JavaScript, no libraries.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { user: "", version: -1, modalKey: null, tab: "messages", burst: 0 };

function showError(text) {
  const box = $("error");
  box.textContent = text;
  box.style.display = text ? "block" : "none";
}

async function post(path, body) {
  try {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(Object.assign({ user: state.user }, body)),
    });
    const text = await response.text();
    if (!response.ok) {
      showError(`${path}: ${response.status} ${text}`);
      return null;
    }
    showError("");
    return text ? JSON.parse(text) : {};
  } catch (e) {
    showError(`${path}: ${e}`);
    return null;
  } finally {
    // The app answers Slack at once and calls the Web API just after: look again soon.
    state.burst = 20;
    refresh();
  }
}

function inputValues(root) {
  const values = {};
  root.querySelectorAll("[data-input-block]").forEach((el) => {
    values[el.dataset.inputBlock] = el.value;
  });
  return values;
}

function drawModal(modal) {
  const root = $("modal-root");
  if (!modal) {
    root.innerHTML = "";
    state.modalKey = null;
    return;
  }
  if (modal.key === state.modalKey) return;
  const old = root.querySelector("form.modal");
  const kept = old && old.dataset.view === modal.view_id ? inputValues(old) : null;
  root.innerHTML = `<div class="backdrop">${modal.html}</div>`;
  state.modalKey = modal.key;
  if (kept) {
    root.querySelectorAll("[data-input-block]").forEach((el) => {
      if (el.dataset.inputBlock in kept) el.value = kept[el.dataset.inputBlock];
    });
  }
  const first = root.querySelector("[data-input-block]");
  if (first && !kept) first.focus();
}

async function refresh() {
  if (!state.user) return;
  const user = state.user;
  let data;
  try {
    const response = await fetch(`/demo/ui?user=${encodeURIComponent(user)}`);
    if (!response.ok) return showError(`/demo/ui: ${response.status} ${await response.text()}`);
    data = await response.json();
  } catch (e) {
    return showError(`the demo server does not answer: ${e}`);
  }
  if (user !== state.user) return;
  $("clock").textContent = data.clock;
  if (data.version !== state.version) {
    const pane = $("conversation");
    const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 40;
    pane.innerHTML = data.conversation;
    if (atBottom || state.version === -1) pane.scrollTop = pane.scrollHeight;
    $("home").innerHTML = data.home;
    $("log").innerHTML = data.log;
    state.version = data.version;
  }
  drawModal(data.modal);
}

// Every 150 ms while something was just done (the app answers Slack first and calls the Web
// API just after), else about once a second.
let ticks = 0;
function tick() {
  ticks += 1;
  if (state.burst > 0) {
    state.burst -= 1;
    refresh();
  } else if (ticks % 7 === 0) {
    refresh();
  }
}

function chooseUser(user) {
  state.user = user;
  state.version = -1;
  state.modalKey = null;
  $("modal-root").innerHTML = "";
  try { localStorage.setItem("followup-demo-rep", user); } catch (e) { /* private mode */ }
  if (state.tab === "home") post("/demo/home", {});
  refresh();
}

function showTab(tab) {
  state.tab = tab;
  $("tab-messages").classList.toggle("active", tab === "messages");
  $("tab-home").classList.toggle("active", tab === "home");
  $("conversation").style.display = tab === "messages" ? "" : "none";
  $("home").style.display = tab === "home" ? "block" : "none";
  if (tab === "home") post("/demo/home", {});
}

function sendCommand(text) {
  const trimmed = text.trim().replace(/^\/followup\s*/, "");
  return post("/demo/command", { text: trimmed });
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (button) {
    post("/demo/click", { src: button.dataset.src, block_id: button.dataset.block, action_id: button.dataset.action });
    return;
  }
  const chip = event.target.closest("button[data-cmd]");
  if (chip) {
    sendCommand(chip.dataset.cmd);
    return;
  }
  const closer = event.target.closest("button.modal-close");
  if (closer) {
    const form = closer.closest("form.modal");
    post("/demo/close", { view_id: form.dataset.view });
  }
});

document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-action]");
  if (select && select.value) {
    post("/demo/click", { src: select.dataset.src, block_id: select.dataset.block, action_id: select.dataset.action, option: select.value });
  }
});

document.addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.id === "composer") {
    const input = $("command");
    const text = input.value;
    input.value = "";
    sendCommand(text);
  } else if (form.classList.contains("modal")) {
    post("/demo/submit", { view_id: form.dataset.view, values: inputValues(form) });
  }
});

$("rep").addEventListener("change", (event) => chooseUser(event.target.value));
$("tab-messages").addEventListener("click", () => showTab("messages"));
$("tab-home").addEventListener("click", () => showTab("home"));
$("next-morning").addEventListener("click", async () => {
  const button = $("next-morning");
  button.disabled = true;
  const answer = await post("/demo/next-morning", {});
  button.disabled = false;
  if (answer && answer.summary) $("summary").textContent = answer.summary;
});

let saved = null;
try { saved = localStorage.getItem("followup-demo-rep"); } catch (e) { /* private mode */ }
const picker = $("rep");
if (saved && [...picker.options].some((o) => o.value === saved)) picker.value = saved;
chooseUser(picker.value);
setInterval(tick, 150);
