"""Which sentence of the retrieved clauses answers: the one sharing the question's distinctive words.

Synthetic clauses (written here, in a held document's name) scored with the real index's IDF and tokenizer.
"""

from __future__ import annotations

from assistant.evidence import candidate_evidence, supported
from assistant.service import PolicyAssistant
from assistant.understanding.query import understand
from retrieval.models import Clause, Hit


def _hits(policy_assistant: PolicyAssistant, texts: list[str]) -> list[Hit]:
    """Synthetic clauses of one complete held document, ranked in the order given."""
    doc = next(d for d in policy_assistant.corpus.documents.values() if not d.gaps and d.language == "zh")
    return [Hit(Clause(f"{doc.doc_id}#t{i}", doc.doc_id, f"t{i}", "article", (), text, 900 + i), doc, 1.0 - i / 10)
            for i, text in enumerate(texts)]


def _best(policy_assistant: PolicyAssistant, question: str, texts: list[str]) -> str:
    query = understand(question, [], policy_assistant.retriever, policy_assistant.rules)
    evidence = supported(candidate_evidence(policy_assistant.retriever, query,
                                            _hits(policy_assistant, texts), with_context=False))
    assert evidence, question
    return evidence[0].sentence


def test_an_asked_term_inside_a_longer_word_is_shared(policy_assistant: PolicyAssistant) -> None:
    # The tokenizer cuts "数据交易平台" without a "交易平台" token: the sentence still shares the asked term,
    # and the first-ranked clause that states it is not beaten by one that shares it only by its cut.
    best = _best(policy_assistant, "私下买卖数据一定要走交易平台吗", [
        "第六条 市场主体可以通过依法设立的数据交易平台进行交易，也可以由双方依法自行交易。",
        "第五条 建立电子元器件和集成电路交易平台，降低新技术准入门槛。",
    ])
    assert "自行交易" in best


def test_a_heading_line_is_not_the_answer(policy_assistant: PolicyAssistant) -> None:
    # "一、征求意见时间" names a topic; the answer is a sentence that states how, under its own heading.
    best = _best(policy_assistant, "对这个办法有意见怎么反映", [
        "一、征求意见时间\n2024年3月1日至2024年3月30日",
        "二、意见反馈\n请将意见以电子邮件形式反馈至区工信局。",
    ])
    assert best.startswith("请将意见")


def test_a_count_asked_in_a_measure_word_is_no_subject(policy_assistant: PolicyAssistant) -> None:
    # "几章" asks for a count; it is not a subject word a sentence stating the count must share.
    best = _best(policy_assistant, "这套工信资金办法分几章、多少条", [
        "第一条 为规范工信专项资金管理，制定本办法。",
        "《办法》共分为六章30条,具体如下:",
    ])
    assert "六章" in best
