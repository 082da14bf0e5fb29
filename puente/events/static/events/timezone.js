// Progressive enhancement: remember the browser's time zone in the "tz" cookie so that meeting times are also
// shown in the viewer's zone. Without JavaScript the "Show times in" form does the same.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone || !/^[A-Za-z0-9_+\/-]+$/.test(zone) || /(^|;\s*)tz=/.test(document.cookie)) {
    return;
  }
  document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  var shown = document.documentElement.querySelector("[data-viewer-tz]");
  if (shown && shown.getAttribute("data-viewer-tz") !== zone && /(^|;\s*)tz=/.test(document.cookie)) {
    window.location.reload();
  }
})();
