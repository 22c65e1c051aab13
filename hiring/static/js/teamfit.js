// Preselect the browser's time zone in time zone pickers still on their default.
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("select[data-detect-time-zone]").forEach((select) => {
    if (select.value === "UTC" && [...select.options].some((o) => o.value === zone)) {
      select.value = zone;
      // A page showing times (a candidate's link) reloads them in the detected zone.
      if (select.hasAttribute("data-submit-on-detect")) select.form.submit();
    }
  });
});

// An autosave that fails (refused, a server error, no network) says so beside its field, and
// the status line stops claiming the last save; the next successful save of the field clears it.
document.addEventListener("htmx:afterRequest", (event) => {
  const field = event.detail.elt;
  if (!field.matches || !field.matches("[hx-target='#draft-status']")) return;
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
  marker.textContent = "Not saved";
  const status = document.getElementById("draft-status");
  if (status && !event.detail.xhr.status) {
    status.textContent = "Not saved: the server could not be reached. Your text is still here.";
  } else if (status && event.detail.xhr.status >= 500) {
    status.textContent = "Not saved: the server failed. Your text is still here; try again.";
  }
});
