// The class teacher's signature: signature_pad (served locally) on a canvas; the drawing is
// sent as a PNG data URL in the form's hidden `signature` field.
(() => {
  document.querySelectorAll("[data-signature-form]").forEach((form) => {
    const canvas = form.querySelector("[data-signature-pad]");
    const field = form.querySelector('input[name="signature"]');
    if (!canvas || !window.SignaturePad) return;
    const pad = new window.SignaturePad(canvas, { backgroundColor: "rgba(0,0,0,0)", penColor: "#111" });

    function resize() {
      // Draw at the screen's pixel density, so the signature is sharp on a phone.
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      const data = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      pad.fromData(data);
    }
    window.addEventListener("resize", resize);
    resize();

    form.querySelector("[data-signature-clear]")?.addEventListener("click", () => pad.clear());
    form.addEventListener("submit", () => {
      field.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
    });
  });
})();
