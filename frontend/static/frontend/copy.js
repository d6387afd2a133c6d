/* Copy buttons: <button data-copy-target="id-of-input" data-copied-label="已复制">.
   The clipboard API needs HTTPS; on a plain-HTTP intranet fall back to select + execCommand. */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy-target]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy-target"));
  if (!field) return;
  var done = function () {
    if (button.getAttribute("data-copied-label")) button.textContent = button.getAttribute("data-copied-label");
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done);
  } else {
    field.select();
    document.execCommand("copy");
    done();
  }
});
