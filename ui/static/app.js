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

  function cssEscape(text) {
    return window.CSS && CSS.escape ? CSS.escape(text) : text.replace(/["\\]/g, "\\$&");
  }

  // Call `then(element)` once `find()` returns a laid-out element (polls for up to 10 s).
  function whenVisible(find, then) {
    var started = Date.now();
    (function poll() {
      var found = find();
      if (found && found.getBoundingClientRect().height > 0) { then(found); return; }
      if (Date.now() - started < 10000) setTimeout(poll, 100);
    })();
  }

  // Gradio's own controls in Chinese whatever their built-in label (screen readers read these).
  var LABELS = {
    "Like": "赞", "Dislike": "踩", "Copy": "复制", "Copy message": "复制消息", "Copied": "已复制",
    "Copied message": "已复制", "Clear": "清空", "Retry": "重试", "Undo": "撤销", "Edit": "编辑",
    "Share": "分享", "Fullscreen": "全屏", "Exit fullscreen": "退出全屏", "Download": "下载",
    "Remove": "移除", "Close": "关闭", "Loading...": "加载中…", "Info": "提示", "Warning": "注意",
    "Error": "错误", "Success": "成功", "chatbot conversation": "对话记录", "Submit": "提交",
    "Clear all": "全部清除", "Scroll down": "滚动到底部", "Open": "展开", "Collapse": "收起",
    "Expand": "展开", "dropdown": "下拉选择", "Remove all": "全部移除", "Select all": "全选",
    "More tabs": "更多标签页"
  };
  function relabel(root) {
    if (!(root instanceof Element)) return;
    ["aria-label", "title"].forEach(function (name) {
      if (root.hasAttribute(name) && LABELS[root.getAttribute(name)]) root.setAttribute(name, LABELS[root.getAttribute(name)]);
      root.querySelectorAll("[" + name + "]").forEach(function (node) {
        var value = node.getAttribute(name);
        if (LABELS[value]) node.setAttribute(name, LABELS[value]);
      });
    });
    // The chat's example questions: a list role without list items (axe), English button names.
    root.querySelectorAll("#pa-chatbot .examples[role='list']").forEach(function (node) {
      node.setAttribute("role", "group");
      node.setAttribute("aria-label", "示例问题");
    });
    root.querySelectorAll("#pa-chatbot button[aria-label^='Select example']").forEach(function (node) {
      node.setAttribute("aria-label", node.getAttribute("aria-label").replace(/^Select example (\d+):\s*/, "示例问题$1："));
    });
    relabelToasts(root);
  }
  // Toast titles ("Info") are relabelled inside the observer callback itself, before the browser
  // paints, so no one ever sees or reads the English title. Only the title's text node changes:
  // Gradio keeps an anchor beside it for the message count.
  function relabelToasts(root) {
    root.querySelectorAll(".toast-title").forEach(function (node) {
      node.childNodes.forEach(function (child) {
        var value = child.nodeType === Node.TEXT_NODE ? child.data.trim() : "";
        if (LABELS[value]) child.data = LABELS[value] + " ";
      });
    });
  }
  var relabelQueued = false;
  new MutationObserver(function (mutations) {
    relabelToasts(document.body);
    if (relabelQueued || !mutations.some(function (m) { return m.type === "childList"; })) return;
    relabelQueued = true;
    setTimeout(function () { relabelQueued = false; relabel(document.body); }, 30);
  }).observe(document.documentElement, { childList: true, characterData: true, subtree: true });

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
        // On a narrow screen the panel sits below the chat: once it shows this clause, bring it into view.
        whenVisible(function () {
          return document.querySelector('#pa-cite-panel .pa-panel[data-clause="' + cssEscape(id) + '"]');
        }, function (panel) {
          var box = panel.getBoundingClientRect();
          if (box.top < 0 || box.top > window.innerHeight * 0.5) panel.scrollIntoView({ block: "start" });
        });
      }
      return;
    }
    // 👍/👎 opens the comment box below the chat: on a phone, bring it into view and put the cursor in it.
    var rate = target.closest("#pa-chatbot button");
    if (rate && /^(赞|踩|Like|Dislike)$/.test(rate.getAttribute("aria-label") || "")) {
      whenVisible(function () { return document.querySelector("#pa-comment-row textarea"); }, function (box) {
        box.scrollIntoView({ block: "center" });
        box.focus({ preventScroll: true });
      });
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
