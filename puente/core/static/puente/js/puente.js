/* Small progressive enhancements; every page works without them. Loaded from a file: the CSP forbids inline
   scripts. */
(function () {
  "use strict";

  // An error summary (includes/error_summary.html) takes focus so screen reader and keyboard users land on it.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  // Escape closes an open menu (<details>) and returns focus to its toggle.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    document.querySelectorAll("details.account-menu[open], details.nav-menu[open]").forEach(function (menu) {
      if (menu.classList.contains("nav-menu") && wide.matches) {
        return;
      }
      menu.open = false;
      var toggle = menu.querySelector("summary");
      if (toggle && menu.contains(document.activeElement)) {
        toggle.focus();
      }
    });
  });

  // On wide screens the main menu is always shown (CSS does this too where ::details-content is supported).
  var wide = window.matchMedia("(min-width: 48em)");
  function syncMenu() {
    var menu = document.querySelector("details.nav-menu");
    if (menu) {
      menu.open = wide.matches;
    }
  }

  function start() {
    syncMenu();
    if (wide.addEventListener) {
      wide.addEventListener("change", syncMenu);
    }
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
