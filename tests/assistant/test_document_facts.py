"""Document facts (issuer, number, dates, article count, completeness, supersession) and exact articles,
answered from metadata and structure, conclusion first, with a citation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace

from assistant.composers.base import Context
from assistant.composers.document_facts import DONE, NEXT, article_lookup, document_facts, own_doc_numbers
from assistant.composers.draft import Draft
from assistant.models import Answer
from assistant.service import PolicyAssistant
from assistant.support import Support
from assistant.understanding.asks import asked, kinds_of, per_units
from assistant.understanding.followup import ConversationContext
from retrieval.articles import article_locator, locators_in
from retrieval.currency import KnownDocuments
from retrieval.models import Clause, Corpus, DocumentMeta
from retrieval.text import fold

REG = DocumentMeta(doc_id="t-reg", title="某市测试促进条例", short_title="测试条例", issuer="某市人大常委会",
                   level="municipal", doc_type="regulation", status="official", language="zh",
                   completeness="full", source="test", doc_number="某市人大常委会公告第九号",
                   published="2021-07-06", effective_from="2022-01-01")
FUND = DocumentMeta(doc_id="t-fund", title="某区专项资金管理办法", short_title="专项资金办法", issuer="某区财政局",
                    level="district", doc_type="measures", status="official", language="zh",
                    completeness="partial", source="test", supersedes=("t-fund-old",))


def _articles(doc_id: str, count: int, chapters: int = 2) -> tuple[Clause, ...]:
    per = count // chapters
    out = []
    for n in range(1, count + 1):
        chapter = f"第{'一二三四五'[min((n - 1) // per, chapters - 1)]}章 某章"
        text = f"{article_locator(n)} 内容{n}。" if n < count else f"{article_locator(n)} 本条例自2022年1月1日起施行。"
        out.append(Clause(f"{doc_id}#{article_locator(n)}", doc_id, article_locator(n), "article", (chapter,),
                          text, n - 1))
    return tuple(out)


FUND_CLAUSES = (
    Clause("t-fund#第一条", "t-fund", "第一条", "article", (), "第一条 根据《某区财政资金办法》（某府规〔2024〕4号），制定本办法。", 0),
    Clause("t-fund#第二条", "t-fund", "第二条", "article", (), "第二条 专项资金用于产业扶持。", 1),
)
LAW = replace(REG, doc_id="t-law", title="某国测试促进法", short_title="测试法", doc_number=None)
LAW_CLAUSES = (
    Clause("t-law#序言", "t-law", "序言", "preamble", (),
           "某国测试促进法\n2002年6月29日 某国人大常委会第二十八次会议通过\n2017年9月1日 某国人大常委会第二十九次会议修订", 0),
    Clause("t-law#第一条", "t-law", "第一条", "article", (), "第一条 为促进测试，制定本法。", 1),
)
NOTICE = replace(REG, doc_id="t-notice", title="关于征求测试细则意见的通知", short_title="测试通知",
                 issuer="某市某区工业和信息化局", doc_type="notice", doc_number=None)
NOTICE_CLAUSES = (  # titled with a shortened name of its issuer, signed with the full one
    Clause("t-notice#序言", "t-notice", "序言", "preamble", (),
           "某区工业和信息化局关于公开征求《测试细则》意见的通知\n各有关单位：现征求意见。", 0),
    Clause("t-notice#一、", "t-notice", "一、", "section", (), "一、反馈方式\n请发送邮件。\n某市某区工业和信息化局\n2024年8月2日", 1),
)
CORPUS = Corpus({"t-reg": REG, "t-fund": FUND, "t-law": LAW, "t-notice": NOTICE},
                _articles("t-reg", 12) + FUND_CLAUSES + LAW_CLAUSES + NOTICE_CLAUSES, "f")
REGISTRY = """
- id: t-fund-old
  title: 某区专项资金管理办法（2021年）
  status: expired
  published: 2021
  effective: [null, 2025-09]
  relation: {superseded_by: t-fund}
  evidence: 起草说明
  verified: true
- id: t-reg-revision
  title: 某市测试促进条例（修订）
  status: official
  published: 2026-06-17
  url: https://example.gov.cn/rev.html
  relation: {supersedes: [t-reg]}
  evidence: 第三方记录
  verified: false
"""


def _run(question: str, doc_id: str, tmp_path, today: date = date(2026, 1, 1),
         language: str = "zh") -> tuple[Draft, object]:
    path = tmp_path / "known.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    query = SimpleNamespace(text=question, asks=asked(question), named_documents={doc_id: 1}, articles=(),
                            language=language, documents={doc_id: 1}, context=ConversationContext("", 0.0, False),
                            earlier_version="")
    context = Context(query=query, hits=[], support=Support("not_held"), intent="policy")  # type: ignore[arg-type]
    draft = Draft()
    step = document_facts(SimpleNamespace(corpus=CORPUS), context, draft, today,  # type: ignore[arg-type]
                          KnownDocuments.load(path))
    return draft, step


def test_article_count_of_a_complete_copy_leads_and_cites(tmp_path) -> None:
    draft, step = _run("这部条例一共多少条？", "t-reg", tmp_path)
    assert step == DONE
    assert draft.lines[0].startswith("《测试条例》全文分二章、共十二条（第一条至第十二条）")
    assert [c.label for c in draft.citations] == ["第十二条"]


def test_article_count_of_a_partial_copy_says_where_it_stops(tmp_path) -> None:
    _draft, step = _run("这个办法有几条", "t-fund", tmp_path)
    assert isinstance(step, Answer) and step.refused and not step.citations
    assert "只收录至第二条" in step.text and "共二条" not in step.text


def test_dates_issuer_and_number_from_metadata_cite_the_stating_clause(tmp_path) -> None:
    draft, _ = _run("条例从什么时候开始施行", "t-reg", tmp_path)
    assert draft.lines[0].startswith("《测试条例》自2022年1月1日起施行。")
    assert draft.citations[0].label == "第十二条" and "2022年1月1日" in draft.citations[0].quote
    draft, _ = _run("条例是哪个部门发布的", "t-reg", tmp_path)
    assert "某市人大常委会" in draft.lines[0]
    draft, _ = _run("条例的文号", "t-reg", tmp_path)
    assert "某市人大常委会公告第九号" in draft.lines[0]
    draft, _ = _run("条例是什么时候印发的", "t-reg", tmp_path)
    assert draft.lines[0].startswith("《测试条例》的发布日期是2021年7月6日")


def test_which_document_a_number_or_a_short_name_is(tmp_path) -> None:
    draft, step = _run("某市人大常委会公告第九号是个什么文件？", "t-reg", tmp_path)
    assert step == DONE and draft.lines[0].startswith("某市人大常委会公告第九号是《某市测试促进条例》。")
    draft, _ = _run("测试条例的全称叫什么", "t-reg", tmp_path)
    assert draft.lines[0].startswith("《测试条例》的全称是《某市测试促进条例》。")
    draft, _ = _run("What is the full title of the regulation?", "t-reg", tmp_path, language="en")
    assert draft.lines[0].startswith("The full title of 《测试条例》 is 《某市测试促进条例》.")


def test_when_a_law_was_adopted_or_revised_is_read_from_its_history(tmp_path) -> None:
    draft, step = _run("测试法是什么时候通过的", "t-law", tmp_path)
    # The body that adopted it, as the history line names it, with the day.
    assert step == DONE and draft.lines[0].startswith("《测试法》于2002年6月29日经")
    assert "第二十八次会议通过。" in draft.lines[0]
    assert draft.citations[0].label == "序言" and "第二十八次会议通过" in draft.citations[0].quote
    draft, _ = _run("测试法哪年修订的", "t-law", tmp_path)  # only the step asked
    assert draft.lines[0].startswith("《测试法》于2017年9月1日经") and "会议修订。" in draft.lines[0]
    assert not any("2002年" in line for line in draft.lines if not line.startswith("原文"))
    draft, _ = _run("When was the law revised?", "t-law", tmp_path, language="en")
    assert draft.lines[0].startswith("《测试法》 was revised on September 1, 2017.")
    assert "adopted" not in {t.name for t in asked("项目什么时候通过审核")}  # passing review is no adoption


def test_the_issuer_is_quoted_from_the_title_line_that_names_it(tmp_path) -> None:
    draft, _ = _run("这个通知是哪个单位发的", "t-notice", tmp_path)
    assert draft.lines[0].startswith("《测试通知》的发布机关是某市某区工业和信息化局。")
    assert draft.citations[0].label == "序言" and draft.citations[0].quote.startswith("某区工业和信息化局关于公开征求")


def test_who_issued_it_and_when_are_both_answered(tmp_path) -> None:
    draft, _ = _run("条例是谁发布的，哪一天？", "t-reg", tmp_path)
    assert draft.lines[0].startswith("《测试条例》的发布机关是某市人大常委会。")
    assert any(line.startswith("《测试条例》的发布日期是2021年7月6日") for line in draft.lines)


def test_an_english_question_gets_english_document_facts(tmp_path) -> None:
    draft, _ = _run("Who issued the regulation and when?", "t-reg", tmp_path, language="en")
    assert draft.lines[0].startswith("《测试条例》 was issued by 某市人大常委会.")
    assert any(line.startswith("《测试条例》 was issued on July 6, 2021.") for line in draft.lines)
    draft, _ = _run("When did the regulation take effect?", "t-reg", tmp_path, language="en")
    assert draft.lines[0].startswith("《测试条例》 took effect on January 1, 2022.")


def test_a_number_the_text_gives_for_another_document_is_not_its_own(tmp_path) -> None:
    assert own_doc_numbers(list(FUND_CLAUSES)) == []
    _draft, step = _run("这个办法的文号是多少", "t-fund", tmp_path)
    assert isinstance(step, Answer) and step.refused and "〔2024〕" not in step.text


def test_validity_completeness_and_supersession(tmp_path) -> None:
    draft, _ = _run("条例现在还有效吗", "t-reg", tmp_path)
    assert draft.lines[0].startswith("《测试条例》现行有效（自2022年1月1日起施行）")
    expiring = replace(REG, effective_to="2025-12-31")
    CORPUS.documents["t-reg"] = expiring
    try:
        draft, _ = _run("条例现在还有效吗", "t-reg", tmp_path)
        assert draft.lines[0].startswith("《测试条例》已于2025年12月31日失效")
    finally:
        CORPUS.documents["t-reg"] = REG
    draft, _ = _run("办法是全文吗", "t-fund", tmp_path)
    assert "不是全文" in draft.lines[0] and "只收录至第二条" in draft.lines[0]
    draft, _ = _run("办法取代了哪个旧版", "t-fund", tmp_path)
    assert "取代了《某区专项资金管理办法（2021年）》" in draft.lines[0]


def test_other_questions_go_on(tmp_path) -> None:
    _draft, step = _run("专项资金用于什么", "t-fund", tmp_path)
    assert step == NEXT


def test_end_to_end_document_facts_and_articles(policy_assistant) -> None:
    count = policy_assistant.answer("《深圳经济特区数据条例》总共有多少条？")
    assert not count.refused and count.text.startswith("《深圳经济特区数据条例》全文") and "共一百条" in count.text
    assert count.citations and count.citations[0].doc_id == "sz-data-regulation-2021"
    start = policy_assistant.answer("深圳经济特区数据条例从哪天起施行？")
    assert start.text.startswith("《深圳经济特区数据条例》自2022年1月1日起施行")
    assert any("2022年1月1日" in c.quote for c in start.citations)
    article = policy_assistant.answer("深圳经济特区数据条例第一百条讲的是什么")
    assert not article.refused and [c.label for c in article.citations] == ["第一百条"]
    assert article.citations[0].quote.startswith("第一百条")
    missing = policy_assistant.answer("深圳经济特区数据条例第一百零二条讲的是什么")
    assert missing.refused and not missing.citations and "共一百条" in missing.text and "没有第一百零二条" in missing.text


def test_a_question_about_a_document_the_text_only_cites_goes_on(tmp_path) -> None:
    _draft, step = _run("测试条例引用的《某省另一规划》的文号是什么", "t-reg", tmp_path)
    assert step == NEXT
    _draft, step = _run("旧版条例（某府〔2019〕3号）的文号", "t-reg", tmp_path)
    assert step == NEXT


def _lookup(question: str) -> tuple[Draft, object]:
    types = asked(question)
    query = SimpleNamespace(text=question, asks=types, kinds=kinds_of(types),
                            per_units=frozenset(per_units(question)),
                            documents={"t-reg": 1}, named_documents={"t-reg": 1},
                            articles=tuple(locators_in(question)), language="zh", folded=fold(question),
                            asks_penalty=False, cited_by_article=frozenset())
    context = Context(query=query, hits=[], support=Support("not_held"), intent="policy")  # type: ignore[arg-type]
    draft = Draft()
    return draft, article_lookup(SimpleNamespace(corpus=CORPUS), context, draft)  # type: ignore[arg-type]


def test_article_lookup_quotes_exactly_the_named_article() -> None:
    draft, step = _lookup("测试条例第3条说的是什么")
    assert step == DONE and [c.label for c in draft.citations] == ["第三条"]
    assert draft.citations[0].quote == "第三条 内容3。" and draft.lines[0].startswith("《测试条例》第三条")
    draft, step = _lookup("测试条例第十二条规定的施行日期是哪天")
    assert step == DONE and draft.citations[0].label == "第十二条"
    # Named as the setting of a question the article does not answer: the evidence strategy answers.
    draft, step = _lookup("违反测试条例第三条要罚款多少")
    assert step == NEXT and not draft.lines
    # An article asked about for what it means is quoted, though it states no definition.
    draft, step = _lookup("测试条例第3条说的内容是啥意思")
    assert step == DONE and draft.citations[0].label == "第三条"
    # An article the document lacks: never another in its place (the support decision says why).
    draft, step = _lookup("测试条例第三十条")
    assert step == NEXT and not draft.citations


def test_a_reported_revision_is_named_by_its_metadata_not_taken_as_superseding(tmp_path) -> None:
    draft, step = _run("条例有没有最新版", "t-reg", tmp_path)
    assert step == DONE and "未经核实" in draft.lines[0] and "2026年6月17日" in draft.lines[0]
    assert "已被" not in draft.text


def test_english_article_questions_get_english_leads(policy_assistant) -> None:
    article = policy_assistant.answer("What does Article 24 of the generative AI interim measures say?")
    assert article.text.startswith("Article 24 of 《生成式人工智能服务管理暂行办法》 reads[1]: “第二十四条")
    count = policy_assistant.answer("How many articles does the Shenzhen data regulation have?")
    assert count.text.startswith("《深圳经济特区数据条例》 has 100 articles in seven chapters (the last is Article 100)")


def test_the_first_article_of_measures_numbered_by_items_is_quoted_as_its_first_item(
        policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("深圳市人工智能先锋城市若干措施第一条原文")
    assert [c.clause_id for c in answer.citations] == ["sz-ai-pioneer-measures-2024#一、（一）"]
    assert "一、（一）" in answer.text and "不按“第几条”编号" in answer.text
    # The rules an explanation describes have their own articles, which are not held: never its first item.
    assert policy_assistant.answer("实施细则第一条是什么").refused
