// Counting by camera: decode QR labels (jsQR, served locally) and submit each new one.
// Needs a secure origin (https or localhost); without a camera, the keeper types the number.
(() => {
  const root = document.querySelector("[data-scanner]");
  if (!root) return;
  const video = root.querySelector("video");
  const toggle = root.querySelector("[data-scan-toggle]");
  const error = root.querySelector("[data-scan-error]");
  const form = document.getElementById("scan-form");
  const input = document.getElementById("scanned");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let stream = null;
  let last = "";
  let lastAt = 0;

  function frame() {
    if (!stream) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA && window.jsQR) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      // The same label held in view counts once; it may be counted again after 3 s.
      if (code && code.data && (code.data !== last || Date.now() - lastAt > 3000)) {
        last = code.data;
        lastAt = Date.now();
        input.value = code.data;
        if (navigator.vibrate) navigator.vibrate(60);
        form.requestSubmit();
      }
    }
    requestAnimationFrame(frame);
  }

  async function start() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (failure) {
      error.hidden = false;
      return;
    }
    error.hidden = true;
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    toggle.setAttribute("aria-pressed", "true");
    requestAnimationFrame(frame);
  }

  function stop() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    toggle.setAttribute("aria-pressed", "false");
  }

  toggle.addEventListener("click", () => (stream ? stop() : start()));
  // After each answer, clear the box for the next label.
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt === form) input.value = "";
  });
  window.addEventListener("pagehide", stop);
})();
