"""Documents named by title that no held document is: which runs of words are titles, which name a held
document, and that the answer then says the document is not held instead of quoting another's article."""

from __future__ import annotations

import pytest

from assistant.service import PolicyAssistant
from assistant.titles import (
    documents_glossed,
    documents_written,
    names_title,
    narrowed_by_title_words,
    titles_named,
    unheld_titles,
)


@pytest.mark.parametrize(("question", "titles"), [
    ("请问人工智能生成合成内容标识办法什么时候施行", ["人工智能生成合成内容标识办法"]),  # asking words are no title
    ("《某市数据交易管理暂行办法》有哪些要求", ["某市数据交易管理暂行办法"]),
    ("我们被认定违反深圳数据条例了", ["深圳数据条例"]),  # a verb before the title governs it
    ("中小企业促进法规定预留多少份额", ["中小企业促进法"]),  # 规定 says what the law says
    ("这个适不适用暂行办法", []),  # an A-not-A question, and too short a title left
    ("深圳有没有规定", []),
    ("龙岗的实施细则里怎么说", []),  # a kind alone names no title
    ("生成式AI暂行办法有几条", ["生成式人工智能暂行办法"]),  # AI written for 人工智能
    ("刷单炒信 深圳数据条例管不管", ["深圳数据条例"]),  # a title opens with its place
    ("说是根据哪些文件制定细则的", []),  # a verb of making ends a clause, not a title
    ("实施细则附则规定了哪些事项", []),  # 规定了: what a text provides, no title ending in 规定
    ("生成式AI那个管理办法什么时候实行", ["生成式人工智能管理办法"]),  # a pointing word inside is no part of it
    ("请问那个暂行办法有几条", []),  # nor is one before it
    ("解释权这些内容放在细则哪一部分", []),  # what is put in a text is no part of its title
    ("华南那个新能源实施意见的文号", ["华南新能源实施意见"]),  # a kind the tokenizer cuts in two words (实施 + 意见)
    ("做大模型要遵守哪些数据安全规定", []),
    ("服务提供者违反规定会怎么处理", []),  # a rule acted under (one word, 违反规定), no title  # which ones of a sort of rule: no one document's title
    ("跟这个有关的算力管理办法有哪些", []),
])
def test_which_words_are_a_title(policy_assistant: PolicyAssistant, question: str, titles: list[str]) -> None:
    assert titles_named(policy_assistant.retriever, question) == titles


def test_a_title_names_a_document_of_its_kind_and_area() -> None:
    held = "深圳经济特区人工智能产业促进条例"
    assert names_title("深圳人工智能条例", held, frozenset({"深圳"}))  # shortened as people say it
    assert not names_title("广东省数字经济促进条例", held, frozenset({"深圳"}))  # another area and subject
    assert not names_title("深圳人工智能产业促进办法", held, frozenset({"深圳"}))  # another kind


@pytest.mark.parametrize(("question", "unheld"), [
    ("广东省数字经济促进条例第十条怎么规定", ["广东省数字经济促进条例"]),
    ("高新技术企业认定管理办法有哪些条件", ["高新技术企业认定管理办法"]),
    ("深圳数据条例第十条", []),  # held
    ("中小企业促进法第十条", []),
    ("个人信息保护法有什么要求", []),  # not held, but a held clause cites it: the clauses decide
    ("新版工信资金办法第三条讲什么", []),  # a held title shortened, with a version word before it
    ("数据条例有规定吗", []),  # "有" asks; it is no word of the title
])
def test_titles_no_held_document_bears(policy_assistant: PolicyAssistant, question: str,
                                       unheld: list[str]) -> None:
    assert [t.named for t in unheld_titles(policy_assistant.retriever, question)] == unheld


@pytest.mark.parametrize("question", [
    "广东省数字经济促进条例第十条是什么内容",  # never the held regulation's article 10
    "《人工智能生成合成内容标识办法》自哪天起施行？",  # never another measures' effective date
])
def test_an_unheld_document_named_by_title_is_refused_by_name(policy_assistant: PolicyAssistant,
                                                              question: str) -> None:
    answer = policy_assistant.answer(question)
    assert answer.refused and not answer.citations and "所存文件未收录《" in answer.text


def test_a_held_document_named_loosely_is_still_quoted(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("深圳人工智能条例第十条怎么规定的")
    assert not answer.refused and any(c.clause_id.endswith("#第十条") for c in answer.citations)


def test_a_held_title_written_its_own_way_names_its_document(policy_assistant: PolicyAssistant) -> None:
    retriever = policy_assistant.retriever
    assert documents_written(retriever, "生成式人工智能暂行办法第七条") == {"cn-generative-ai-interim-measures-2023": 1}
    # "龙岗…若干措施" is Longgang's, not Shenzhen's measures of the same kind.
    assert documents_written(retriever, "龙岗人工智能若干措施第一条") == {"lg-ai-measures-en": 1}
    # So an article it does not have is refused by that document's extent, never another's article 30.
    answer = policy_assistant.answer("生成式人工智能暂行办法第三十条怎么规定")
    assert answer.refused and not answer.citations and "没有第三十条" in answer.text


def test_a_document_held_texts_only_cite_is_not_quoted_for_what_it_provides(
        policy_assistant: PolicyAssistant) -> None:
    # Held texts cite the district's demonstration-area plan by title and number; its text is not held.
    answer = policy_assistant.answer("龙岗创建人工智能全域全时应用示范区行动方案提出了哪些重点任务")
    assert answer.refused and "只在" in answer.text and not answer.citations
    # When and under which number it was issued is what the citing texts do say.
    assert not policy_assistant.answer("龙岗创建人工智能全域全时应用示范区行动方案的文号是多少").refused


@pytest.mark.parametrize(("question", "doc_id"), [
    ("How many articles does the Shenzhen Special Economic Zone Regulations on Promoting the AI Industry have?",
     "sz-ai-industry-regulation-2022"),
    ("What is the document number of Guangdong's opinions on building a general AI innovation hub?",
     "gd-general-ai-opinions-2023"),
    # of the final text, its draft and its interpretation: the policy itself, of the year written
    ("When was Longgang's 2026 industry and IT special fund regulation issued?", "lg-itc-fund-measures-2026"),
])
def test_an_english_rendering_of_a_chinese_title_names_its_document(policy_assistant: PolicyAssistant,
                                                                     question: str, doc_id: str) -> None:
    assert documents_glossed(policy_assistant.retriever, question) == {doc_id: 1}


def test_an_english_question_naming_no_title_names_no_document(policy_assistant: PolicyAssistant) -> None:
    assert documents_glossed(policy_assistant.retriever, "How much computing power subsidy can we get?") == {}


def test_what_is_done_before_a_held_name_is_no_part_of_a_title(policy_assistant: PolicyAssistant) -> None:
    assert unheld_titles(policy_assistant.retriever, "给10岁孩子推定向广告 数据条例允许吗") == []
    assert unheld_titles(policy_assistant.retriever, "小孩推个性化广告数据条例管不管") == []
    # A place before the name is the title's own: another area's regulation.
    assert [t.named for t in unheld_titles(policy_assistant.retriever, "广东数据条例有什么规定")] == ["广东数据条例"]


def test_an_english_title_sharing_the_longer_terms_names_its_document(policy_assistant: PolicyAssistant) -> None:
    named = documents_glossed(policy_assistant.retriever, "How many articles do China's interim measures on generative AI have?")
    assert named == {"cn-generative-ai-interim-measures-2023": 1}


def test_a_title_written_around_a_pointing_word_names_its_document(policy_assistant: PolicyAssistant) -> None:
    retriever = policy_assistant.retriever
    # Of the measures, their draft and their interpretation, all spelt alike: the measures themselves.
    assert documents_written(retriever, "工信局的那个专项资金办法有效吗") == {"lg-itc-fund-measures-2026": 1}
    # A kind of document alone ("管理办法", one document's short name) yields to the title written around it.
    answer = policy_assistant.answer("生成式AI的那个管理办法啥时候开始施行的")
    assert not answer.refused and "2023年8月15日" in answer.text.split("\n")[0]
    assert {c.doc_id for c in answer.citations} == {"cn-generative-ai-interim-measures-2023"}


def test_a_title_written_beside_a_kind_leaves_the_named_document(policy_assistant: PolicyAssistant) -> None:
    # "管理办法征求意见稿" names the draft; the fiscal measures it relies on are only what it cites.
    answer = policy_assistant.answer("管理办法征求意见稿第一条依据的区级财政专项资金办法是哪个文号")
    assert "lg-itc-fund-measures-2024-draft#第一条" in {c.clause_id for c in answer.citations}


def test_words_of_one_title_tell_apart_the_documents_a_shared_name_names(policy_assistant: PolicyAssistant) -> None:
    retriever = policy_assistant.retriever
    drafts = {"lg-ai-rules-consultation-notice": 1, "sz-ai-pioneer-measures-2024-draft": 1}  # "征求意见稿"
    assert narrowed_by_title_words(retriever, "先锋城市的措施征求意见稿第一条", drafts) == {
        "sz-ai-pioneer-measures-2024-draft": 1}
    assert narrowed_by_title_words(retriever, "征求意见稿什么时候截止", drafts) == drafts  # nothing tells them apart
    # Words a draft's and its final's titles share tell that policy's versions from the rest, not from each other.
    both = {**drafts, "sz-ai-pioneer-measures-2024": 1}
    assert narrowed_by_title_words(retriever, "先锋城市的措施征求意见稿和正式稿各是哪天发的", both) == {
        "sz-ai-pioneer-measures-2024-draft": 1, "sz-ai-pioneer-measures-2024": 1}


def test_a_version_word_beside_a_title_written_its_own_way_is_that_documents(policy_assistant: PolicyAssistant) -> None:
    # "征求意见稿" names every held draft; "工信资金办法" says whose, and a title after it is what that text cites.
    answer = policy_assistant.answer("工信资金办法征求意见稿第一条依据的是哪个区级财政办法")
    assert {c.doc_id for c in answer.citations} <= {"lg-itc-fund-measures-2024-draft", "lg-itc-fund-measures-2026"}
    assert "lg-itc-fund-measures-2024-draft#第一条" in {c.clause_id for c in answer.citations}
