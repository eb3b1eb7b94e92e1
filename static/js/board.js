// The roadmap board: drag a card to another column or place, or focus it and press
// Alt+Left/Right (previous/next horizon) or Alt+Up/Down (reorder). Each move posts to the
// card's move URL and is undone on the page if the server refuses it. Also: the confirm
// before shipping, and the print button of the printable page. No inline script: a strict
// Content-Security-Policy allows only this file.
(function () {
  "use strict";

  // --- Confirm before submitting (shipping), and the print button: any page ----------------
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    const confirmed = form.querySelector("[data-confirmed]");
    if (confirmed) confirmed.value = "1"; // the server skips its own confirmation page
  });
  document.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
  });

  const board = document.querySelector("[data-board]");
  if (!board) return;
  const status = document.getElementById("board-status");

  function csrfToken() {
    try {
      const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (error) { /* fall back to the cookie */ }
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function announce(text) { if (status) status.textContent = text; }
  function lists() { return Array.from(board.querySelectorAll("ol[data-horizon]")); }
  function cards(list) { return Array.from(list.querySelectorAll(":scope > .roadmap-card[data-movable]")); }
  function titleOf(card) {
    const title = card.querySelector(".roadmap-card-title");
    return title ? title.textContent.trim() : "the item";
  }

  function refresh() {
    for (const list of lists()) {
      const column = list.closest("[data-column]");
      const count = cards(list).length;
      const counter = column.querySelector("[data-count]");
      const plural = column.querySelector("[data-plural]");
      const empty = column.querySelector("[data-empty]");
      if (counter) counter.textContent = String(count);
      if (plural) plural.textContent = count === 1 ? "" : "s";
      if (empty) empty.hidden = count > 0;
      for (const card of cards(list)) {
        const select = card.querySelector("[data-horizon-select]");
        if (select) select.value = list.dataset.horizon;
      }
    }
  }

  // Put the card before ``before`` in ``list`` (at its end when null), then tell the server.
  function move(card, list, before) {
    const from = card.parentElement;
    const after = card.nextElementSibling;
    if (before === card || (list === from && before === after)) return; // no change
    list.insertBefore(card, before);
    refresh();
    card.focus({ preventScroll: true });
    const body = new FormData();
    body.append("horizon", list.dataset.horizon);
    if (before) body.append("before", before.dataset.itemId);
    const place = cards(list).indexOf(card) + 1;
    const where = `${list.dataset.label}, ${place} of ${cards(list).length}`;
    card.setAttribute("aria-busy", "true");
    fetch(card.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        announce(`Moved “${titleOf(card)}” to ${where}.`);
      })
      .catch(function () {
        from.insertBefore(card, after && after.parentElement === from ? after : null);
        refresh();
        announce(`Could not move “${titleOf(card)}”. Reload the page and try again.`);
      })
      .finally(function () { card.removeAttribute("aria-busy"); });
  }

  // --- Keyboard ----------------------------------------------------------------------------
  board.addEventListener("keydown", function (event) {
    const card = event.target;
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    if (!(card instanceof Element) || !card.matches(".roadmap-card[data-movable]")) return;
    const list = card.parentElement;
    const all = lists();
    const index = all.indexOf(list);
    switch (event.key) {
      case "ArrowLeft":
        if (index > 0) move(card, all[index - 1], null);
        break;
      case "ArrowRight":
        if (index < all.length - 1) move(card, all[index + 1], null);
        break;
      case "ArrowUp": {
        const previous = card.previousElementSibling;
        if (previous) move(card, list, previous);
        break;
      }
      case "ArrowDown": {
        const next = card.nextElementSibling;
        if (next) move(card, list, next.nextElementSibling);
        break;
      }
      default:
        return;
    }
    event.preventDefault(); // Alt+Left would otherwise go back in history
  });

  // --- Drag and drop -------------------------------------------------------------------------
  let dragged = null;

  function listAt(target) {
    const column = target instanceof Element ? target.closest("[data-column]") : null;
    return column ? column.querySelector("ol[data-horizon]") : null;
  }
  // The card the pointer is above the middle of: the dragged card goes before it.
  function cardBelow(list, y) {
    return cards(list).find(function (card) {
      if (card === dragged) return false;
      const box = card.getBoundingClientRect();
      return y < box.top + box.height / 2;
    }) || null;
  }
  function clearTargets() {
    for (const column of board.querySelectorAll(".is-drop-target")) column.classList.remove("is-drop-target");
  }

  board.addEventListener("dragstart", function (event) {
    const card = event.target instanceof Element ? event.target.closest(".roadmap-card[data-movable]") : null;
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.itemId);
    card.classList.add("is-dragging");
  });
  board.addEventListener("dragover", function (event) {
    const list = dragged && listAt(event.target);
    if (!list) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    const column = list.closest("[data-column]");
    if (!column.classList.contains("is-drop-target")) {
      clearTargets();
      column.classList.add("is-drop-target");
    }
  });
  board.addEventListener("drop", function (event) {
    const list = dragged && listAt(event.target);
    if (!list) return;
    event.preventDefault();
    const card = dragged;
    move(card, list, cardBelow(list, event.clientY));
  });
  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    clearTargets();
  });
})();
