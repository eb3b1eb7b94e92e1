// Choosing a reply template fills the decline form with its words (still editable).
// Without JavaScript, submitting with a template and an empty reason uses the template.
(function () {
  "use strict";
  const select = document.getElementById("id_template");
  if (!select) return;
  select.addEventListener("change", function () {
    const source = document.querySelector('#reply-templates [data-id="' + select.value + '"]');
    if (!source) return;
    const kind = document.getElementById("id_kind");
    const reason = document.getElementById("id_reason");
    const workaround = document.getElementById("id_workaround");
    if (kind) kind.value = source.dataset.kind;
    if (reason) reason.value = source.dataset.reason;
    if (workaround) workaround.value = source.dataset.workaround;
  });
})();
