// The live lesson follows the board: poll the state document every two seconds. An unchanged
// state costs a 304; a new version (next statement, the reveal, the end) reloads the page.
(function () {
  "use strict";
  var holder = document.querySelector("[data-live-state]");
  if (!holder || !window.fetch) { return; }
  var url = holder.getAttribute("data-live-state");
  var version = holder.getAttribute("data-live-version");
  var counter = document.getElementById("live-answered");
  var etag = null;
  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, credentials: "same-origin", cache: "no-cache" })
      .then(function (response) {
        if (response.status === 304 || !response.ok) { return null; }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        if (!state) { return; }
        if (String(state.v) !== version || state.e) { window.location.reload(); return; }
        if (counter && typeof state.n === "number") { counter.textContent = String(state.n); }
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
})();
