"""Metric functions on small hand-made inputs with known answers."""

from __future__ import annotations

import pytest

from eval.dataset import Evidence, Question
from eval.metrics import (
    AnswerScore,
    Retrieved,
    evidence_ranks,
    extract_numbers,
    first_hit_rank,
    hits,
    key_fact_first,
    key_facts_present,
    normalise_number,
    percentile,
    score_answer,
    score_retrieval,
    summarize_answers,
    summarize_latency,
    summarize_retrieval,
    ungrounded_numbers,
)

EV_A = Evidence("doc-a", "共二十七条")
EV_B = Evidence("doc-b", "按不超过合同金额的30%")


def passage(doc_id: str, text: str, n: int = 0) -> Retrieved:
    return Retrieved(clause_id=f"{doc_id}#{n}", doc_id=doc_id, text=text)


NOISE = [passage("doc-a", f"无关条文{i}", i) for i in range(10)]
HIT_A = passage("doc-a", "《实施细则》共二十七条。", 99)
HIT_B = passage("doc-b", "按不超过合同金额的30%给予资助", 98)


def question(evidence=(), groups=(), kind="factoid") -> Question:
    return Question(id="q", question="问题", kind=kind, evidence=tuple(evidence),
                    answer_must_include=tuple(tuple(g) for g in groups))


class TestMatching:
    def test_hit_needs_same_document(self):
        assert hits(HIT_A, EV_A)
        assert not hits(passage("doc-b", HIT_A.text), EV_A)

    def test_normalisation_full_width_and_whitespace(self):
        # Full-width digits, percent sign and comma in the clause; spaces and a newline inside.
        clause = passage("doc-b", "按不超过合同金额的 ３０％ ，\n给予最高２００万元资助")
        assert hits(clause, Evidence("doc-b", "按不超过合同金额的30%,给予最高200万元资助"))
        # ...and the other way round: a half-width clause, full-width evidence with spaces.
        assert hits(passage("doc-b", "30%,给予"), Evidence("doc-b", "３０％，　给予"))

    def test_english_evidence_without_spaces(self):
        clause = passage("en", "equivalent to 30% of its computing power expenses, up to 6 million")
        assert hits(clause, Evidence("en", "30%ofitscomputingpowerexpenses"))

    def test_ranks(self):
        retrieved = [NOISE[0], HIT_B, NOISE[1], HIT_A]
        assert evidence_ranks(retrieved, [EV_A, EV_B]) == (4, 2)
        assert first_hit_rank(retrieved, [EV_A, EV_B]) == 2
        assert evidence_ranks(NOISE, [EV_A]) == (None,)


class TestRetrievalScore:
    def test_top_hit(self):
        score = score_retrieval([HIT_A, *NOISE[:9]], [EV_A])
        assert score.hit_at_1 and score.recall_at_5 and score.recall_at_10
        assert score.reciprocal_rank == 1.0

    def test_hit_at_rank_3(self):
        score = score_retrieval([NOISE[0], NOISE[1], HIT_A, *NOISE[2:9]], [EV_A])
        assert not score.hit_at_1
        assert score.recall_at_5 and score.recall_at_10
        assert score.reciprocal_rank == pytest.approx(1 / 3)

    def test_hit_at_rank_7_is_not_recall_at_5(self):
        score = score_retrieval([*NOISE[:6], HIT_A, *NOISE[6:9]], [EV_A])
        assert not score.recall_at_5 and score.recall_at_10
        assert score.reciprocal_rank == pytest.approx(1 / 7)

    def test_beyond_10_counts_nothing(self):
        score = score_retrieval([*NOISE, HIT_A], [EV_A])
        assert score.evidence_ranks == (11,)
        assert not score.hit_at_1 and not score.recall_at_5 and not score.recall_at_10
        assert score.reciprocal_rank == 0.0

    def test_every_evidence_item_must_be_hit_for_recall(self):
        only_a = score_retrieval([HIT_A, *NOISE[:9]], [EV_A, EV_B])
        assert only_a.hit_at_1 and only_a.reciprocal_rank == 1.0
        assert not only_a.recall_at_5 and not only_a.recall_at_10
        both = score_retrieval([NOISE[0], HIT_A, NOISE[1], NOISE[2], NOISE[3], HIT_B], [EV_A, EV_B])
        assert not both.recall_at_5 and both.recall_at_10  # B only at rank 6
        assert both.reciprocal_rank == 0.5  # MRR: first passage hitting any item

    def test_unanswerable_has_no_retrieval_score(self):
        with pytest.raises(ValueError):
            score_retrieval(NOISE, [])

    def test_summary(self):
        scores = [score_retrieval([HIT_A], [EV_A]),                       # rank 1
                  score_retrieval([NOISE[0], HIT_A], [EV_A]),             # rank 2
                  score_retrieval([*NOISE[:6], HIT_A], [EV_A]),           # rank 7
                  score_retrieval(NOISE, [EV_A])]                         # miss
        summary = summarize_retrieval(scores)
        assert summary == {"answerable": 4, "hit@1": 0.25, "recall@5": 0.5, "recall@10": 0.75,
                           "mrr@10": round((1 + 1 / 2 + 1 / 7) / 4, 4)}
        assert summarize_retrieval([])["recall@5"] is None


class TestKeyFacts:
    def test_every_group_needs_one_alternative(self):
        groups = [["二十七", "27"], ["条"]]
        assert key_facts_present("实施细则共27条。", groups)
        assert key_facts_present("共二十七条", groups)
        assert not key_facts_present("共二十七项", groups)

    def test_normalised(self):
        assert key_facts_present("补贴比例为 ６０ ％", [["60%"]])
        assert key_facts_present("最高 6 million yuan", [["6million"]])
        assert key_facts_present("深龙府函〔2024〕22 号", [["深龙府函〔2024〕22号"]])

    def test_no_groups_is_vacuously_true(self):
        assert key_facts_present("anything", [])


class TestNumbers:
    def test_extract(self):
        text = "按30%给予资助，最高1,000万元，比例0.5，第12条[1][2]，２００万"
        assert extract_numbers(text) == ["30%", "1,000", "0.5", "12", "200"]

    def test_normalise(self):
        assert normalise_number("1,000") == "1000"
        assert normalise_number("30.0%") == "30"
        assert normalise_number("08") == "8"
        assert normalise_number("0.50") == "0.5"

    def test_ungrounded(self):
        answer = "按算力费用的30%给予扶持，最高600万元；您可获得300万元[1]。"
        assert ungrounded_numbers(answer, ["30% of its expenses, up to 600万"]) == ["300"]
        assert ungrounded_numbers(answer, ["30%", "600", '{"estimate_wan": 300.0}']) == []
        assert ungrounded_numbers("共27条", []) == ["27"]

    def test_calculation_grounds_its_result_only_from_grounded_operands(self):
        answer = "三年合计测算1700万元（400 + 500 + 800 = 1700）[1]。"
        cells = ["2024年：400｜2025年：500｜2026年：800"]
        assert ungrounded_numbers(answer, cells, ["400 + 500 + 800 = 1700"]) == []
        # An operand that is in no source makes the whole calculation ungrounded.
        assert ungrounded_numbers("合计1700", ["400 500"], ["400 + 500 + 800 = 1700"]) == ["1700"]
        share = "占比约77.97%：12000 ÷ 15390 × 100% ≈ 77.97% ≈ 78%"
        assert ungrounded_numbers(share, ["12000", "15390"],
                                  ["12000 ÷ 15390 × 100% ≈ 77.97% ≈ 78%"]) == []


class TestAnswerScore:
    def test_answerable(self):
        q = question([EV_A], [["二十七", "27"]])
        score = score_answer(q, "共二十七条[1]", False, [HIT_A, passage("doc-a", "其他")], ["共二十七条"])
        assert score == AnswerScore(answerable=True, refused=False, citations=2, citation_hits=1,
                                    key_facts=True, ungrounded=(), fact_first=True)

    def test_unanswerable(self):
        q = question([], [], kind="unanswerable")
        score = score_answer(q, "现有文件未载明。", True, [], [])
        assert score.refused and score.citations == 0 and score.key_facts is None

    def test_summary(self):
        scores = [
            AnswerScore(True, False, 2, 2, True, ()),          # precise, facts ok
            AnswerScore(True, False, 2, 0, False, ("300",)),   # wrong citations, ungrounded number
            AnswerScore(True, True, 0, 0, False, ()),          # false refusal, no citations
            AnswerScore(False, True, 0, 0, None, ()),          # correct refusal
            AnswerScore(False, True, 1, 0, None, ()),          # refused but cites: wrong
            AnswerScore(False, False, 0, 0, None, ()),         # answered an unanswerable
        ]
        summary = summarize_answers(scores)
        assert summary == {"answered": 6, "key_fact_accuracy": round(1 / 3, 4),
                           "citation_precision": 0.5, "refusal_accuracy": round(1 / 3, 4),
                           "false_refusal_rate": round(1 / 3, 4), "ungrounded_number_answers": 1,
                           "key_fact_first": None}

    def test_summary_without_citations_or_unanswerables(self):
        summary = summarize_answers([AnswerScore(True, False, 0, 0, None, ())])
        assert summary["citation_precision"] is None
        assert summary["refusal_accuracy"] is None
        assert summary["key_fact_accuracy"] is None


class TestKeyFactFirst:
    """The share of answered numeric and factoid questions whose key fact stands before the first quote."""

    @pytest.mark.parametrize(("answer", "first"), [
        ("最高500万元[1]。\n根据《某办法》第三条[1]：“单个企业最高500万元。”", True),
        ("根据《某办法》第三条[1]：“单个企业最高500万元。”", False),  # only quoted
        ("详见下文。\n「单个企业最高500万元」", False),
        ("单个企业最高五百万元。", True),  # any string of any group, no quote at all
        ("The cap is 500万元.[1]", True),
    ])
    def test_before_the_first_quoted_clause(self, answer, first):
        assert key_fact_first(answer, [["500万", "五百万"], ["每年"]]) is first

    def test_only_answered_numeric_and_factoid_questions_count(self):
        groups = [["500万"]]
        lead = "最高500万元[1]。根据[1]：“最高500万元”"
        quoted = "根据[1]：“最高500万元”"
        assert score_answer(question([EV_A], groups, "numeric"), lead, False, [], []).fact_first is True
        assert score_answer(question([EV_A], groups, "factoid"), quoted, False, [], []).fact_first is False
        assert score_answer(question([EV_A], groups, "list"), lead, False, [], []).fact_first is None
        assert score_answer(question([EV_A], groups, "numeric"), "抱歉。", True, [], []).fact_first is None
        assert score_answer(question([EV_A], (), "numeric"), lead, False, [], []).fact_first is None

    def test_summary(self):
        scores = [AnswerScore(True, False, 1, 1, True, (), fact_first=first) for first in (True, True, False)]
        scores.append(AnswerScore(True, False, 1, 1, True, ()))  # not counted
        assert summarize_answers(scores)["key_fact_first"] == round(2 / 3, 4)


class TestLatency:
    def test_percentiles(self):
        values = [float(v) for v in range(1, 101)]
        assert percentile(values, 50) == pytest.approx(50.5)
        assert percentile(values, 95) == pytest.approx(95.05)
        assert percentile([], 95) is None
        assert summarize_latency([10.0, 20.0], "search") == {"search_p50_ms": 15.0, "search_p95_ms": 19.5}
