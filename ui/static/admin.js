// Knowledge-base admin page: talks only to the admin JSON API (Authorization: Bearer <token>).
"use strict";

const $ = (sel) => document.querySelector(sel);
const TOKEN_KEY = "pa-admin-token";
const META_FIELDS = [
  ["title", "标题"], ["short_title", "简称"], ["issuer", "发文机关"], ["doc_number", "文号"],
  ["status", "状态", ["official", "draft-for-comment", "expired"]],
  ["level", "层级", ["national", "provincial", "municipal", "district"]],
  ["doc_type", "文种", ["regulation", "law", "measures", "rules", "action_plan", "fund_regulation", "opinions",
    "notice", "explanation", "interpretation"]],
  ["published", "发布日期"], ["effective_from", "施行日期"], ["effective_to", "失效日期"],
  ["completeness", "完整性", ["full", "partial"]], ["official_url", "官方原文网址"], ["source", "文本来源"],
  ["supersedes", "代替的文件（doc_id，逗号分隔）"], ["notes", "备注"],
];
const STATUS = { official: "正式", "draft-for-comment": "征求意见稿", expired: "已失效" };
const OPTION_LABELS = { ...STATUS, full: "完整", partial: "不完整", national: "国家", provincial: "省级",
  municipal: "市级", district: "区级" };
const ORIGIN = { shipped: "随产品提供", local: "本地上传", draft: "草稿（未发布）" };
let current = null; // the document shown in the preview

function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function say(text, error = false) {
  const box = $("#message");
  box.textContent = text;
  box.className = error ? "error" : "ok";
}

async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${token()}`, ...(options.headers || {}) };
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401 || response.status === 403) {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin("管理令牌不正确或已失效，请重新登录");
    throw new Error("unauthorized");
  }
  if ((response.headers.get("content-type") || "").includes("text/csv")) return response;
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const err = new Error(body.error ? body.error.message : `请求失败（${response.status}）`);
    err.code = body.error && body.error.code;
    throw err;
  }
  return body;
}

function showLogin(error = "") {
  $("#login").hidden = false;
  $("#app").hidden = true;
  $("#login-error").textContent = error;
}

async function login(event) {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("#token").value.trim());
  try {
    await loadDocs();
    $("#login").hidden = true;
    $("#app").hidden = false;
  } catch (e) {
    if (e.message !== "unauthorized") showLogin(e.message);
  }
}

function showTab(name) {
  document.querySelectorAll("nav button[data-tab]").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
  document.querySelectorAll("main > section").forEach((s) => { s.hidden = s.id !== `tab-${name}`; });
  if (name === "docs") loadDocs().catch((e) => say(e.message, true));
  if (name === "feedback") loadFeedback().catch((e) => say(e.message, true));
}

// ------------------------------------------------------------------------------------------ documents

async function loadDocs() {
  const data = await api("api/admin/documents");
  $("#docs tbody").innerHTML = data.documents.map((d) => `
    <tr data-doc="${esc(d.doc_id)}" class="${d.enabled ? "" : "disabled"}">
      <td><b>${esc(d.title || d.doc_id)}</b><br><code>${esc(d.doc_id)}</code>${d.error ? `<br><span class="error">${esc(d.error)}</span>` : ""}</td>
      <td>${ORIGIN[d.origin] || d.origin}${d.replaces_shipped ? "（代替随产品提供的版本）" : ""}</td>
      <td>${esc(STATUS[d.status] || d.status)}</td><td>${d.completeness === "partial" ? "不完整" : "完整"}</td>
      <td>${esc(d.effective_from || "—")} / ${esc(d.effective_to || "—")}${d.expired ? "（已失效）" : ""}</td>
      <td>${d.clause_count ?? ""}</td><td class="source">${esc(d.source)}</td>
      <td>${d.published ? (d.enabled ? "是" : "已停用") : "—"}</td>
      <td class="row-actions">
        <button data-act="open">查看/编辑</button>
        ${d.published ? `<button data-act="${d.enabled ? "disable" : "enable"}">${d.enabled ? "停用" : "启用"}</button>` : ""}
        ${d.origin !== "shipped" ? `<button data-act="delete" class="danger">删除</button>` : ""}
      </td></tr>`).join("");
  $("#pending tbody").innerHTML = data.pending.map((p) => `
    <tr data-doc="${esc(p.doc_id)}"><td>${esc(p.title)}（待收录）<br><code>${esc(p.doc_id)}</code></td>
      <td>${esc(p.doc_number || "")}</td><td>${esc(p.published || "")}</td>
      <td><button data-act="upload-for">上传原文</button></td></tr>`).join("");
}

async function docAction(event) {
  const button = event.target.closest("button[data-act]");
  if (!button) return;
  const docId = button.closest("tr").dataset.doc;
  const act = button.dataset.act;
  try {
    if (act === "open") {
      showPreview(await api(`api/admin/documents/${docId}`));
      showTab("upload");
      return;
    }
    if (act === "upload-for") {
      $("#upload-doc-id").value = docId;
      showTab("upload");
      say(`请选择《${button.closest("tr").querySelector("td").textContent.replace("（待收录）", "").trim()}》的原文文件上传，文件编号已填为 ${docId}`);
      return;
    }
    if (act === "delete" && !confirm(`确定删除 ${docId}？随产品提供的同名文件（如有）将恢复。`)) return;
    say("正在处理并重建索引……");
    const path = act === "delete" ? `api/admin/documents/${docId}` : `api/admin/documents/${docId}/${act}`;
    await api(path, { method: act === "delete" ? "DELETE" : "POST" });
    say({ disable: `已停用 ${docId}：不再检索和引用`, enable: `已启用 ${docId}`, delete: `已删除 ${docId}` }[act]);
    await loadDocs();
  } catch (e) { if (e.message !== "unauthorized") say(e.message, true); }
}

// ------------------------------------------------------------------------------------------ upload & preview

async function upload(event) {
  event.preventDefault();
  const form = new FormData($("#upload-form"));
  if (!form.get("doc_id")) form.delete("doc_id");
  if (!form.get("status")) form.delete("status");
  say("正在解析文件……");
  try {
    const result = await api("api/admin/documents", { method: "POST", body: form });
    showPreview({ ...result.preview, published: false });
    say("已生成草稿：请核对元数据和条文，然后发布或放弃");
  } catch (e) { if (e.message !== "unauthorized") say(e.message, true); }
}

function showPreview(p) {
  current = p;
  $("#preview").hidden = false;
  $("#preview-title").textContent = p.document.title;
  $("#preview-id").textContent = p.doc_id;
  $("#preview-state").textContent = p.published ? "（已发布）" : "（草稿，未发布）";
  $("#publish").hidden = !!p.published;
  $("#discard").textContent = p.published ? "删除本地文件" : "放弃草稿";
  $("#warnings").innerHTML = (p.warnings || []).map((w) => `<li>${esc(w)}</li>`).join("");
  $("#meta-form").innerHTML = META_FIELDS.map(([name, label, options]) => {
    let value = p.meta[name];
    if (Array.isArray(value)) value = value.join(", ");
    const input = options
      ? `<select name="${name}">${options.map((o) => `<option value="${o}" ${o === value ? "selected" : ""}>${OPTION_LABELS[o] || o}</option>`).join("")}</select>`
      : `<input name="${name}" value="${esc(value ?? "")}">`;
    return `<label>${label}${input}</label>`;
  }).join("");
  $("#clause-count").textContent = p.clauses.length;
  $("#clauses").innerHTML = p.clauses.map((c) => `<li><b>${esc(c.label)}</b> ${esc(c.text)}</li>`).join("");
  $("#body").value = p.body;
}

function metaChanges() {
  const changes = {};
  for (const [name, value] of new FormData($("#meta-form")).entries()) {
    let before = current.meta[name];
    if (Array.isArray(before)) before = before.join(", ");
    if (String(before ?? "") === value) continue;
    changes[name] = name === "supersedes" ? value.split(/[,，\s]+/).filter(Boolean) : value;
  }
  if ($("#body").value !== current.body) changes.body = $("#body").value;
  return changes;
}

async function save() {
  const changes = metaChanges();
  if (!Object.keys(changes).length) { say("没有修改"); return true; }
  try {
    const result = await api(`api/admin/documents/${current.doc_id}`, {
      method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify(changes) });
    showPreview(result);
    say("已保存");
    return true;
  } catch (e) { if (e.message !== "unauthorized") say(e.message, true); return false; }
}

async function publish(force = false) {
  if (!(await save())) return;
  say("正在发布并重建索引……");
  try {
    await api(`api/admin/documents/${current.doc_id}/publish${force ? "?force=true" : ""}`, { method: "POST" });
    say(`已发布 ${current.doc_id}，现在可以在问答中检索到`);
    $("#preview").hidden = true;
    showTab("docs");
  } catch (e) {
    if (e.message === "unauthorized") return;
    say(e.message, true);
    if (e.code === "rules_broken" && confirm(`${e.message}\n\n仍要强制发布吗？`)) await publish(true);
  }
}

async function discard() {
  if (!confirm(current.published ? `确定删除本地文件 ${current.doc_id}？` : "确定放弃这份草稿？")) return;
  try {
    await api(`api/admin/documents/${current.doc_id}`, { method: "DELETE" });
    $("#preview").hidden = true;
    say("已放弃");
  } catch (e) { if (e.message !== "unauthorized") say(e.message, true); }
}

// ------------------------------------------------------------------------------------------ hit test

async function hitTest(event) {
  event.preventDefault();
  const q = $("#hit-q").value.trim();
  $("#hits").innerHTML = "<li>检索中……</li>";
  $("#hit-answer").textContent = "生成中……";
  try {
    const hits = await api(`api/search?k=8&q=${encodeURIComponent(q)}`);
    $("#hits").innerHTML = hits.results.map((h) =>
      `<li><b>${esc(h.title)}${esc(h.label)}</b> <small>${esc(h.clause_id)}（${Number(h.score).toFixed(3)}）</small><br>${esc(h.text)}</li>`).join("");
    const answer = await api("api/ask", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: q }) });
    $("#hit-answer").innerHTML = `<p>${esc(answer.answer).replace(/\n/g, "<br>")}</p><h4>引用</h4><ul>${
      (answer.citations || []).map((c) => `<li>${esc(c.title)}${esc(c.label)} <small>${esc(c.clause_id)}</small></li>`).join("")}</ul>`;
  } catch (e) { if (e.message !== "unauthorized") say(e.message, true); }
}

// ------------------------------------------------------------------------------------------ feedback

function feedbackQuery() {
  const params = new URLSearchParams({ limit: "1000" });
  for (const [key, sel] of [["rating", "#fb-rating"], ["since", "#fb-since"], ["until", "#fb-until"]]) {
    if ($(sel).value) params.set(key, $(sel).value);
  }
  return params;
}

async function loadFeedback(event) {
  if (event) event.preventDefault();
  const data = await api(`api/admin/feedback?${feedbackQuery()}`);
  $("#feedback tbody").innerHTML = data.feedback.map((f) => `<tr>
    <td>${esc(f.created_at)}</td><td>${f.rating === "up" ? "👍" : "👎"}</td><td>${esc(f.comment)}</td>
    <td>${esc(f.question)}</td>
    <td>${(f.history || []).map((t) => `<div><b>${t.role === "user" ? "问" : "答"}：</b>${esc(t.content)}</div>`).join("")}</td>
    <td class="long">${esc(f.answer)}</td>
    <td>${(f.citations || []).map((c) => esc(typeof c === "string" ? c : (c.label || c.clause_id))).join("<br>")}</td>
    <td><code>${esc(f.index_build)}</code></td></tr>`).join("") || `<tr><td colspan="8">没有符合条件的反馈</td></tr>`;
}

async function exportCsv() {
  const params = feedbackQuery();
  params.set("format", "csv");
  try {
    const response = await api(`api/admin/feedback?${params}`);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = "feedback.csv";
    link.click();
    URL.revokeObjectURL(link.href);
  } catch (e) { if (e.message !== "unauthorized") say(e.message, true); }
}

// ------------------------------------------------------------------------------------------ wiring

$("#login-form").addEventListener("submit", login);
$("#logout").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); showLogin(); });
document.querySelectorAll("nav button[data-tab]").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));
$("#docs").addEventListener("click", docAction);
$("#pending").addEventListener("click", docAction);
$("#upload-form").addEventListener("submit", upload);
$("#save").addEventListener("click", save);
$("#publish").addEventListener("click", () => publish(false));
$("#discard").addEventListener("click", discard);
$("#hit-form").addEventListener("submit", hitTest);
$("#fb-form").addEventListener("submit", (e) => loadFeedback(e).catch((err) => say(err.message, true)));
$("#fb-csv").addEventListener("click", exportCsv);
if (token()) {
  loadDocs().then(() => { $("#login").hidden = true; $("#app").hidden = false; }).catch(() => {});
}
