// "Copy link" buttons on the HR round page: the personal link goes to the clipboard, never on screen.
(function () {
  "use strict";
  document.querySelectorAll(".copy-link").forEach(function (button) {
    button.addEventListener("click", function () {
      var label = button.firstChild;
      navigator.clipboard.writeText(button.dataset.link).then(function () {
        label.textContent = "Copied";
      }, function () {
        label.textContent = "Copy failed";
      });
      setTimeout(function () { label.textContent = "Copy link"; }, 2500);
    });
  });
}());
