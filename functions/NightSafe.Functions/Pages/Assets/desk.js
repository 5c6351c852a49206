// The partner desk: every 15 seconds, fetch the desk again and swap in its case list when it changed, announcing
// new cases; the focused link keeps its focus. The page works without this script (reload shows the same).
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !main.dataset.refresh) { return; }
  var url = main.dataset.refresh;

  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("cases");
        var current = document.getElementById("cases");
        if (!next || !current || next.innerHTML === current.innerHTML) { return; }
        var before = current.querySelectorAll(".case-card").length;
        var focused = document.activeElement && current.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
        current.replaceWith(document.importNode(next, true));
        var after = document.getElementById("cases");
        if (focused) {
          var again = after.querySelector("a[href=\"" + focused.replace(/"/g, "") + "\"]");
          if (again) { again.focus(); }
        }
        var count = after.querySelectorAll(".case-card").length;
        document.getElementById("desk-status").textContent = count > before ? "New case received." : "Cases updated.";
      })
      .catch(function () { document.getElementById("desk-status").textContent = "Could not refresh; retrying."; })
      .finally(function () { window.setTimeout(refresh, 15000); });
  }

  window.setTimeout(refresh, 15000);
})();
