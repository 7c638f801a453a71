/* Runs first in <head>: the page is Chinese whatever the browser's language, so Gradio's own controls
   (赞/踩, 复制, 清空, notifications) take its zh-CN labels and <html lang> stays zh-CN. */
(function () {
  "use strict";
  try {
    Object.defineProperty(Navigator.prototype, "language", { get: function () { return "zh-CN"; }, configurable: true });
    Object.defineProperty(Navigator.prototype, "languages", { get: function () { return ["zh-CN", "zh"]; }, configurable: true });
  } catch (e) { /* an old browser keeps its own language; the labels below still apply */ }
  var root = document.documentElement;
  root.setAttribute("lang", "zh-CN");
  new MutationObserver(function () {
    if (root.getAttribute("lang") !== "zh-CN") root.setAttribute("lang", "zh-CN");
  }).observe(root, { attributes: true, attributeFilter: ["lang"] });
})();
