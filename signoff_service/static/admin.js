// "Copy link" buttons on the HR round page: the personal link goes to the clipboard, never on screen.
(function () {
  "use strict";
  function copyWithSelection(text) {
    // For plain-http deployments, where browsers withhold navigator.clipboard.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var copied = document.execCommand("copy");
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyWithSelection(text); });
    }
    return copyWithSelection(text);
  }
  document.querySelectorAll(".copy-link").forEach(function (button) {
    button.addEventListener("click", function () {
      var label = button.firstChild;
      copy(button.dataset.link).then(function () {
        label.textContent = "Copied";
      }, function () {
        label.textContent = "Copy failed";
      });
      setTimeout(function () { label.textContent = "Copy link"; }, 2500);
      button.focus();
    });
  });
}());
