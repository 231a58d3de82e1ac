/* Behaviour the pages declare with data attributes, since the Content-Security-Policy runs no inline
   script or event handler:
   - [data-print]: a button that prints the page (the personal link's card);
   - select[data-autosubmit]: a filter that submits its form when changed (the audit log's action);
   - header .menu-toggle: on a phone, opens and closes the navigation (base.html, app.css);
   - table.list: put in a .table-wrap that scrolls sideways, focusable when it does overflow, so that a
     wide table scrolls in its own box (by keyboard too) instead of widening the page. */
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

  // The menu on phones: the button toggles the panel; Escape or a tap outside the header closes it.
  function setMenu(header, open) {
    const toggle = header.querySelector(".menu-toggle");
    header.classList.toggle("menu-open", open);
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("header.top .menu-toggle");
    const header = document.querySelector("header.top.menu-open");
    if (toggle) setMenu(toggle.closest("header.top"), !toggle.closest("header.top").classList.contains("menu-open"));
    else if (header && !header.contains(event.target)) setMenu(header, false);
  });
  document.addEventListener("keydown", (event) => {
    const header = document.querySelector("header.top.menu-open");
    if (event.key !== "Escape" || !header) return;
    setMenu(header, false);
    header.querySelector(".menu-toggle").focus();
  });

  // Tables: wrapped and made reachable by keyboard while they overflow their box.
  function wrapTables(root) {
    root.querySelectorAll("table.list").forEach((table) => {
      if (table.parentElement.classList.contains("table-wrap")) return;
      const wrap = document.createElement("div");
      wrap.className = "table-wrap";
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
    markScrollable();
  }
  function markScrollable() {
    document.querySelectorAll(".table-wrap").forEach((wrap) => {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.tabIndex = 0;
        const table = wrap.querySelector("table");
        const heading = table && (table.caption || table.getAttribute("aria-label"));
        if (!wrap.hasAttribute("role") && heading) {
          wrap.setAttribute("role", "region");
          wrap.setAttribute("aria-label", typeof heading === "string" ? heading : heading.textContent.trim());
        }
      } else if (!wrap.hasAttribute("data-focusable")) {
        wrap.removeAttribute("tabindex");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => wrapTables(document));
  } else {
    wrapTables(document);
  }
  document.addEventListener("htmx:load", (event) => wrapTables(event.target.parentElement || document));
  let resizing = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(markScrollable, 150);
  });
})();
