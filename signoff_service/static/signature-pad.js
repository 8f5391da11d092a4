// The optional drawn signature: pointer events cover mouse, touch and pen alike. The drawing is
// copied into the hidden "signature" field as a PNG data URL; the typed name alone is a complete
// signature, so nothing here is needed to sign.
(function () {
  "use strict";
  // After a refused submission, move focus to the list of problems so screen readers announce it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  var pad = document.querySelector(".signature-pad");
  if (!pad) { return; }
  var canvas = pad.querySelector("canvas");
  var field = pad.querySelector('input[name="signature"]');
  var clear = pad.querySelector(".signature-clear");
  var ctx = canvas.getContext("2d");
  var drawing = false, drawn = false, last = null;

  ctx.lineWidth = 2.5;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#0b0c0c";

  function point(event) {
    var rect = canvas.getBoundingClientRect();
    return {x: (event.clientX - rect.left) * canvas.width / rect.width,
            y: (event.clientY - rect.top) * canvas.height / rect.height};
  }

  canvas.addEventListener("pointerdown", function (event) {
    drawing = true;
    last = point(event);
    canvas.setPointerCapture(event.pointerId);
    ctx.beginPath();
    ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fill();
    drawn = true;
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) { return; }
    var next = point(event);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(next.x, next.y);
    ctx.stroke();
    last = next;
    event.preventDefault();
  });
  function finish() {
    if (!drawing) { return; }
    drawing = false;
    field.value = drawn ? canvas.toDataURL("image/png") : "";
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  canvas.addEventListener("pointerleave", finish);
  clear.addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
    field.value = "";
  });
}());
