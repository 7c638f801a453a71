/* 政策通 web app page script: citation markers open the side panel; 复制答复 copies a reply.
   Local only: no external requests. */
(function () {
  "use strict";

  function setHiddenValue(elemId, value) {
    var root = document.getElementById(elemId);
    if (!root) return false;
    var field = root.querySelector("textarea, input");
    if (!field) return false;
    var proto = Object.getPrototypeOf(field);
    var setter = Object.getOwnPropertyDescriptor(proto, "value").set;
    setter.call(field, value);
    field.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  function clauseOf(link) {
    if (link.dataset && link.dataset.clause) return link.dataset.clause;
    var href = link.getAttribute("href") || "";
    var at = href.indexOf("#cite:");
    return at >= 0 ? decodeURIComponent(href.slice(at + 6)) : "";
  }

  function copyText(text, textarea) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain-HTTP deployments on an intranet have no Clipboard API: fall back to a selection copy.
    return new Promise(function (resolve, reject) {
      var wasHidden = textarea.hidden;
      textarea.hidden = false;
      textarea.focus();
      textarea.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      textarea.hidden = wasHidden;
      ok ? resolve() : reject(new Error("copy failed"));
    });
  }

  function fetchReply(clauseId) {
    if (!clauseId || !window.fetch) return Promise.resolve("");
    var url = "/api/clauses/" + encodeURIComponent(clauseId) + "/reply";
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      return response.ok ? response.json() : {};
    }).then(function (body) { return (body && body.text) || ""; }, function () { return ""; });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var cite = target.closest("a.pa-cite");
    if (cite) {
      event.preventDefault();
      var id = clauseOf(cite);
      if (id) {
        setHiddenValue("pa-cite-target", id + "|" + Date.now());
        var panel = document.getElementById("pa-cite-panel");
        if (panel && window.matchMedia("(max-width: 900px)").matches) {
          panel.scrollIntoView({ behavior: "smooth", block: "start" });
        }
      }
      return;
    }
    var copy = target.closest("button.pa-copy");
    if (copy) {
      event.preventDefault();
      var card = copy.closest(".pa-result, .pa-panel");
      var area = card && card.querySelector("textarea.pa-reply");
      var note = card && card.querySelector(".pa-copied");
      if (!area) return;
      // The reply comes from the one server-side builder (GET /api/clauses/{id}/reply); the copy
      // embedded in the card is the same text, used when the request fails.
      fetchReply(copy.dataset.clause).then(function (text) {
        if (text) area.value = text;
        return copyText(area.value, area);
      }).then(function () {
        if (note) note.textContent = "已复制，可直接粘贴或朗读";
      }, function () {
        if (note) note.textContent = "浏览器不允许自动复制，请手动选中下方文字复制";
      }).then(function () {
        area.hidden = false;
        document.documentElement.dataset.paLastReply = area.value;
      });
    }
  }, true);
})();
