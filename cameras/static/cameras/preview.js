// Reload the blurred preview every 2 s (a static file: the admin runs under a strict CSP, no inline scripts).
(function () {
  "use strict";
  var image = document.getElementById("camera-preview");
  var missing = document.getElementById("camera-preview-missing");
  if (!image) { return; }
  function refresh() {
    image.src = image.dataset.src + "?t=" + Date.now();
  }
  image.addEventListener("load", function () { image.hidden = false; missing.hidden = true; });
  image.addEventListener("error", function () { image.hidden = true; missing.hidden = false; });
  image.hidden = true;
  refresh();
  window.setInterval(refresh, 2000);
}());
