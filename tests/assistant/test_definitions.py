"""Which sentence defines a term, and finding the clause that defines the term a question asks about."""

from __future__ import annotations

import pytest

from assistant.definitions import defined_term, defines, defining_clauses
from assistant.pipeline import with_clauses
from assistant.service import PolicyAssistant
from retrieval.text import fold


@pytest.mark.parametrize(("sentence", "term"), [
    ("（三）星火数据，是指由公共机构产生的数据。", "星火数据"),
    ("第九条 本办法所称星火开放，是指向社会提供数据的活动。", "星火开放"),
    ("不予开放的星火数据，是指涉及国家安全的数据。", "不予开放的星火数据"),
    ("星火数据应当依法开放。", ""),
])
def test_the_term_a_sentence_defines(sentence: str, term: str) -> None:
    assert defined_term(sentence) == term


def test_a_definition_of_the_term_asked_outranks_one_of_a_longer_term() -> None:
    question = fold("什么叫星火数据")
    assert defines("（三）星火数据，是指由公共机构产生的数据。", ["星火数据"], question) == 1.0
    assert defines("不予开放的星火数据，是指涉及国家安全的数据。", ["星火数据"], question) < 0.5


def test_a_term_named_only_as_the_start_of_a_longer_name_is_not_the_term_asked() -> None:
    sentence = "本办法所称星火数据，是指由公共机构产生的数据。"
    assert defines(sentence, ["星火数据"], fold("星火数据委员会是指什么")) == 0.0
    assert defines(sentence, ["星火数据"], fold("星火数据这个词是指什么")) == 1.0
    assert defines(sentence, ["星火数据"], fold("“星火数据”指的是啥")) == 1.0


def test_the_clause_defining_the_term_asked_is_found_beside_the_hits(policy_assistant: PolicyAssistant) -> None:
    corpus = policy_assistant.corpus
    hits = policy_assistant.retriever.search("什么叫公共数据", k=5)
    found = with_clauses(policy_assistant.resources, defining_clauses(corpus, fold("什么叫公共数据")), hits)
    defining = [h.clause.clause_id for h in found if any(
        defined_term(s) == "公共数据" for s in h.clause.text.splitlines())]
    assert defining and found[0] == hits[0]
    answer = policy_assistant.answer("公共数据到底指的是啥")
    assert "公共管理和服务机构" in answer.text.split("\n")[0]
