// The ledger: "select all on this page" for printing labels or transferring several cards.
document.addEventListener("change", (event) => {
  const master = event.target.closest("[data-select-all]");
  if (!master) return;
  const form = master.closest("form");
  form.querySelectorAll('input[name="asset"]').forEach((box) => { box.checked = master.checked; });
});
