// The receipt's print button: shown only when scripts run (otherwise the page says to
// use the browser's Print command).
document.querySelectorAll("[data-print-receipt]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
