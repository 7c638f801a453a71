"""Hybrid search over the real corpus: what users look up is found first, bad input gets a Chinese message."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from assistant.settings import PROJECT_ROOT, Settings
from retrieval.models import Hit
from retrieval.numerals import arabic_to_chinese
from retrieval.search import (
    MAX_QUERY_CHARS,
    QueryError,
    Retriever,
    SearchFilters,
    clean_query,
)

TRAINING_VOUCHER = "sz-ai-pioneer-measures-2024#一、（二）"
ROBOT_BUDGET_ROW = "lg-ai-rules-explainer#表1/4"


def ids(hits: list[Hit]) -> list[str]:
    return [h.clause.clause_id for h in hits]


# ------------------------------------------------------------------------ what users look up

def test_done_means_query_finds_the_training_voucher_clause_first(retriever: Retriever) -> None:
    hits = retriever.search("训力券 初创企业 比例", k=5)
    assert ids(hits)[0] == TRAINING_VOUCHER
    assert hits[0].citation.display == "《深圳市人工智能先锋城市若干措施》一、（二）"
    assert "60%" in hits[0].citation.quote and hits[0].citation.status == "正式"


@pytest.mark.parametrize("query", ["促进条例第十二条", "促进条例第12条", "深圳人工智能产业促进条例 第 12 条讲什么"])
def test_an_article_named_by_number_resolves_to_that_article(retriever: Retriever, query: str) -> None:
    hits = retriever.search(query, k=5)
    assert ids(hits)[0] == "sz-ai-industry-regulation-2022#第十二条"
    assert hits[0].sources.get("exact") == 1


def test_an_article_number_without_a_document_finds_that_article_of_each_document(retriever: Retriever) -> None:
    top = ids(retriever.search("第十二条", k=5))[:4]
    assert all(cid.endswith("#第十二条") for cid in top)
    assert "sz-ai-industry-regulation-2022#第十二条" in top


def test_an_article_that_does_not_exist_is_never_invented(retriever: Retriever) -> None:
    hits = retriever.search("促进条例第九百九十九条", k=5)
    assert all("第九百九十九条" not in cid for cid in ids(hits))
    assert all(retriever.corpus.clause(cid) is not None for cid in ids(hits))


def test_a_table_row_answers_a_budget_question(retriever: Retriever) -> None:
    hits = retriever.search("2025年具身智能机器人应用扶持预算多少", k=3)
    assert ROBOT_BUDGET_ROW in ids(hits)
    row = next(h for h in hits if h.clause.clause_id == ROBOT_BUDGET_ROW)
    assert "2025年：90" in row.clause.text


def test_traditional_characters_find_what_simplified_ones_find(retriever: Retriever) -> None:
    simplified = ids(retriever.search("训力券 初创企业 比例", k=3))
    traditional = ids(retriever.search("訓力券 初創企業 比例", k=3))
    assert traditional[0] == simplified[0] == TRAINING_VOUCHER
    full_width = ids(retriever.search("２０２５年具身智能機器人應用扶持預算", k=3))
    assert ROBOT_BUDGET_ROW in full_width


@pytest.mark.parametrize(
    ("query", "expected", "within"),
    [
        ("算力补贴", {"lg-ai-measures-en#1.(2)", TRAINING_VOUCHER, "lg-ai-rules-explainer#表1/1"}, 3),
        ("GPU租赁", {TRAINING_VOUCHER, "lg-ai-measures-en#1.(1)", "lg-ai-measures-en#1.(2)"}, 3),
        ("房租补贴", {"lg-ai-rules-explainer#表1/9"}, 1),
        ("机器人", {ROBOT_BUDGET_ROW}, 3),
    ],
)
def test_users_words_reach_the_policy_words(retriever: Retriever, query: str, expected: set[str],
                                            within: int) -> None:
    assert expected & set(ids(retriever.search(query, k=within)))


def test_the_lexical_side_expands_users_words(retriever: Retriever) -> None:
    tokens = retriever.tokenizer.query_tokens("房租补贴")
    assert "租金" in tokens and "扶持" in tokens
    assert "具身智能" in retriever.tokenizer.query_tokens("机器人")


def test_an_english_question_finds_the_english_clause(retriever: Retriever) -> None:
    hits = retriever.search("computing power subsidy", k=3)
    assert {"lg-ai-measures-en#1.(1)", "lg-ai-measures-en#1.(2)"} & set(ids(hits))


def test_a_chinese_question_finds_the_english_only_clause(retriever: Retriever) -> None:
    """lg-ai-measures-en holds the district's 30% compute subsidy only in English."""
    hits = retriever.search("龙岗区购买算力补贴比例是多少", k=5)
    assert "lg-ai-measures-en#1.(2)" in ids(hits)


def test_a_topic_alias_of_a_document_still_counts_as_a_search_word(retriever: Retriever) -> None:
    """"训力券" names the measures that issue it, but it is also what the clause is about."""
    assert "训力券" in retriever.tokenizer.query_tokens(retriever.without_document_names("训力券 怎么申请"))
    assert "促进条例" not in retriever.without_document_names("促进条例 人工智能伦理")


# ------------------------------------------------------------------------ filters, modes, ranking

def test_filters_by_document_level_and_status(retriever: Retriever) -> None:
    docs = retriever.corpus.documents
    only_draft = retriever.search("训力券", k=5, filters=SearchFilters(doc_ids=frozenset(
        {"sz-ai-pioneer-measures-2024-draft"})))
    assert only_draft and {h.clause.doc_id for h in only_draft} == {"sz-ai-pioneer-measures-2024-draft"}
    district = retriever.search("算力 扶持", k=10, filters=SearchFilters(levels=frozenset({"district"})))
    assert district and all(docs[h.clause.doc_id].level == "district" for h in district)
    official = retriever.search("实施细则 征求意见", k=10, filters=SearchFilters(statuses=frozenset({"official"})))
    assert official and all(docs[h.clause.doc_id].status == "official" for h in official)
    unfiltered = retriever.search("实施细则 征求意见", k=10)
    assert any(docs[h.clause.doc_id].status == "draft-for-comment" for h in unfiltered)


def test_results_are_unique_ranked_and_bounded(retriever: Retriever) -> None:
    hits = retriever.search("人工智能 企业 资助", k=10)
    assert len(hits) == 10 and len(set(ids(hits))) == 10
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert len(retriever.search("人工智能", k=0)) == 1
    assert len(retriever.search("人工智能", k=10_000)) == 50


@pytest.mark.parametrize("mode", ["bm25", "dense"])
def test_each_retriever_alone_finds_the_done_means_clause(retriever: Retriever, mode: str) -> None:
    hits = retriever.search("训力券 初创企业 比例", k=5, mode=mode)
    assert TRAINING_VOUCHER in ids(hits)
    assert all(set(h.sources) <= {mode} for h in hits)


def test_a_follow_up_is_searched_with_its_context(retriever: Retriever) -> None:
    assert ROBOT_BUDGET_ROW not in ids(retriever.search("那2025年呢？", k=3))
    hits = retriever.search("那2025年呢？", k=3, context="具身智能机器人应用扶持的预算是多少", context_weight=1.0)
    assert ROBOT_BUDGET_ROW in ids(hits)
    assert any(name.endswith("+context") for name in hits[ids(hits).index(ROBOT_BUDGET_ROW)].sources)


class ReversingReranker:
    def __init__(self) -> None:
        self.calls = 0

    def score(self, query: str, passages: list[str]) -> list[float]:
        self.calls += 1
        return [float(i) for i in range(len(passages))]  # the last candidate scores highest


def test_a_configured_reranker_reorders_the_head(retriever: Retriever) -> None:
    plain = ids(retriever.search("训力券 初创企业 比例", k=20))
    reranker = ReversingReranker()
    reranked = Retriever(index=retriever.index, embedder=retriever.embedder, tokenizer=retriever.tokenizer,
                         lexicon=retriever.lexicon, reranker=reranker)
    hits = ids(reranked.search("训力券 初创企业 比例", k=20))
    assert reranker.calls == 1 and hits == list(reversed(plain))


class CountingEmbedder:
    def __init__(self, real) -> None:
        self.real, self.name, self.dim, self.queries, self.calls = real, real.name, real.dim, 0, 0

    def embed_queries(self, texts):
        self.queries += len(texts)
        self.calls += 1
        return self.real.embed_queries(texts)

    def embed_passages(self, texts):
        return self.real.embed_passages(texts)


def test_a_repeated_query_is_embedded_once(retriever: Retriever) -> None:
    counting = CountingEmbedder(retriever.embedder)
    fresh = Retriever(index=retriever.index, embedder=counting, tokenizer=retriever.tokenizer,
                      lexicon=retriever.lexicon)
    first = fresh.search("龙岗区对购买算力的企业有什么扶持？", k=5)
    second = fresh.search("龙岗区对购买算力的企业有什么扶持？", k=5)
    assert counting.queries == 1 and ids(first) == ids(second)
    vector = fresh.query_vector("龙岗区对购买算力的企业有什么扶持？")
    assert counting.queries == 1 and not vector.flags.writeable
    expected = retriever.embedder.embed_queries(["龙岗区对购买算力的企业有什么扶持？"])[0]
    assert np.allclose(vector, expected, atol=1e-5)


def test_a_follow_up_embeds_question_and_context_in_one_call(retriever: Retriever) -> None:
    counting = CountingEmbedder(retriever.embedder)
    fresh = Retriever(index=retriever.index, embedder=counting, tokenizer=retriever.tokenizer,
                      lexicon=retriever.lexicon)
    context = "具身智能机器人应用扶持的预算是多少"
    hits = fresh.search("那2025年呢？", k=3, context=context, context_weight=1.0)
    assert (counting.calls, counting.queries) == (1, 2)
    assert ids(hits) == ids(retriever.search("那2025年呢？", k=3, context=context, context_weight=1.0))
    fresh.search(context, k=3)  # the context alone is a new text; the question is cached
    fresh.search("那2025年呢？", k=3, context=context, context_weight=1.0)
    assert (counting.calls, counting.queries) == (2, 3)


# ------------------------------------------------------------------------ bad input

@pytest.mark.parametrize("query", ["", "   ", "\u3000\n\t", "\x00\x07", "<p></p>"])
def test_an_empty_query_gets_a_chinese_message(retriever: Retriever, query: str) -> None:
    with pytest.raises(QueryError, match="请输入要检索的问题或关键词"):
        retriever.search(query)


def test_a_very_long_query_gets_a_clear_message() -> None:
    with pytest.raises(QueryError) as caught:
        clean_query("算力补贴" * 5_000)
    assert "问题过长" in str(caught.value) and str(MAX_QUERY_CHARS) in str(caught.value)


def test_a_query_at_the_length_limit_is_searched(retriever: Retriever) -> None:
    query = ("训力券 初创企业 比例 " * 400)[:MAX_QUERY_CHARS]
    assert TRAINING_VOUCHER in ids(retriever.search(query, k=5))


def test_control_characters_are_ignored(retriever: Retriever) -> None:
    noisy = ids(retriever.search("训\x00力\u200b券\x07 初创企业\ufeff 比例", k=3))
    assert noisy == ids(retriever.search("训力券 初创企业 比例", k=3))


def test_lone_surrogates_are_ignored(retriever: Retriever) -> None:
    # Undecodable bytes of a command-line argument reach Python as lone surrogates.
    assert ids(retriever.search("训力券\udcff 初创企业\ud800 比例", k=3)) == \
        ids(retriever.search("训力券 初创企业 比例", k=3))


@pytest.mark.parametrize("query", ["🤖🤖🤖", "？？！！", "……"])
def test_a_query_without_words_gets_a_chinese_message(retriever: Retriever, query: str) -> None:
    with pytest.raises(QueryError, match="没有识别到有效的文字"):
        retriever.search(query)


@pytest.mark.parametrize("query", ["'; DROP TABLE clauses; --", "SELECT * FROM clauses WHERE 1=1",
                                   "\" OR \"1\"=\"1", "{{7*7}} ${jndi:ldap://x}"])
def test_injection_looking_queries_are_plain_text(retriever: Retriever, query: str) -> None:
    before = retriever.index.collection.count()
    hits = retriever.search(query, k=5)
    assert len(hits) <= 5 and all(retriever.corpus.clause(cid) is not None for cid in ids(hits))
    assert retriever.index.collection.count() == before
    assert ids(retriever.search("训力券 初创企业 比例", k=1)) == [TRAINING_VOUCHER]


def test_markup_in_a_query_is_ignored(retriever: Retriever) -> None:
    assert clean_query("<script>alert(1)</script>训力券") == "alert(1) 训力券"
    assert clean_query("营收<1000万的企业") == "营收<1000万的企业"
    hits = retriever.search("<b>训力券</b> <i>初创企业</i> 比例", k=3)
    assert ids(hits)[0] == TRAINING_VOUCHER


def test_arabic_article_numbers_convert_like_article_numbering() -> None:
    assert [arabic_to_chinese(n) for n in (1, 10, 12, 20, 55, 100, 101, 110, 999)] == [
        "一", "十", "十二", "二十", "五十五", "一百", "一百零一", "一百一十", "九百九十九"]


# ------------------------------------------------------------------------ the `search` command

def run_search(args: list[str], settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PA_DATA_DIR": str(settings.data_dir), "PA_CORPUS_DIR": str(settings.corpus_dir),
           "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    return subprocess.run([sys.executable, "-m", "ui.cli", "search", *args], capture_output=True,
                          text=True, env=env, cwd=PROJECT_ROOT, timeout=300)


def test_search_command_json_shape(retriever: Retriever, built_settings: Settings) -> None:
    result = run_search(["训力券 初创企业 比例", "--k", "3", "--json"], built_settings)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["query"] == "训力券 初创企业 比例" and len(payload["results"]) == 3
    first = payload["results"][0]
    assert {"clause_id", "doc_id", "title", "label", "text", "score"} <= set(first)
    assert first["clause_id"] == TRAINING_VOUCHER and first["doc_id"] == "sz-ai-pioneer-measures-2024"
    assert first["title"] == "《深圳市人工智能先锋城市若干措施》" and first["label"] == "一、（二）"
    assert "训力券" in first["text"] and isinstance(first["score"], float)
    assert [r["score"] for r in payload["results"]] == sorted((r["score"] for r in payload["results"]),
                                                               reverse=True)


def test_search_command_refuses_bad_input_in_chinese_without_traceback(retriever: Retriever,
                                                                       built_settings: Settings) -> None:
    result = run_search(["   ", "--json"], built_settings)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert json.loads(result.stdout)["error"]["message"] == "请输入要检索的问题或关键词"
    long = run_search(["算" * 20_000], built_settings)
    assert long.returncode != 0 and "Traceback" not in long.stderr and "问题过长" in long.stderr


def test_a_local_document_is_named_without_its_place_and_edition(retriever: Retriever) -> None:
    # People drop "深圳市龙岗区" and "（修订）"; the longer name is not read as the fund measures' "专项资金管理办法".
    assert retriever.document_mentions("区级财政专项资金管理办法第三条讲什么") == {"lg-fiscal-special-fund-measures-2024": 1}


def test_a_document_is_named_by_its_number_in_any_brackets(retriever: Retriever) -> None:
    for question in ("深龙府规〔2024〕4号是什么文件", "深龙府规[2024]4号哪天发的", "按深龙府规(2024)4号"):
        assert retriever.document_mentions(question) == {"lg-fiscal-special-fund-measures-2024": 1}


def test_a_document_an_article_cites_is_not_the_articles_document(retriever: Retriever) -> None:
    # "A第一条引用的B": B is what A's article 1 cites; A's article is the one looked up.
    fiscal = "lg-fiscal-special-fund-measures-2024"
    assert retriever.cited_by_article("工信专项资金管理办法第一条里依据的区级财政专项资金管理办法是哪年的") == {fiscal}
    assert retriever.cited_by_article("工信专项资金管理办法第一条引用了《区级财政专项资金管理办法》吗") == {fiscal}
    # Named on its own as well, or before the article: it may be the article's document.
    assert retriever.cited_by_article("区级财政专项资金管理办法第一条写了什么") == set()
    assert retriever.cited_by_article("区级财政专项资金管理办法第一条，和工信专项资金管理办法第一条引用的区级财政专项资金管理办法") \
        == set()


def test_a_short_title_is_named_without_its_place(retriever: Retriever) -> None:
    assert retriever.document_mentions("广东通用人工智能实施意见的文号") == {"gd-general-ai-opinions-2023": 1}


def test_a_version_word_after_a_named_document_names_its_draft(retriever: Retriever) -> None:
    named = retriever.document_mentions("先锋城市若干措施的征求意见稿是哪天发布的")
    assert "sz-ai-pioneer-measures-2024-draft" in named
    assert "lg-ai-rules-consultation-notice" not in named  # another draft the bare version word would name


def test_a_year_before_a_topic_name_is_the_year_asked_not_a_version(retriever: Retriever) -> None:
    assert retriever.named_years("实施细则2030年的资金测算是多少") == set()  # 资金测算 names a topic
    assert retriever.named_years("2024年的征求意见稿是哪天发布的") == {"2024"}  # a version of a document
