// The respondent's pages: answers are saved as they are given (one save at a time; a save that fails is sent
// again with the same id, so the server applies it once), and the server's evaluation of the form — which
// questions apply, which answers break a rule — is shown at once. Without JavaScript the buttons do the same.
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  var form = document.getElementById("survey-form");
  if (!form || !window.fetch) { return; }
  var status = form.querySelector(".autosave-status");
  var revision = form.querySelector("input[name=_revision]");
  var timer = null, inFlight = false, changedSinceSend = false, pending = null;

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (Math.random() * 16 >> c / 4)).toString(16);
    });
  }

  function show(result) {
    form.querySelectorAll("[data-path]").forEach(function (element) {
      element.hidden = result.hidden.indexOf(element.getAttribute("data-path")) !== -1;
    });
    form.querySelectorAll(".question").forEach(function (question) {
      var path = question.getAttribute("data-path");
      var message = question.querySelector(".field-error");
      var error = result.errors[path];
      if (!message) { return; }
      if (error) {
        message.textContent = error; message.hidden = false; question.classList.add("has-error");
      } else if (result.answered.indexOf(path) !== -1) {  // an empty required answer keeps its message
        message.textContent = ""; message.hidden = true; question.classList.remove("has-error");
      }
    });
    status.textContent = result.saved;
  }

  function send() {
    if (inFlight) { return; }
    inFlight = true;
    if (!pending) {  // a new save; a failed one is sent again as it was, with its id
      pending = new FormData(form);
      pending.set("_save_id", newId());
      pending.set("_revision", revision.value);
      changedSinceSend = false;
    }
    status.textContent = form.dataset.saving;
    fetch(form.dataset.autosave, {method: "POST", body: pending, credentials: "same-origin",
                                  headers: {"X-Requested-With": "fetch"}})
      .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
      .then(function (outcome) {
        inFlight = false;
        if (!outcome[0]) { status.textContent = outcome[1].error; pending = null; return; }
        revision.value = outcome[1].revision;
        pending = null;
        show(outcome[1]);
        if (changedSinceSend) { send(); }
      })
      .catch(function () {
        inFlight = false;
        status.textContent = form.dataset.offline;
        setTimeout(send, 5000);  // the same save (same id) again
      });
  }

  function soon() {
    changedSinceSend = true;
    clearTimeout(timer);
    timer = setTimeout(send, 800);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  form.addEventListener("submit", function () { clearTimeout(timer); });
})();
