// "Använd min position": the browser's position fills the form, which then asks the server as any search does.
(function () {
  "use strict";
  var form = document.querySelector("[data-find-position]");
  if (!form || !navigator.geolocation) { return; }
  var status = form.querySelector("[data-position-status]");
  form.hidden = false;
  form.addEventListener("submit", function (event) {
    if (form.elements.lat.value) { return; }
    event.preventDefault();
    status.textContent = form.dataset.waiting;
    navigator.geolocation.getCurrentPosition(function (found) {
      form.elements.lat.value = found.coords.latitude.toFixed(5);
      form.elements.lon.value = found.coords.longitude.toFixed(5);
      form.submit();
    }, function (error) {
      status.textContent = error.code === error.PERMISSION_DENIED ? form.dataset.denied : form.dataset.failed;
    }, { timeout: 10000, maximumAge: 600000 });
  });
})();
