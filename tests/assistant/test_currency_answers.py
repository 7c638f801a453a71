"""Answers and pre-checks say when what they cite is not current or has a newer version reported."""

from __future__ import annotations

from datetime import date

from assistant.composers.currency import add_currency_notes
from assistant.composers.draft import Draft
from retrieval.currency import KnownDocuments
from retrieval.models import Clause, Corpus, DocumentMeta, cite

OLD = DocumentMeta(doc_id="a-old", title="甲办法", short_title="甲办法", issuer="某局", level="district",
                   doc_type="measures", status="official", language="zh", completeness="full", source="test",
                   effective_to="2025-09")
DRAFT = DocumentMeta(doc_id="a-draft", title="乙办法（征求意见稿）", short_title="乙办法（征求意见稿）", issuer="某局",
                     level="district", doc_type="measures", status="draft-for-comment", language="zh",
                     completeness="full", source="test")


def _clause(doc: DocumentMeta) -> Clause:
    return Clause(f"{doc.doc_id}#第一条", doc.doc_id, "第一条", "article", (), "第一条 按30%给予扶持。", 0)


def _corpus() -> Corpus:
    return Corpus({OLD.doc_id: OLD, DRAFT.doc_id: DRAFT}, (_clause(OLD), _clause(DRAFT)), "f")


def test_cited_expired_text_is_flagged_once_and_grounded() -> None:
    draft = Draft(lines=["根据《甲办法》第一条[1]：“…”"], citations=[cite(_clause(OLD), OLD)])
    add_currency_notes(draft, _corpus(), date(2026, 1, 1), KnownDocuments())
    assert draft.caveats == ["《甲办法》已于2025年9月失效。"]  # in the answer's closing list
    assert "《甲办法》已于2025年9月失效。" in draft.calculations  # grounded text for the guard
    add_currency_notes(draft, _corpus(), date(2026, 1, 1), KnownDocuments())
    assert sum("失效" in line for line in [*draft.lines, *draft.caveats]) == 1
    current = Draft(citations=[cite(_clause(OLD), OLD)])
    add_currency_notes(current, _corpus(), date(2025, 9, 30), KnownDocuments())
    assert current.lines == [] and current.caveats == []


def test_a_draft_already_flagged_where_quoted_is_not_flagged_again() -> None:
    draft = Draft(lines=["注意：以上《乙办法（征求意见稿）》的内容出自征求意见稿。"], citations=[cite(_clause(DRAFT), DRAFT)])
    add_currency_notes(draft, _corpus(), date(2026, 1, 1), KnownDocuments())
    assert len(draft.lines) == 1 and draft.caveats == []
    unflagged = Draft(citations=[cite(_clause(DRAFT), DRAFT)])
    add_currency_notes(unflagged, _corpus(), date(2026, 1, 1), KnownDocuments())
    assert unflagged.caveats == ["《乙办法（征求意见稿）》征求意见稿，非正式文本。"]


def test_longgang_compute_support_names_the_reported_revision(policy_assistant) -> None:
    answer = policy_assistant.answer("龙岗区对企业购买算力按什么比例给扶持？")
    assert not answer.refused and "30%" in answer.text
    assert "2026年6月17日" in answer.text and "lg.gov.cn" in answer.text and "未收录" in answer.text
    assert "2000" not in answer.text  # never a figure from the unverified record


def test_precheck_computes_from_the_held_text_and_carries_the_caveat(policy_assistant) -> None:
    results = policy_assistant.precheck({"org_type": "enterprise", "compute_expense_wan": 1000})
    compute = next(r for r in results if r["item_id"] == "lg-compute")
    assert compute["estimate_wan"] in (300, None) and "30%" in compute["formula"]
    caveats = " ".join(c["text"] for c in compute["caveats"])
    assert "2026年6月17日" in caveats and "未经核实" in caveats and "2000" not in caveats
    chat = policy_assistant.answer("我们公司在龙岗，今年买算力花了800万元，能补多少？")
    assert "240" in chat.text and "2026年6月17日" in chat.text
    assert any("2026年6月17日" in c["text"] for p in chat.prechecks for c in p["caveats"])


def test_which_version_applies_is_the_current_text_with_its_date(policy_assistant) -> None:
    answer = policy_assistant.answer("龙岗工信专项资金管理办法现在该用哪个版本")
    lead = answer.text.split("\n")[0]
    assert not answer.refused and "现行有效" in lead and "2026年1月20日" in lead and "过期" not in lead


def test_which_rule_a_duty_follows_is_no_question_of_validity() -> None:
    from assistant.understanding.asks import ask_types
    assert "validity" not in ask_types("生成的图片要打标识，是按哪个规定来标？")
    assert "validity" in ask_types("有征求意见稿和正式稿，现在该看哪个")
