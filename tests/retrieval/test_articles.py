"""Exact-article lookup: the clause, or "the held copy stops before it", or "no such article"."""

from __future__ import annotations

import pytest

from retrieval.articles import (
    article_locator,
    chinese_to_int,
    find_article,
    locators_in,
    sanctioning_clauses,
    violated_articles,
    violated_text,
    with_sanctions,
)
from retrieval.models import Clause, Corpus, DocumentMeta, Hit


def _doc(completeness: str = "full", gaps: tuple[int, ...] = ()) -> DocumentMeta:
    return DocumentMeta(doc_id="t-reg", title="测试条例", short_title="测试条例", issuer="测试机关",
                        level="municipal", doc_type="regulation", status="official", language="zh",
                        completeness=completeness, source="test", gaps=gaps)  # type: ignore[arg-type]


def _articles(numbers: list[int]) -> list[Clause]:
    return [Clause(clause_id=f"t-reg#{article_locator(n)}", doc_id="t-reg", locator=article_locator(n),
                   kind="article", heading_path=(), text=f"{article_locator(n)} 内容{n}。", ordinal=i)
            for i, n in enumerate(numbers)]


@pytest.mark.parametrize(("numeral", "value"), [("十二", 12), ("一百零五", 105), ("105", 105), ("二十", 20),
                                                ("一百", 100), ("两", 2), ("abc", None)])
def test_chinese_to_int(numeral: str, value: int | None) -> None:
    assert chinese_to_int(numeral) == value


def test_locators_in_queries_written_either_way() -> None:
    assert locators_in("数据条例第六十五条") == ["第六十五条"]
    assert locators_in("第105条是什么") == ["第一百零五条"]
    assert locators_in("第 12 条和第十二条") == ["第十二条"]
    assert locators_in("What does Article 5 of the regulation say?") == ["第五条"]
    assert locators_in("see art. 12 and article 12") == ["第十二条"]
    assert locators_in("articles of association, 5 of them") == []
    assert locators_in("若干措施一、(二)的训力券") == ["一、（二）"]
    assert locators_in("训力券怎么申请") == []


def test_found_article() -> None:
    clauses = _articles(list(range(1, 11)))
    lookup = find_article(_doc(), clauses, "第三条")
    assert lookup.found and lookup.clause is clauses[2]


def test_full_document_has_no_such_article() -> None:
    lookup = find_article(_doc(), _articles(list(range(1, 11))), article_locator(105))
    assert lookup.outcome == "no_such_article" and lookup.clause is None
    assert lookup.article_count == 10 and lookup.last_held == "第十条"
    assert lookup.message("《测试条例》") == "《测试条例》全文共十条（最后一条是第十条），没有第一百零五条。"


def test_partial_copy_stops_before_the_article() -> None:
    # Articles 1-4 held, then 〔以下原文未收录〕 at the end.
    lookup = find_article(_doc("partial", gaps=(4,)), _articles([1, 2, 3, 4]), "第九条")
    assert lookup.outcome == "beyond_held_copy" and lookup.last_held == "第四条"
    message = lookup.message("《测试条例》")
    assert "所存副本只收录至第四条" in message and "第九条不在所存文本中" in message and "〔以下原文未收录〕" in message


def test_gap_in_the_middle_hides_the_missing_articles_only() -> None:
    # 1, 2, gap, 7, 8 (full otherwise): 第五条 falls in the gap; 第二十条 is past a complete end.
    doc = _doc("full", gaps=(2,))
    clauses = _articles([1, 2, 7, 8])
    assert find_article(doc, clauses, "第五条").outcome == "beyond_held_copy"
    assert find_article(doc, clauses, "第二十条").outcome == "no_such_article"


def test_missing_item_in_a_partial_plan() -> None:
    clause = Clause(clause_id="t-reg#一、（一）", doc_id="t-reg", locator="一、（一）", kind="item",
                    heading_path=("一、总体要求",), text="（一）内容。", ordinal=0)
    assert find_article(_doc("partial", gaps=(1,)), [clause], "一、（五）").outcome == "beyond_held_copy"
    assert find_article(_doc(), [clause], "一、（五）").outcome == "no_such_article"


def test_a_document_without_articles_states_no_article_count() -> None:
    """A notice arranged in parts (一、二、) has no 第X条: asked for one, it must not claim "共0条"."""
    parts = [Clause(clause_id=f"t-reg#{p}", doc_id="t-reg", locator=p, kind="section", heading_path=(),
                    text=f"{p}内容。", ordinal=i) for i, p in enumerate(["一、", "二、"])]
    for locator in ("第十五条", "一、（五）"):
        lookup = find_article(_doc(), parts, locator)
        assert lookup.outcome == "no_such_article" and lookup.article_count == 0
        message = lookup.message("《测试通知》")
        assert "共0条" not in message and locator in message and "二、" in message


def test_real_corpus_data_regulation(corpus) -> None:
    doc = corpus.documents["sz-data-regulation-2021"]
    clauses = corpus.doc_clauses(doc.doc_id)
    assert find_article(doc, clauses, "第六十五条").found
    missing = find_article(doc, clauses, article_locator(105))
    assert missing.outcome == "no_such_article" and missing.article_count == 100


def _clause(number: int, text: str, ordinal: int) -> Clause:
    locator = article_locator(number)
    return Clause(f"t-reg#{locator}", "t-reg", locator, "article", (), f"{locator} {text}", ordinal)


_DUTY = _clause(8, "经营者不得利用算法对同等条件的用户设置不同价格。", 0)
_OTHER = _clause(9, "经营者应当公示收费标准。", 1)
_PENALTY = _clause(30, "违反本条例第八条、第九条规定的，由主管部门责令改正，处一万元以上十万元以下罚款。", 2)
_REG = Corpus({"t-reg": _doc()}, (_DUTY, _OTHER, _PENALTY), "sanctions")


def test_a_penalty_clause_names_the_articles_it_sanctions() -> None:
    assert violated_articles(_PENALTY) == ["第八条", "第九条"]
    assert violated_articles(_DUTY) == []
    assert sanctioning_clauses(_REG.clauses) == {"第八条": [_PENALTY], "第九条": [_PENALTY]}
    assert violated_text(_REG, _PENALTY) == f"{_DUTY.text} {_OTHER.text}"


def test_the_penalty_follows_the_duty_found() -> None:
    hits = [Hit(_DUTY, _REG.documents["t-reg"], 0.8), Hit(_OTHER, _REG.documents["t-reg"], 0.5)]
    found = with_sanctions(_REG, hits)
    # After the duty, once; the second article it sanctions does not bring it again.
    assert [h.clause.locator for h in found] == ["第八条", "第三十条", "第九条"]
    assert found[1].score < found[0].score


def test_an_item_said_by_part_and_number() -> None:
    assert locators_in("那征求意见稿的第一条第（一）项呢") == ["一、（一）"]
    assert locators_in("第二部分（三）讲什么") == ["二、（三）"]


def _items(doc_type: str) -> tuple[DocumentMeta, list[Clause]]:
    doc = DocumentMeta(doc_id="t-plan", title="测试措施", short_title="测试措施", issuer="测试机关",
                       level="municipal", doc_type=doc_type, status="official", language="zh",  # type: ignore[arg-type]
                       completeness="full", source="test")
    clauses = [Clause(clause_id=f"t-plan#{loc}", doc_id="t-plan", locator=loc, kind="item", heading_path=(),
                      text=f"{loc}内容。", ordinal=i) for i, loc in enumerate(["序言", "一、（一）", "一、（二）"])]
    return doc, clauses


def test_the_first_article_of_a_text_numbered_by_items_is_its_first_item() -> None:
    doc, clauses = _items("measures")
    lookup = find_article(doc, clauses, "第一条")
    assert lookup.outcome == "found" and lookup.clause is clauses[1] and lookup.locator == "一、（一）"
    assert find_article(doc, clauses, "第二条").outcome != "found"  # which item the second would be is unsure
    # An explanation's items are not the articles of the text it explains.
    explanation, items = _items("explanation")
    assert find_article(explanation, items, "第一条").outcome != "found"
