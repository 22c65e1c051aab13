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
