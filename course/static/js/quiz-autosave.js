// Quiz answers saved as they change, so a student who leaves the page finds them back. Without
// JavaScript the "Tussendoor opslaan" button does the same. A failed save changes nothing: the
// answers stay on screen and the buttons still work.
(function () {
  "use strict";
  var form = document.querySelector("form[data-save-url]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-save-url");
  var status = document.getElementById("save-status");
  var timer = null;
  var submitting = false;

  function say(text) { if (status) { status.textContent = text; } }

  function save() {
    timer = null;
    if (submitting) { return; }
    var data = new FormData(form);
    data.delete("action");
    // A redirect means the attempt was handed in (another tab): nothing was saved.
    fetch(url, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.status === 204) {
          say("Je antwoorden zijn opgeslagen. Er is nog niets ingeleverd.");
        } else if (response.type === "opaqueredirect") {
          say("Deze poging is al ingeleverd. Wat je nu nog kiest, wordt niet bewaard.");
        } else {
          say("Opslaan lukte niet. Je antwoorden staan nog op het scherm; klik op Tussendoor opslaan.");
        }
      })
      .catch(function () {
        say("Opslaan lukte niet. Je antwoorden staan nog op het scherm; klik op Tussendoor opslaan.");
      });
  }

  form.addEventListener("change", function () {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, 800);
  });
  form.addEventListener("submit", function () {
    submitting = true;
    if (timer) { window.clearTimeout(timer); timer = null; }
  });
})();
