// Live refresh, for pages that show something that moves on its own (an
// order while its workflow runs). An element with data-stamp-url names an
// address that answers the stamp of what the page shows; the page asks it
// every few seconds while visible, and when the stamp changed it reloads,
// or, when the person has started typing into a form, shows the notice
// .changed instead so that nothing typed is lost. Pages work without it.
(function () {
  "use strict";
  var el = document.querySelector("[data-stamp-url]");
  if (!el || !window.fetch) {
    return;
  }
  var url = el.getAttribute("data-stamp-url");
  var stamp = el.getAttribute("data-stamp");
  var typing = false;
  document.addEventListener("input", function () { typing = true; });
  function check() {
    if (document.hidden) {
      return;
    }
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (now) {
        if (now === null || now === stamp) {
          return;
        }
        if (typing) {
          var notice = document.querySelector(".changed");
          if (notice) {
            notice.hidden = false;
          }
          return;
        }
        window.location.reload();
      })
      .catch(function () { /* offline for a moment: ask again later */ });
  }
  // data-every: seconds between asks (a page whose stamp costs more asks
  // less often), 4 by default.
  var every = parseInt(el.getAttribute("data-every"), 10) || 4;
  window.setInterval(check, Math.max(every, 2) * 1000);
})();
