"""Document facts that need more than one document of a policy's family: a count an interpretation or an
explanation states, the consultation period and contacts of a draft, each version's date, and follow-ups
that name another version. Synthetic documents only."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from assistant.composers.base import Context
from assistant.composers.document_facts import DONE, NEXT, document_facts
from assistant.composers.document_subject import family, subject_documents, version_of
from assistant.composers.draft import Draft
from assistant.support import Support
from assistant.understanding.asks import asked
from assistant.understanding.document_asks import asked_versions
from assistant.understanding.followup import ConversationContext
from retrieval.currency import KnownDocuments
from retrieval.models import Clause, Corpus, DocumentMeta


def _doc(doc_id: str, title: str, short: str, doc_type: str, status: str = "official", **extra) -> DocumentMeta:
    return DocumentMeta(doc_id=doc_id, title=title, short_title=short, issuer=extra.pop("issuer", "某区工信局"),
                        level="district", doc_type=doc_type, status=status, language="zh",
                        completeness=extra.pop("completeness", "full"), source="test", **extra)


FINAL = _doc("t-aid", "某区产业扶持办法（2031年）", "扶持办法（2031）", "measures", issuer="某区工信局、某区财政局",
             published="2031-01-05", completeness="partial", supersedes=("t-aid-draft",))
DRAFT = _doc("t-aid-draft", "某区产业扶持办法（征求意见稿）", "扶持办法（征求意见稿）", "measures", "draft-for-comment",
             published="2030-02-28", completeness="partial", superseded_by=("t-aid",))
READING = _doc("t-aid-reading", "《某区产业扶持办法》政策解读", "扶持办法政策解读", "interpretation", published="2031-01-05")
EXPLAINER = _doc("t-algo-explainer", "《某区算法应用细则》起草说明", "算法细则起草说明", "explanation",
                 "draft-for-comment", published="2030-05-02")
NOTICE = _doc("t-algo-notice", "某区工信局关于公开征求《某区算法应用细则（征求意见稿）》意见的通知", "算法细则征求意见通知",
              "notice", published="2030-05-02")


def _clauses(doc_id: str, *texts: str) -> tuple[Clause, ...]:
    return tuple(Clause(f"{doc_id}#{n}", doc_id, f"{'一二三四五'[n]}、" if n else "序言", "section" if n else "preamble",
                        (), text, n) for n, text in enumerate(texts))


CLAUSES = (
    *_clauses("t-aid", "某区工信局 某区财政局关于印发《某区产业扶持办法》的通知\n各单位:\n现予印发。\n某区工信局\n某区财政局\n"
                       "2031年1月5日", "第一条 为扶持产业，制定本办法。"),
    *_clauses("t-aid-draft", "某区工信局关于《某区产业扶持办法(征求意见稿)》公开征询意见的公告\n现面向社会公开征求意见。\n"
                             "一、征集时间\n从2030年3月1日起至2030年3月31日止。\n二、征集方式\n(一)电子邮箱:aid@example.gov.cn。\n"
                             "(二)邮寄地址:某市某路1号201室,邮编:100000。联系电话:010-12345678。\n某区工信局\n2030年2月28日"),
    *_clauses("t-aid-reading", "一、修订背景 原办法已到期。", "二、主要内容 《扶持办法》共分为六章40条,具体包括:",
              "第三章扶持方式,共7条,阐述扶持的方式。"),
    *_clauses("t-algo-explainer", "为推动算法应用，起草本细则。",
              "（四）征求意见情况：2030年5月2日，局拟挂网公开征求意见，公示期自5月3日至6月1日。",
              "《算法细则》共十九条，主要包括以下三个方面："),
    *_clauses("t-algo-notice", "现就细则公开征求意见。", "一、征求意见时间\n2030年5月3日至2030年6月1日",
              "二、修改意见反馈\n请将修改意见以信函或电子邮件形式反馈。"),
)
DOCS = {d.doc_id: d for d in (FINAL, DRAFT, READING, EXPLAINER, NOTICE)}
CORPUS = Corpus(DOCS, CLAUSES, "f")


def _run(question: str, named: dict[str, int], earlier: str = "", known: KnownDocuments | None = None,
         support: Support | None = None):
    context = ConversationContext(earlier, 0.5, bool(earlier))
    query = SimpleNamespace(text=question, asks=asked(question), named_documents=named, documents={} if earlier else named,
                            articles=(), language="zh", context=context, earlier_version="")
    ctx = Context(query=query, hits=[], support=support or Support("not_held"),  # type: ignore[arg-type]
                  intent="policy")
    draft = Draft()
    step = document_facts(SimpleNamespace(corpus=CORPUS), ctx, draft, date(2031, 6, 1),  # type: ignore[arg-type]
                          known or KnownDocuments())
    return draft, step


def test_a_family_is_the_policy_its_titles_name() -> None:
    assert {d.doc_id for d in family(CORPUS, FINAL)} == {"t-aid", "t-aid-draft", "t-aid-reading"}
    assert {d.doc_id for d in family(CORPUS, EXPLAINER)} == {"t-algo-explainer", "t-algo-notice"}
    assert version_of(CORPUS, FINAL, "draft") == DRAFT and version_of(CORPUS, DRAFT, "final") == FINAL
    assert version_of(CORPUS, READING, "final") is None  # a text about the policy is no version of it


def test_a_version_word_picks_that_version_of_the_policy_named() -> None:
    named = {"t-aid": 1}
    assert subject_documents(CORPUS, named, "扶持办法征求意见稿的邮箱", frozenset({"draft"})) == [DRAFT]
    assert subject_documents(CORPUS, named, "征求意见稿和正式稿", frozenset({"draft", "final"})) == [DRAFT, FINAL]
    # A title spelled out, even one no alias lists, is the subject.
    assert subject_documents(CORPUS, {}, "某区产业扶持办法什么时候印发") == [FINAL]


def test_a_count_stated_by_an_interpretation_answers_for_a_partial_copy() -> None:
    draft, step = _run("扶持办法一共几章多少条？", {"t-aid": 1})
    assert step == DONE
    assert draft.lines[0].startswith("据《扶持办法政策解读》，《扶持办法》共分为六章40条")
    assert draft.citations[0].clause_id == "t-aid-reading#1"
    assert any("不完整" in c for c in draft.caveats)


def test_a_count_of_a_policy_not_held_is_what_its_explanation_says(tmp_path) -> None:
    path = tmp_path / "known.yaml"
    path.write_text("- id: t-algo-text\n  title: 某区算法应用细则（征求意见稿）\n  status: draft-for-comment\n"
                    "  relation: {explained_by: t-algo-explainer}\n  evidence: 起草说明\n  verified: true\n",
                    encoding="utf-8")
    draft, step = _run("算法细则一共几条", {"t-algo-explainer": 1, "t-algo-notice": 1}, known=KnownDocuments.load(path))
    assert step == DONE
    assert draft.lines[0].startswith("据《算法细则起草说明》，《算法细则》共十九条")
    assert any("未收录《某区算法应用细则（征求意见稿）》正文" in line for line in draft.lines)
    # Its explanation's own date or validity is not the policy's: the clauses answer, or the refusal.
    _draft, step = _run("算法细则的有效期是几年", {"t-algo-explainer": 1, "t-algo-notice": 1})
    assert step == NEXT


def test_every_field_asked_of_an_issuance_is_answered() -> None:
    draft, step = _run("扶持办法是哪天印发的，哪几个部门发的", {"t-aid": 1})
    assert step == DONE
    assert "2031年1月5日" in draft.text and "某区工信局、某区财政局" in draft.text
    quote = draft.citations[0].quote
    assert "某区工信局 某区财政局关于印发" in quote and "2031年1月5日" in quote


def test_each_version_gets_its_own_date_and_citation() -> None:
    draft, step = _run("扶持办法征求意见稿和正式稿分别是哪天发布的", {"t-aid": 1})
    assert step == DONE
    assert "《扶持办法（征求意见稿）》的发布日期是2030年2月28日" in draft.text
    assert "《扶持办法（2031）》的发布日期是2031年1月5日" in draft.text
    assert [c.doc_id for c in draft.citations] == ["t-aid-draft", "t-aid"]
    # A version named only to set the scene is not asked about.
    draft, _ = _run("扶持办法有征求意见稿也有正式稿，正式稿是哪天印发的", {"t-aid": 1})
    assert "2031年1月5日" in draft.text and "2030年2月28日" not in draft.text


def test_a_follow_up_naming_the_other_version_asks_the_same_fact() -> None:
    draft, step = _run("那正式稿呢", {"t-aid": 1}, earlier="扶持办法征求意见稿是哪天发的")
    assert step == DONE and draft.lines[0].startswith("《扶持办法（2031）》的发布日期是2031年1月5日")


def test_a_consultation_period_comes_from_the_notice_and_a_deadline_is_its_end() -> None:
    named = {"t-algo-explainer": 1, "t-algo-notice": 1}
    draft, step = _run("算法细则征求意见到哪天截止", named)
    assert step == DONE
    assert draft.lines[0].startswith("据《算法细则征求意见通知》，征求意见时间为2030年5月3日至2030年6月1日，截止于2030年6月1日")
    assert draft.citations[0].clause_id == "t-algo-notice#1"
    # Of an issued policy, the consultation on its draft; asked in a follow-up about the consultation.
    draft, _ = _run("扶持办法征求意见是哪段时间", {"t-aid": 1})
    assert "2030年3月1日起至2030年3月31日止" in draft.lines[0] and draft.citations[0].doc_id == "t-aid-draft"
    draft, _ = _run("到哪天截止", named, earlier="算法细则当时公开征求意见了吗")
    assert "2030年6月1日" in draft.lines[0]


def test_contacts_come_from_the_document_named() -> None:
    draft, step = _run("扶持办法征求意见稿的意见发哪个邮箱", {"t-aid": 1})
    assert step == DONE and draft.lines[0] == "《扶持办法（征求意见稿）》载明的电子邮箱：aid@example.gov.cn。[1]"
    draft, _ = _run("扶持办法征求意见稿的联系电话多少，寄到哪里", {"t-aid": 1})
    assert "010-12345678" in draft.text and "某市某路1号201室" in draft.text
    assert all(c.doc_id == "t-aid-draft" for c in draft.citations)


def test_which_of_a_draft_and_its_final_applies_is_the_current_final() -> None:
    draft, step = _run("扶持办法征求意见稿和正式稿以哪个为准", {"t-aid": 1, "t-aid-draft": 1})
    assert step == DONE
    assert any("正式文本见《扶持办法（2031）》（2031年1月5日印发）" in line for line in draft.lines)
    assert any(line.startswith("《扶持办法（2031）》现行有效") for line in draft.lines)


def test_a_draft_not_named_is_each_held_draft_that_gives_the_contact_asked() -> None:
    # "征求意见稿" names no document: the drafts that give a telephone are each answered, the others not.
    draft, step = _run("征求意见稿的联系电话多少", {})
    assert step == DONE and draft.lines[0] == "《扶持办法（征求意见稿）》载明的联系电话：010-12345678。[1]"
    assert all(c.doc_id == "t-aid-draft" for c in draft.citations)


def test_how_to_send_comments_is_the_channel_the_consultation_gives() -> None:
    # The notice says how (by letter or e-mail), the draft's own notice gives addresses: each is what it says.
    draft, step = _run("算法细则征求意见，意见怎么交？", {"t-algo-notice": 1, "t-algo-explainer": 1})
    assert step == DONE and draft.lines[0].startswith("据《算法细则征求意见通知》：请将修改意见以信函或电子邮件形式反馈。")
    draft, step = _run("扶持办法征求意见稿通过什么方式提意见", {"t-aid": 1})
    assert step == DONE and "aid@example.gov.cn" in draft.text and "某市某路1号201室" in draft.text
    # A follow-up about the consultation its earlier turn named.
    draft, step = _run("那意见怎么提交", {"t-algo-notice": 1}, earlier="算法细则公开征求意见到哪天")
    assert step == DONE and "信函或电子邮件" in draft.lines[0]
    # Asked with when the consultation closes: both are said.
    draft, step = _run("算法细则征求意见到哪天截止？意见通过什么方式反馈？", {"t-algo-notice": 1, "t-algo-explainer": 1})
    assert step == DONE and "6月1日" in draft.text and "信函或电子邮件" in draft.text


def test_versions_asked_are_those_of_the_parts_that_ask() -> None:
    assert asked_versions("征求意见稿和正式版各是什么时候发的") == {"draft", "final"}
    assert asked_versions("有征求意见稿也有正式稿，正式稿是哪天印发的？") == {"final"}
    assert asked_versions("那正式稿呢") == {"final"}
    assert asked_versions("这个办法哪天印发") == frozenset()


def test_a_version_word_naming_every_draft_names_no_other_subject() -> None:
    # "征求意见稿" names any draft; the policy named also by its own names is the one meant.
    named = {"t-algo-notice": 2, "t-algo-explainer": 1, "t-aid-draft": 1}
    draft, step = _run("算法细则征求意见稿的征求意见时间是从几号到几号", named)
    assert step == DONE and draft.citations[0].doc_id == "t-algo-notice"
    assert subject_documents(CORPUS, {"t-algo-notice": 1, "t-aid-draft": 1}, "征求意见稿的时间") == []


def test_when_a_version_is_asked_without_a_verb_it_is_when_it_came_out() -> None:
    draft, step = _run("扶持办法的征求意见稿和正式版各是什么时候", {"t-aid": 1})
    assert step == DONE and "2030年2月28日" in draft.text and "2031年1月5日" in draft.text
    # A version word in a part that sets the scene still names no other draft beside the policy named.
    named = {"t-algo-notice": 2, "t-algo-explainer": 1, "t-aid-draft": 1}
    draft, _ = _run("那个算法细则征求意见稿，征求意见是从哪天到哪天", named)
    assert draft.citations[0].doc_id == "t-algo-notice"


def test_an_english_question_on_a_consultation_gets_english_dates_from_the_evidence_s_family() -> None:
    evidence = SimpleNamespace(hit=SimpleNamespace(doc=EXPLAINER))
    context = ConversationContext("", 0.0, False)
    question = "When was the public comment period for the algorithm rules?"
    query = SimpleNamespace(text=question, asks=asked(question), named_documents={}, documents={}, articles=(),
                            language="en", context=context, earlier_version="")
    support = Support("answered", evidence=(evidence,))  # type: ignore[arg-type]
    ctx = Context(query=query, hits=[], support=support, intent="policy")  # type: ignore[arg-type]
    draft = Draft()
    step = document_facts(SimpleNamespace(corpus=CORPUS), ctx, draft, date(2031, 6, 1),  # type: ignore[arg-type]
                          KnownDocuments())
    assert step == DONE
    assert draft.lines[0].startswith("According to 《算法细则征求意见通知》, the public comment period was "
                                     "May 3, 2030 to June 1, 2030.")


def test_a_replaced_document_named_by_its_number_is_said_to_be_replaced(tmp_path) -> None:
    path = tmp_path / "known.yaml"
    path.write_text("- id: t-aid-2028\n  title: 某区产业扶持办法\n  doc_number: 某工信规〔2028〕3号\n  status: expired\n"
                    "  relation: {superseded_by: t-aid}\n  evidence: 解读\n  verified: true\n", encoding="utf-8")
    replaced = "《某区产业扶持办法》（某工信规〔2028〕3号）已被《扶持办法（2031）》（2031年1月5日印发）取代"
    # A held clause states its validity: that clause answers, and this follows it.
    draft, step = _run("现在还是按某工信规〔2028〕3号那个办法执行吗", {}, known=KnownDocuments.load(path),
                       support=Support("answered"))
    assert step == NEXT and not draft.lines
    assert draft.caveats == [replaced + "。"]
    # No held clause states it: that it was replaced is the answer to whether it is still in force.
    for question in ("现在还是按某工信规〔2028〕3号那个办法执行吗", "某工信规〔2028〕3号还能用吗"):
        draft, step = _run(question, {}, known=KnownDocuments.load(path))
        assert step == DONE and draft.lines[0].startswith(replaced), question
    # Asked only what replaced it: that is the answer, citing the successor's own text, whatever brackets.
    draft, step = _run("某工信规[2028]3号被哪个文件取代了？", {}, known=KnownDocuments.load(path))
    assert step == DONE and draft.lines[0].startswith("《某区产业扶持办法》（某工信规〔2028〕3号）已被《扶持办法（2031）》")
    assert draft.citations and draft.citations[0].clause_id.startswith("t-aid#")


def test_a_replaced_document_named_by_title_and_year_is_said_to_be_replaced(tmp_path) -> None:
    path = tmp_path / "known.yaml"
    path.write_text("- id: t-aid-2028\n  title: 某区产业扶持办法\n  doc_number: 某工信规〔2028〕3号\n  status: expired\n"
                    "  published: 2028\n  relation: {superseded_by: t-aid}\n  evidence: 解读\n  verified: true\n",
                    encoding="utf-8")
    draft, step = _run("产业扶持办法2028年那版还能用吗", {}, known=KnownDocuments.load(path))
    assert step == DONE and draft.lines[0].startswith("《某区产业扶持办法》（某工信规〔2028〕3号）已被《扶持办法（2031）》")
    # Another year names another version: nothing is said of this one.
    draft, step = _run("产业扶持办法2031年那版还能用吗", {}, known=KnownDocuments.load(path))
    assert not any("已被" in line for line in draft.lines)


def test_a_chapter_named_gets_what_is_said_of_that_chapter() -> None:
    draft, step = _run("扶持办法第三章有几条", {"t-aid": 1})
    assert step == DONE
    assert draft.lines[0].startswith("据《扶持办法政策解读》，第三章扶持方式,共7条")
    assert draft.citations[0].clause_id == "t-aid-reading#2"


def test_a_version_word_after_a_policys_short_name_is_that_policys(policy_assistant) -> None:
    answer = policy_assistant.answer("细则的征求意见稿一共几条")
    assert "二十七条" in answer.text and {c.doc_id for c in answer.citations} == {"lg-ai-rules-explainer"}
