"""Budget-table answers: a row named in the asker's own shorter words, a year's column, the total row."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.models import Turn
from assistant.service import PolicyAssistant
from assistant.tables import answer_from_table, count_stated, list_from_table
from assistant.understanding.query import understand
from retrieval.models import Clause, Corpus, DocumentMeta, Hit

DOC = DocumentMeta(doc_id="t-plan", title="某区示例资金测算说明", short_title="示例测算说明", issuer="某区工业和信息化局",
                   level="district", doc_type="explainer", status="official", language="zh", completeness="full",
                   source="test")
TITLE = "表2 示例项目资金测算表（万元）"
ROWS = [("1", "语音识别平台扶持", ("100", "200")), ("2", "服务机器人租赁扶持", ("30", "60")),
        ("3", "语音识别平台运营扶持", ("10", "10")), ("", "总计", ("140", "270"))]


def _row(index: int, number: str, name: str, values: tuple[str, str]) -> Clause:
    cells = ([f"序号：{number}"] if number else []) + [f"项目名称：{name}", f"2027年：{values[0]}", f"2028年：{values[1]}"]
    locator = f"表2/{number or name}"
    return Clause(f"t-plan#{locator}", "t-plan", locator, "table_row", (TITLE,), "｜".join([TITLE, *cells]), index)


CORPUS = Corpus({"t-plan": DOC}, tuple(_row(i, *r) for i, r in enumerate(ROWS)), "t")
HITS = [Hit(c, DOC, 1.0 - i / 10) for i, c in enumerate(CORPUS.clauses)]


def _answer(assistant: PolicyAssistant, question: str, history: list[Turn] | None = None) -> str | None:
    query = understand(question, history or [], assistant.retriever, assistant.rules)
    found = answer_from_table(query, HITS, CORPUS)
    return found.text if found else None


@pytest.mark.parametrize(("question", "expected"), [
    ("测算表里机器人那块每年安排多少？", "服务机器人租赁扶持：2027年为30万元，2028年为60万元。"),
    ("机器人租赁2028年预算多少", "服务机器人租赁扶持2028年测算60万元。"),
    ("买服务机器人有补贴吗", None),  # a row's words, but a question about support, not the budget
    ("语音识别平台扶持按采购额补贴多少", None),  # support reckoned on a basis: a standard, no budget cell
    ("测算表2027年总计多少钱", "2027年总计测算140万元。"),
    ("这张表两年一共要花多少钱", "2027年至2028年总计测算410万元（140 + 270 = 410）。"),
    ("机器人租赁扶持从2027年到2028年预算分别是多少", "服务机器人租赁扶持2027年测算30万元，2028年测算60万元。"),
])
def test_a_row_or_the_total_in_the_askers_words(policy_assistant: PolicyAssistant, question: str,
                                               expected: str | None) -> None:
    assert _answer(policy_assistant, question) == expected


def test_a_name_two_rows_share_answers_neither(policy_assistant: PolicyAssistant) -> None:
    # "语音识别平台" is in two rows' names: no row is guessed.
    assert _answer(policy_assistant, "语音识别那块2027年多少") is None


def test_a_per_unit_rate_is_not_a_table_figure(policy_assistant: PolicyAssistant) -> None:
    assert _answer(policy_assistant, "机器人租赁扶持每家企业能拿多少") is None


def test_a_follow_up_names_another_row_in_shorter_words(policy_assistant: PolicyAssistant) -> None:
    # The budget is what the conversation is about: "那机器人那项呢" is that row, not the earlier turn's.
    history = [Turn("user", "测算表里语音识别平台扶持2027年预算多少"), Turn("assistant", "（略）")]
    assert _answer(policy_assistant, "那机器人那项呢，两年加起来多少", history) == \
        "服务机器人租赁扶持2027年至2028年合计测算90万元（30 + 60 = 90）。"


@pytest.mark.parametrize(("question", "expected"), [
    ("测算表里哪个项目钱最多", "2027年至2028年合计测算资金最多的项目是语音识别平台扶持，为300万元（100 + 200 = 300）。"),
    ("2028年预算哪一项最少", "2028年测算资金最少的项目是语音识别平台运营扶持，为10万元。"),
    # "每年多少" asks for the year columns of the row found, not for a rate per year.
    ("测算表里哪个项目两年测算资金最多？每年多少",
     "2027年至2028年合计测算资金最多的项目是语音识别平台扶持，为300万元（100 + 200 = 300）。"),
])
def test_the_row_with_the_most_or_least(policy_assistant: PolicyAssistant, question: str, expected: str) -> None:
    assert _answer(policy_assistant, question) == expected


@pytest.mark.parametrize(("question", "expected"), [
    # Two rows named: the comparison asked leads, each row's figures follow, in the order they were named.
    ("服务机器人租赁扶持和语音识别平台扶持2028年哪个多",
     "2028年语音识别平台扶持比服务机器人租赁扶持多140万元（200 − 60 = 140）。"
     "服务机器人租赁扶持2028年测算60万元；语音识别平台扶持2028年测算200万元。"),
    ("语音识别平台扶持是机器人租赁的几倍，2027年预算",
     "2027年语音识别平台扶持是服务机器人租赁扶持的3.33倍（100 ÷ 30 ≈ 3.33）。"
     "语音识别平台扶持2027年测算100万元；服务机器人租赁扶持2027年测算30万元。"),
    ("机器人租赁和平台运营两项预算加起来多少",
     "服务机器人租赁扶持、语音识别平台运营扶持2027年至2028年合计测算110万元（30 + 60 + 10 + 10 = 110）。"
     "服务机器人租赁扶持2027年测算30万元，2028年测算60万元；语音识别平台运营扶持2027年测算10万元，2028年测算10万元。"),
])
def test_two_rows_named_are_both_answered(policy_assistant: PolicyAssistant, question: str, expected: str) -> None:
    assert _answer(policy_assistant, question) == expected


@pytest.mark.parametrize(("question", "expected"), [
    # "分别" asks for each figure, not their sum, though "两年" is said; a named row's zero is read from its row.
    ("服务机器人租赁扶持2027年那两年分别多少", "服务机器人租赁扶持2027年测算30万元，2028年测算60万元。"),
    ("语音识别平台运营扶持2028年怎么是0？两年各多少", "语音识别平台运营扶持2027年测算10万元，2028年测算10万元。"),
    # A span whose first year is written without 年 still counts its first year.
    ("2027到2028年语音识别平台扶持加起来多少", "语音识别平台扶持2027年至2028年合计测算300万元（100 + 200 = 300）。"),
    # Years listed, only the last with 年: each is asked.
    ("服务机器人租赁扶持2027、2028年分别是多少", "服务机器人租赁扶持2027年测算30万元，2028年测算60万元。"),
])
def test_each_year_or_the_span_asked(policy_assistant: PolicyAssistant, question: str, expected: str) -> None:
    assert _answer(policy_assistant, question) == expected


def test_a_row_named_in_full_lets_another_be_named_in_shorter_words(policy_assistant: PolicyAssistant) -> None:
    # No word of the budget, but one row written out: the other, shortened, is a row of the same table.
    assert _answer(policy_assistant, "2028年语音识别平台扶持和机器人租赁哪个钱多") == (
        "2028年语音识别平台扶持比服务机器人租赁扶持多140万元（200 − 60 = 140）。"
        "语音识别平台扶持2028年测算200万元；服务机器人租赁扶持2028年测算60万元。")


@pytest.mark.parametrize(("question", "expected"), [
    # How a year's figure changed from another's is their difference, never their sum.
    ("2028年的预算总计比2027年多了多少", "2028年总计测算270万元，比2027年（140万元）多130万元（270 − 140 = 130）。"),
    ("服务机器人租赁扶持2027年比2028年少多少", "2027年服务机器人租赁扶持测算30万元，比2028年（60万元）少30万元（60 − 30 = 30）。"),
    ("语音识别平台运营扶持2028年较2027年变化多少", "2028年语音识别平台运营扶持测算10万元，与2027年相同（10 − 10 = 0）。"),
])
def test_a_change_between_two_years_is_their_difference(policy_assistant: PolicyAssistant, question: str,
                                                        expected: str) -> None:
    assert _answer(policy_assistant, question) == expected


def test_a_follow_up_naming_the_total_row_and_a_year_asks_for_that_cell(policy_assistant: PolicyAssistant) -> None:
    history = [Turn("user", "测算表里机器人租赁扶持2027年预算多少"), Turn("assistant", "（略）")]
    assert _answer(policy_assistant, "那2028年总计呢", history) == "2028年总计测算270万元。"
    # Without a year, "合计" of the earlier row is still that row's sum.
    assert _answer(policy_assistant, "两年合计呢", history) == \
        "服务机器人租赁扶持2027年至2028年合计测算90万元（30 + 60 = 90）。"


def test_a_support_item_named_its_own_way_names_its_budget_row(policy_assistant: PolicyAssistant) -> None:
    # "陪护助手补贴" shares no words with the row; the item it names has that row as its budget.
    rows = frozenset({"t-plan#表2/2"})

    def answer(question: str) -> str | None:
        query = understand(question, [], policy_assistant.retriever, policy_assistant.rules)
        found = answer_from_table(query, HITS, CORPUS, rows)
        return found.text if found else None

    assert answer("陪护助手补贴2028年预算多少") == "服务机器人租赁扶持2028年测算60万元。"
    assert answer("陪护助手补贴能补多少") is None  # what one applicant gets is no budget cell


def test_names_asked_each_are_the_tables_names(policy_assistant: PolicyAssistant) -> None:
    query = understand("测算说明的扶持项目分别是什么", [], policy_assistant.retriever, policy_assistant.rules)
    table = list_from_table(query, HITS, CORPUS)
    assert table is not None and "服务机器人租赁扶持" in table.text


def test_a_list_of_a_tables_names_is_led_by_the_count_its_document_states(policy_assistant: PolicyAssistant) -> None:
    intro = Clause("t-plan#三、", "t-plan", "三、", "section", (), "三、主要内容\n说明了语音识别平台扶持等三项扶持项目的申报要求。", 9)
    corpus = Corpus({"t-plan": DOC}, (*CORPUS.clauses, intro), "t")
    query = understand("测算说明里有哪些扶持项目", [], policy_assistant.retriever, policy_assistant.rules)
    table = list_from_table(query, [Hit(c, DOC, 1.0) for c in corpus.clauses], corpus)
    assert table is not None and table.noun == "项目" and len(table.rows) == 3
    assert count_stated(corpus, table) == (intro, "说明了语音识别平台扶持等三项扶持项目的申报要求。", "三项扶持项目")
    other = Corpus({"t-plan": DOC}, (*CORPUS.clauses, replace(intro, text="共四项扶持项目。")), "t")
    assert count_stated(other, table) is None  # another count is no count of these rows
