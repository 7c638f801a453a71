"""Answers lead with their conclusion: on the real corpus and index, the first line answers the question in
its language, before any quoted clause, with figures the quote states; caveats follow as a short list."""

from __future__ import annotations

from assistant.guard import ground, grounded_texts
from assistant.models import Answer
from assistant.service import PolicyAssistant
from assistant.understanding.query import is_english
from retrieval.models import Corpus
from tests.assistant.test_answering import grounded, markers_resolve


def lead_of(answer: Answer) -> str:
    first = answer.text.split("\n")[0]
    assert "“" not in first and "「" not in first  # no quoted clause before the conclusion
    return first


def check(answer: Answer, question: str, corpus: Corpus) -> None:
    assert not answer.refused
    assert markers_resolve(answer)
    assert grounded(answer, question, corpus=corpus) == []
    # The guard keeps every sentence of the answer: the lead's figures are the cited clause's.
    assert ground(answer.text, answer.citations, grounded_texts(answer, corpus.documents)).removed == []


def test_a_date_question_leads_with_the_date(policy_assistant: PolicyAssistant) -> None:
    question = "生成式AI服务那个暂行办法哪一天起实施？"
    answer = policy_assistant.answer(question)
    check(answer, question, policy_assistant.corpus)
    assert "2023年8月15日" in lead_of(answer)
    assert answer.text.index("2023年8月15日") < answer.text.index("“")


def test_an_english_question_gets_an_english_lead_with_the_clause_figure(policy_assistant: PolicyAssistant) -> None:
    question = "Up to how much can a Longgang firm get for buying computing power?"
    answer = policy_assistant.answer(question)
    check(answer, question, policy_assistant.corpus)
    lead = lead_of(answer)
    assert is_english(lead) and "6 million yuan" in lead


def test_a_chinese_question_on_an_english_clause_gets_a_chinese_lead(policy_assistant: PolicyAssistant) -> None:
    question = "龙岗购买算力的补贴，单家企业封顶是多少"
    answer = policy_assistant.answer(question)
    check(answer, question, policy_assistant.corpus)
    lead = lead_of(answer)
    assert not is_english(lead) and "600万元" in lead and "最高" in lead  # the quote's 6 million yuan, in 万元


def test_caveats_follow_as_a_short_list(policy_assistant: PolicyAssistant) -> None:
    question = "先锋城市若干措施征求意见稿反馈意见的截止日期"
    answer = policy_assistant.answer(question)
    check(answer, question, policy_assistant.corpus)
    assert "9月16日" in lead_of(answer)
    lines = answer.text.split("\n")
    heading = lines.index("注意：")
    items = lines[heading + 1:]
    assert len(items) >= 2 and all(line.startswith("· ") for line in items)
    assert any("征求意见稿" in line for line in items) and any("仅供参考" in line for line in items)


def test_an_article_asked_for_one_of_its_facts_leads_with_that_fact(policy_assistant: PolicyAssistant) -> None:
    # The article is quoted whole; the line before it says the tier asked, not the first tier of the article.
    question = "数据条例第九十四条，非法交易数据金额在一万元以上的，罚款多少"
    answer = policy_assistant.answer(question)
    check(answer, question, policy_assistant.corpus)
    lead = lead_of(answer)
    assert "二十万元以上一百万元以下" in lead and "五万元以上二十万元以下" not in lead
    assert answer.citations[0].label == "第九十四条"


def test_which_of_two_documents_came_first_is_the_conclusion(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("深圳人工智能产业促进条例跟数据条例，谁先生效的？")
    first = answer.text.splitlines()[0]
    assert first.startswith("《深圳经济特区数据条例》先生效") and "2022年1月1日" in first
    assert len({c.doc_id for c in answer.citations}) == 2


def test_a_difference_asked_of_two_support_items_quotes_each(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("训力券跟语料券的资助上限相差多少")
    assert "1000万" in answer.text and "200万" in answer.text


def test_an_english_question_for_a_total_over_years_gets_the_stated_total(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("What is the estimated overall three-year funding requirement of the Longgang AI rules?")
    assert "47520" in lead_of(answer)


def test_the_training_voucher_named_in_other_english_words_is_that_voucher(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("What's the maximum amount of Shenzhen's training power voucher?")
    assert {c.doc_id for c in answer.citations} == {"sz-ai-pioneer-measures-2024"} and "1000万" in answer.text
