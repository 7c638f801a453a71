"""Search results as the hotline agent sees them: honest count, exact-article notices, caveat lists."""

from __future__ import annotations

from dataclasses import replace

from retrieval.articles import article_locator, find_article
from retrieval.models import Clause, DocumentMeta, Hit
from ui.render import caveats_as_list, search_results_html

DOC = DocumentMeta(doc_id="t-reg", title="测试经济特区示例条例", short_title="示例条例", issuer="测试机关",
                   level="municipal", doc_type="regulation", status="official", language="zh",
                   completeness="full", source="repost")
CLAUSES = [Clause(clause_id=f"t-reg#{article_locator(n)}", doc_id="t-reg", locator=article_locator(n),
                  kind="article", heading_path=(), text=f"{article_locator(n)} 内容{n}。", ordinal=n - 1)
           for n in range(1, 21)]
HITS = [Hit(clause=c, doc=DOC, score=1.0 / (n + 1)) for n, c in enumerate(CLAUSES)]


def test_count_says_how_many_are_shown_of_how_many() -> None:
    page = search_results_html("内容", HITS, ["内容"], total=20, shown=8)
    assert "显示前 8 条，共 20 条" in page and page.count('<article class="pa-result') == 8
    capped = search_results_html("内容", HITS, ["内容"], total=20, shown=8, total_capped=True)
    assert "共 20 条以上" in capped
    assert "共 3 条" in search_results_html("内容", HITS[:3], [], shown=8)


def test_missing_article_is_said_before_other_results() -> None:
    lookup = find_article(DOC, CLAUSES, article_locator(105))
    page = search_results_html("示例条例第105条", HITS, [], total=20, shown=8, lookups=[lookup])
    assert page.index("全文共二十条（最后一条是第二十条），没有第一百零五条") < page.index("<article")
    assert "并非所查条款" in page
    found = find_article(DOC, CLAUSES, "第三条")
    page = search_results_html("示例条例第三条", [HITS[2], *HITS[:2]], [], lookups=[found])
    assert page.count("pa-result-exact") == 1 and "并非所查条款" not in page


def test_draft_badge_and_no_provenance_in_cards() -> None:
    draft = replace(DOC, status="draft-for-comment")
    page = search_results_html("内容", [Hit(clause=CLAUSES[0], doc=draft, score=1.0)], [])
    assert ">征求意见稿</span>" in page and ">正式</span>" not in page and "repost" not in page


def test_caveats_become_a_short_list_folded_when_long() -> None:
    short = caveats_as_list("结论。\n注意：以上内容出自征求意见稿。")
    assert short.startswith("结论。") and "<li>以上内容出自征求意见稿。</li>" in short and "<details" not in short
    long = caveats_as_list("结论。\n提示：甲事项。 乙事项。 丙事项。")
    assert "<details" in long and "注意事项（3 条" in long


def test_a_listed_caveat_heading_gathers_its_items() -> None:
    page = caveats_as_list("结论[1]。\n· 条目一\n注意：\n· 出自征求意见稿。\n· 仅供参考。")
    assert "<li>出自征求意见稿。</li><li>仅供参考。</li>" in page
    assert "· 条目一" in page.split("pa-caveats-box")[0]  # an answer's own item list stays in the answer
