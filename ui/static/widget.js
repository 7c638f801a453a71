/* 政策通 widget: streams answers from POST /api/ask (server-sent events) on this same server. */
(function () {
  "use strict";
  var log = document.getElementById("pw-log");
  var form = document.getElementById("pw-form");
  var input = document.getElementById("pw-input");
  var send = document.getElementById("pw-send");
  var history = [];
  // The welcome and example questions, restored by 新对话.
  var welcome = log.innerHTML;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function scroll() { log.scrollTop = log.scrollHeight; }

  function clauseUrl(id, tail) { return "/api/clauses/" + encodeURIComponent(id) + (tail || ""); }

  function renderCitations(box, citations) {
    if (!citations || !citations.length) return;
    var wrap = el("div", "pw-cites");
    wrap.appendChild(el("div", "", "引用条文（点击展开原文）："));
    citations.forEach(function (c, i) {
      var d = el("details");
      var s = el("summary", "", "");
      var name = el("span", "", "[" + (i + 1) + "] " + c.title + c.label);
      s.appendChild(name);
      if (c.status && c.status !== "正式") s.appendChild(el("span", "pw-draft", "（" + c.status + "）"));
      d.appendChild(s);
      d.appendChild(el("blockquote", "", c.quote));
      var where = el("div", "pw-where", "");
      d.appendChild(where);
      wrap.appendChild(d);
      // The official title and address come from the clause itself; the provenance of the held copy
      // (possibly a repost) is never shown as the source.
      fetch(clauseUrl(c.clause_id)).then(function (r) { return r.ok ? r.json() : null; }).then(function (clause) {
        if (!clause) return;
        name.textContent = "[" + (i + 1) + "] " + clause.title + clause.label;
        if (clause.official_url) {
          where.appendChild(document.createTextNode("官方原文："));
          var link = el("a", "", clause.official_url);
          link.href = clause.official_url;
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          where.appendChild(link);
        } else {
          where.textContent = "官方原文网址：所存资料未载明";
        }
      }, function () { /* the quote stays; only the address is missing */ });
      d.addEventListener("toggle", function () {
        if (d.open) d.scrollIntoView({ block: "nearest", behavior: "smooth" });
      });
    });
    box.appendChild(wrap);
  }

  function renderFeedback(box, question, payload) {
    var bar = el("div", "pw-rate");
    var note = el("span", "pw-rate-note", "");
    note.setAttribute("aria-live", "polite");
    [["up", "👍", "有帮助"], ["down", "👎", "没帮助"]].forEach(function (spec) {
      // Words beside the emoji: a system without an emoji font still shows what the button does.
      var button = el("button", "pw-rate-btn", spec[1] + " " + spec[2]);
      button.type = "button";
      button.addEventListener("click", function () {
        bar.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        fetch("/api/feedback", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ question: question, answer: payload.answer, rating: spec[0],
                                 citations: (payload.citations || []).map(function (c) { return c.clause_id; }) })
        }).then(function (r) {
          note.textContent = r.ok ? "感谢您的反馈" : "反馈未能提交，请稍后再试";
        }, function () { note.textContent = "反馈未能提交，请稍后再试"; });
      });
      bar.appendChild(button);
    });
    bar.appendChild(note);
    box.appendChild(bar);
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
            renderFeedback(bot, question, payload);
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
  log.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("#pw-suggest") && target.tagName === "BUTTON") {
      ask(target.textContent);
    }
  });
  document.getElementById("pw-new").addEventListener("click", function () {
    history = [];
    log.innerHTML = welcome;
    input.focus();
  });
})();
