/* Behaviour the pages declare with data attributes, since the Content-Security-Policy runs no inline
   script or event handler:
   - [data-print]: a button that prints the page (the personal link's card);
   - select[data-autosubmit]: a filter that submits its form when changed (the audit log's action). */
(function () {
  "use strict";

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });

  document.addEventListener("change", (event) => {
    const select = event.target.closest("select[data-autosubmit]");
    if (!select || !select.form) return;
    if (select.form.requestSubmit) select.form.requestSubmit(); else select.form.submit();
  });
})();
