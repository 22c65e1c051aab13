// Preselect the browser's time zone in time zone pickers still on their default. A browser
// may name it by an older alias (Asia/Calcutta): it resolves the menu's name to the same one.
const sameZone = (name, zone) => {
  try {
    return new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone === zone;
  } catch {
    return false; // a zone this browser does not know
  }
};
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("select[data-detect-time-zone]").forEach((select) => {
    if (select.value !== "UTC") return;
    const options = [...select.options];
    const match =
      options.find((o) => o.value === zone) || options.find((o) => sameZone(o.value, zone));
    if (match && match.value !== "UTC") {
      select.value = match.value;
      // A page showing times (a candidate's link) reloads them in the detected zone.
      if (select.hasAttribute("data-submit-on-detect")) select.form.submit();
    }
  });
});

// Autosaves of the feedback form (they answer into #draft-status).
const isAutosave = (element) => element.matches && element.matches("[hx-target='#draft-status']");
const autosaves = { pending: 0, waiting: null };

// Submitting waits for the autosaves under way, so it goes with the draft version they
// returned (the server refuses an older one); once the form is submitted no autosave starts.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.classList.contains("feedback-form") || form.dataset.submitting === "go") return;
  if (autosaves.pending > 0) {
    event.preventDefault();
    autosaves.waiting = { form, submitter: event.submitter };
  } else {
    form.dataset.submitting = "go";
  }
});

function submitOnceIdle() {
  const waiting = autosaves.waiting;
  if (!waiting || autosaves.pending > 0) return;
  autosaves.waiting = null;
  waiting.form.dataset.submitting = "go";
  waiting.form.requestSubmit(waiting.submitter);
}

document.addEventListener("htmx:beforeRequest", (event) => {
  if (!isAutosave(event.detail.elt)) return;
  if (event.detail.elt.closest("form")?.dataset.submitting === "go") {
    event.preventDefault();
    return;
  }
  autosaves.pending += 1;
});

// An autosave that fails (refused, a server error, no network) says so beside its field, and
// the status line stops claiming the last save; the next successful save of the field clears it.
document.addEventListener("htmx:afterRequest", (event) => {
  const field = event.detail.elt;
  if (!isAutosave(field)) return;
  autosaves.pending = Math.max(0, autosaves.pending - 1);
  // After htmx has sent the next queued autosave, if any.
  setTimeout(submitOnceIdle, 0);
  const group = field.closest(".scale, .votes-choice") || field;
  let marker = group.nextElementSibling;
  if (!marker || !marker.classList.contains("save-error")) marker = null;
  if (event.detail.successful) {
    if (marker) marker.remove();
    return;
  }
  if (!marker) {
    marker = document.createElement("span");
    marker.className = "error save-error";
    marker.setAttribute("role", "alert");
    group.after(marker);
  }
  // The words come from #draft-status's data attributes, in the page's language.
  const status = document.getElementById("draft-status");
  marker.textContent = status?.dataset.notSaved;
  if (status && !event.detail.xhr.status) {
    status.textContent = status.dataset.unreachable;
  } else if (status && event.detail.xhr.status === 401) {
    // Signed out meanwhile (hiring/middleware.py): the answer says so, in the reader's language.
    status.textContent = event.detail.xhr.responseText;
  } else if (status && event.detail.xhr.status >= 500) {
    status.textContent = status.dataset.serverFailed;
  }
});

// Any other htmx request refused because the session ended (hiring/middleware.py answers it
// 401): the page reloads, and so asks to sign in, back to it.
document.addEventListener("htmx:afterRequest", (event) => {
  if (isAutosave(event.detail.elt) || event.detail.xhr.status !== 401) return;
  window.location.reload();
});

// Any other htmx request the page does not swap the answer of (base.html's responseHandling
// swaps 400 and 409, beside the form): gone or no longer the reader's (404, 410), refused
// (403: a form from before the session changed), the server failed, or no answer at all. The
// page says so above its content, in its language, rather than nothing.
document.addEventListener("htmx:afterRequest", (event) => {
  const status = event.detail.xhr.status;
  if (isAutosave(event.detail.elt) || event.detail.successful) return;
  if ([400, 401, 409].includes(status)) return;
  const banner = document.getElementById("request-failed");
  if (!banner) return;
  const reason = !status ? "unreachable" : [404, 410].includes(status) ? "gone" : "failed";
  banner.querySelector(".message").textContent = banner.dataset[reason];
  banner.hidden = false;
});
document.addEventListener("htmx:beforeRequest", (event) => {
  const banner = document.getElementById("request-failed");
  if (banner && !isAutosave(event.detail.elt)) banner.hidden = true;
});

// A table wider than the screen scrolls sideways in its .table-scroll box: the box takes the
// keyboard's focus then, so the arrow keys scroll it (a mouse or a finger already can).
function focusWideTables() {
  document.querySelectorAll(".table-scroll").forEach((box) => {
    if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
    else box.removeAttribute("tabindex");
  });
}
document.addEventListener("DOMContentLoaded", focusWideTables);
document.addEventListener("htmx:afterSettle", focusWideTables);
window.addEventListener("resize", focusWideTables);

// A form that came back with errors puts the focus on their summary: a screen reader reads it,
// and Tab goes on to the first field.
document.addEventListener("DOMContentLoaded", () => document.getElementById("error-summary")?.focus());

// A swap that takes away the element with the focus (a card's Move button, a criterion's
// arrow, a vote's button) would leave the focus at the page's start, and a keyboard or screen
// reader user would look for their place from the top. It goes instead to the same control
// in the new content (the same form's control of the same name and value), else to that
// form's first enabled control, else to the part of the page the answer replaced, read from
// its start.
const FOCUSABLE = ":is(a[href], button, select, textarea, input:not([type=hidden])):not(:disabled)";

function sameControl(element) {
  let selector = element.tagName.toLowerCase();
  for (const attribute of ["name", "value"]) {
    const value = element.getAttribute(attribute);
    if (value !== null) selector += `[${attribute}="${CSS.escape(value)}"]`;
  }
  return selector;
}

// Where the focus goes once a swap's new content is in (set by htmx:beforeSwap).
let refocus = null;

document.addEventListener("htmx:beforeSwap", (event) => {
  const active = document.activeElement;
  if (!active || active === document.body || !event.detail.target.contains(active)) return;
  const action = (active.form || active.closest("form"))?.getAttribute("action");
  const form = action ? `form[action="${CSS.escape(action)}"]` : null;
  // (A control with an id htmx finds again itself.)
  refocus = [
    () => form && document.querySelector(`${form} ${sameControl(active)}:not(:disabled)`),
    () => form && document.querySelector(`${form} ${FOCUSABLE}`),
    () => {
      const part = event.detail.target.id && document.getElementById(event.detail.target.id);
      if (part && !part.matches(FOCUSABLE)) part.setAttribute("tabindex", "-1");
      return part;
    },
  ];
});

// Not before htmx has taken the new content in (htmx:load, as it settles): until then its
// forms are plain ones, and a key pressed at once would send the page away.
document.addEventListener("htmx:load", () => {
  const places = refocus;
  if (!places) return;
  // Once every part of the answer is in (each new part loads in turn).
  setTimeout(() => {
    if (refocus !== places) return;
    refocus = null;
    if (document.activeElement && document.activeElement !== document.body) return;
    for (const place of places) {
      const found = place();
      if (found) return found.focus();
    }
  }, 0);
});
