"""The standard reply a hotline agent reads out: one builder, used by the API route and the copy button."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import quote

import httpx

from retrieval.models import Clause, DocumentMeta
from ui.present import cited_title, clause_reply, quoted, status_facts


def _doc(**changes: object) -> DocumentMeta:
    base = DocumentMeta(doc_id="t-reg", title="测试经济特区示例条例", short_title="示例条例", issuer="测试机关",
                        level="municipal", doc_type="regulation", status="official", language="zh",
                        completeness="full", source="https://repost.example.org/copy.html（转载）",
                        doc_number="测试公告第1号", official_url="https://www.example.gov.cn/law.html")
    return replace(base, **changes)  # type: ignore[arg-type]


def _clause(locator: str, text: str, kind: str = "article") -> Clause:
    return Clause(clause_id=f"t-reg#{locator}", doc_id="t-reg", locator=locator, kind=kind,  # type: ignore[arg-type]
                  heading_path=(), text=text, ordinal=1)


def test_reply_has_official_title_number_label_once_quote_status_and_official_url() -> None:
    clause = _clause("第六十五条", "第六十五条 市人民政府应当推动建立数据交易平台。市场主体可以依法自行交易。")
    reply = clause_reply(clause, _doc(), today="2026-01-01")
    assert reply.startswith("您好，根据《测试经济特区示例条例》（测试公告第1号）第六十五条：“市人民政府应当推动")
    assert reply.count("第六十五条") == 1
    assert "“市人民政府应当推动建立数据交易平台。市场主体可以依法自行交易。”" in reply  # complete: no 节选
    assert "节选" not in reply and "正式发布" in reply
    assert "官方原文：https://www.example.gov.cn/law.html" in reply
    assert "repost" not in reply and "转载" not in reply  # provenance never named
    assert "以主管部门审核结果为准" in reply


def test_long_clause_is_an_excerpt_of_whole_sentences() -> None:
    sentences = [f"第{n}句规定企业应当符合第{n}项条件并提交材料。" for n in range(1, 40)]
    clause = _clause("第二条", "第二条 " + "".join(sentences))
    text = quoted(clause)
    assert text.endswith("……”（节选）")
    body = text.removeprefix("“").removesuffix("……”（节选）")
    assert body.endswith("。") and body in clause.text  # cut after a sentence, never inside one
    assert len(body) <= 320


def test_section_locator_is_read_out_without_a_dangling_comma() -> None:
    clause = _clause("一、", "一、征求意见时间\n2024年8月3日至2024年9月1日", kind="section")
    reply = clause_reply(clause, _doc(official_url=None), today="2026-01-01")
    assert "一、：" not in reply and "第一部分：“征求意见时间：2024年8月3日至2024年9月1日”" in reply
    assert "官方原文网址：所存资料未载明" in reply


def test_nested_title_quotes_and_status_badges_cannot_mislead() -> None:
    notice = _doc(title="关于公开征求《示例细则（征求意见稿）》意见的通知", doc_type="notice")
    assert cited_title(notice) == "《关于公开征求〈示例细则（征求意见稿）〉意见的通知》"
    assert [b for b, _ in status_facts(notice, today="2026-01-01")] == ["征求意见通知"]
    draft = _doc(status="draft-for-comment", superseded_by=("t-final",))
    final = _doc(doc_id="t-final", title="示例细则")
    assert [b for b, _ in status_facts(draft, {"t-final": final}, "2026-01-01")] == ["征求意见稿", "已被取代"]
    assert "已被《示例细则》取代" in clause_reply(_clause("第一条", "第一条 内容。"), draft, None,
                                              {"t-final": final}, "2026-01-01")
    expired = _doc(effective_to="2025-12-31")
    assert [b for b, _ in status_facts(expired, today="2026-01-01")] == ["已失效"]


def test_reply_route_in_api_and_docs(http: httpx.Client) -> None:
    clause_id = "sz-data-regulation-2021#第六十五条"
    response = http.get("/api/clauses/" + quote(clause_id, safe="") + "/reply")
    assert response.status_code == 200, response.text
    text = response.json()["text"]
    assert text.startswith("您好，根据《深圳经济特区数据条例》第六十五条：“")
    assert "LawRefBook" not in text and "仓库" not in text
    assert not re.search(r"第六十五条：“第六十五条", text)
    missing = http.get("/api/clauses/" + quote("sz-data-regulation-2021#第一百零五条", safe="") + "/reply")
    assert missing.status_code == 404 and "未找到条文" in missing.json()["error"]["message"]
    # The plain clause route still answers, and the reply route is in the API docs.
    assert http.get("/api/clauses/" + quote(clause_id, safe="")).json()["label"] == "第六十五条"
    paths = http.get("/openapi.json").json()["paths"]
    assert "/api/clauses/{clause_id}/reply" in paths


def test_a_reply_from_a_text_with_a_reported_revision_says_so(corpus) -> None:
    english = corpus.documents["lg-ai-measures-en"]
    badges = dict(status_facts(english, corpus.documents, "2026-12-01"))
    assert "未经核实" in badges["有新版本未收录"] and "2026年6月17日" in badges["有新版本未收录"]
    clause = corpus.clause("lg-ai-measures-en#1.(2)")
    reply = clause_reply(clause, english, None, corpus.documents, "2026-12-01")
    assert "未收录其文本" in reply and "2000" not in reply and "。。" not in reply
