// The application form: the browser's time zone goes with it, for the times in the candidate's
// emails and pages; a form that came back with errors puts the focus on their summary.
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  document.querySelectorAll("input[name=time_zone]").forEach((input) => {
    if (!input.value) input.value = zone;
  });
  document.getElementById("error-summary")?.focus();
});
