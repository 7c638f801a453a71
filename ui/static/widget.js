/* 政策通 widget: streams answers from POST /api/ask (server-sent events) on this same server. */
(function () {
  "use strict";
  var log = document.getElementById("pw-log");
  var form = document.getElementById("pw-form");
  var input = document.getElementById("pw-input");
  var send = document.getElementById("pw-send");
  var history = [];

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function scroll() { log.scrollTop = log.scrollHeight; }

  function renderCitations(box, citations) {
    if (!citations || !citations.length) return;
    var wrap = el("div", "pw-cites");
    wrap.appendChild(el("div", "", "引用条文："));
    citations.forEach(function (c, i) {
      var d = el("details");
      var s = el("summary", "", "[" + (i + 1) + "] " + c.title + c.label);
      if (c.status && c.status !== "正式") s.appendChild(el("span", "pw-draft", "（" + c.status + "）"));
      d.appendChild(s);
      d.appendChild(el("blockquote", "", c.quote));
      if (c.source) d.appendChild(el("div", "", "来源：" + c.source));
      wrap.appendChild(d);
    });
    box.appendChild(wrap);
  }

  function parseEvents(buffer, onEvent) {
    var parts = buffer.split(/\r?\n\r?\n/);
    var rest = parts.pop();
    parts.forEach(function (block) {
      var name = "message", data = [];
      block.split(/\r?\n/).forEach(function (line) {
        if (line.indexOf("event:") === 0) name = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
      });
      if (data.length) onEvent(name, data.join("\n"));
    });
    return rest;
  }

  async function ask(question) {
    var suggest = document.getElementById("pw-suggest");
    if (suggest) suggest.remove();
    log.appendChild(el("div", "pw-msg pw-user", question));
    var bot = el("div", "pw-msg pw-bot", "正在检索相关条文…");
    var text = el("div");
    log.appendChild(bot);
    scroll();
    send.disabled = true;
    var streamed = "";
    try {
      var response = await fetch("/api/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
        body: JSON.stringify({ question: question, history: history.slice(-10), stream: true })
      });
      if (!response.ok) {
        var err = {};
        try { err = await response.json(); } catch (e) { err = {}; }
        throw new Error((err.error && err.error.message) || "服务暂不可用，请稍后再试");
      }
      bot.textContent = "";
      bot.appendChild(text);
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      var finished = false;
      while (!finished) {
        var chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        buffer = parseEvents(buffer, function (name, data) {
          var payload = JSON.parse(data);
          if (name === "delta") {
            streamed += payload.text;
            text.textContent = streamed;
          } else if (name === "final") {
            text.textContent = payload.answer;
            renderCitations(bot, payload.citations);
            history.push({ role: "user", content: question });
            history.push({ role: "assistant", content: payload.answer });
            finished = true;
          } else if (name === "error") {
            throw new Error(payload.error.message);
          }
          scroll();
        });
      }
    } catch (e) {
      bot.className = "pw-msg pw-error";
      bot.textContent = e.message || "出错了，请稍后再试";
    } finally {
      send.disabled = false;
      scroll();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (!question || send.disabled) return;
    input.value = "";
    ask(question);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  document.getElementById("pw-suggest").addEventListener("click", function (event) {
    if (event.target.tagName === "BUTTON") ask(event.target.textContent);
  });
  document.getElementById("pw-new").addEventListener("click", function () {
    history = [];
    log.innerHTML = "";
    log.appendChild(el("div", "pw-msg pw-bot", "已开始新对话，请输入问题。"));
  });
})();
