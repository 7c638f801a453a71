"""A held copy that breaks off mid-sentence (〔以下原文未收录〕): refused as "the rule is in the part not held"
only when what the question asks is not already stated — before the gap, or by a complete sentence; and a
partial copy whose preamble is all it offers on a matter."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from assistant.evidence import Evidence
from assistant.support import cut_off_answer, stated_before_gap
from retrieval.models import Clause, DocumentMeta, Hit

_DOC = DocumentMeta(doc_id="demo-fund", title="某区示例专项资金管理办法", short_title="示例资金办法", issuer="某区财政局",
                    level="district", doc_type="measures", status="official", language="zh",
                    completeness="partial", source="test", gaps=(2,))


def _evidence(locator: str, sentence: str, *, cut: bool, score: float, coverage: float) -> Evidence:
    clause = Clause(f"demo-fund#{locator}", "demo-fund", locator, "article", (), sentence, 0)
    return Evidence(Hit(clause, _DOC, score), sentence, score, coverage, cut_off=cut)


def _query(*kinds: str) -> Any:
    return SimpleNamespace(kinds=frozenset(kinds), per_units=frozenset(), counted=frozenset())


def test_a_list_of_principles_held_before_the_gap_answers() -> None:
    broken = _evidence("第四条", "第四条 资金管理坚持统筹兼顾、突出重点、注重实效、公开透明的管理原", cut=True,
                       score=0.6, coverage=0.5)
    [kept] = stated_before_gap(_query("principles"), [broken])
    assert not kept.cut_off  # the four principles are stated; only the word after them is missing


def test_a_sentence_broken_before_the_amount_still_points_to_the_missing_part() -> None:
    broken = _evidence("第六条", "第六条 对符合条件的项目，按投资额给予最高", cut=True, score=0.6, coverage=0.5)
    [kept] = stated_before_gap(_query("money"), [broken])
    assert kept.cut_off
    assert cut_off_answer(_query("money"), [kept]) is kept


def test_without_a_kind_asked_a_broken_sentence_stays_broken() -> None:
    broken = _evidence("第四条", "第四条 资金管理坚持统筹兼顾、突出重点、注重实效、公开透明的管理原", cut=True,
                       score=0.6, coverage=0.5)
    assert stated_before_gap(_query(), [broken])[0].cut_off


def test_a_complete_sentence_stating_what_is_asked_is_not_passed_over_for_a_broken_one() -> None:
    broken = _evidence("第五条", "原则上各年度间资金安排应相对均衡，对年度间预算金额", cut=True, score=0.5, coverage=0.44)
    complete = _evidence("第三条", "第三条 专项资金应当科学设立、绩效优先、管理规范、公正透明。", cut=False, score=0.4,
                         coverage=0.45)
    assert cut_off_answer(_query("principles"), [broken, complete]) is None


def test_a_broken_sentence_that_covers_the_question_better_still_says_the_rule_is_not_held() -> None:
    broken = _evidence("第五条", "第五条 专项资金的绩效评价结果应当作为", cut=True, score=0.5, coverage=0.6)
    complete = _evidence("第三条", "第三条 专项资金应当科学设立、绩效优先、管理规范、公正透明。", cut=False, score=0.4,
                         coverage=0.3)
    assert cut_off_answer(_query("principles"), [broken, complete]) is broken
