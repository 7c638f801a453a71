"""Decide whether the held documents support an answer, and if not, why — once, for every composer.

`Support` is the decision: answered (with the evidence that answers), or one reason the held documents
cannot answer, with a Chinese note saying so. Composers read it; none of them decides it again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from assistant.areas import document_areas, held_places, out_of_area_note, places_named, unheld_places
from assistant.calibration import CALIBRATION as CAL
from assistant.claims import claims_of, facts_of
from assistant.earlier_versions import cites_version, version_evidence
from assistant.evidence import (
    ACTUALS,
    DOC_NUMBER,
    DUTIES,
    VERSION_YEAR,
    Evidence,
    answers_every_part,
    asked_duty,
    candidate_evidence,
    cut_off_subject,
    related_documents,
    states,
    supported,
    years_about,
)
from assistant.measures import (
    about,
    named_funds,
    named_measures,
    unheld_applied_for,
    unheld_firm_kinds,
    unheld_measures,
)
from assistant.parts import (
    ABOUT_ASKED,
    DIVISION_ASKED,
    division_label,
    divisions_named,
    issuer_name,
    missing_parts,
    summarised_unheld_chapter,
    summarised_unheld_text,
)
from assistant.requirements import unstated_requirement
from assistant.stated_facts import CONTACT_LABELS, contacts
from assistant.titles import char_pairs, unheld_titles
from assistant.understanding.asks import event_asked, lists_sorts, missing_labels, sorts_asked
from assistant.understanding.document_asks import contact_kinds
from assistant.understanding.intent import TAX_LAW
from assistant.understanding.query import Query
from retrieval.articles import ArticleLookup, find_article
from retrieval.currency import shipped_known_documents
from retrieval.models import ABOUT_TYPES, Corpus, DocumentMeta, Hit, final_version
from retrieval.search import Retriever
from retrieval.text import compact, fold

Reason = Literal[
    "answered",
    "not_held",  # no held clause states it
    "beyond_held_copy",  # the held copy stops before what is asked
    "no_such_article",  # the named document has no such article
    "draft_only",  # only a draft says it; the question asks for the official text
    "newer_not_held",  # the document that says it reports a newer version that is not held
    "claim_not_held",  # the question reports a version no held document is
    "figure_not_held",  # the question reports a figure no held document states ("听说上限涨到X了")
    "future_not_stated",  # it asks whether something goes on in a year later than any the held texts speak of
    "document_not_held",  # the question names by title a document that is not held
    "out_of_scope",
    "instruction_only",  # the message was only instructions to the assistant
]

# "What does the officially issued version say …" (not "is it official?").
_ASKS_OFFICIAL = re.compile(r"正式(?:印发|发布|出台)?(?:的|稿|版|文本)|定稿|最终稿|现行")
# Whether it is out at all, also asked the A-not-A way ("正式版出没出", "正式稿发没发").
_ASKS_IF_OFFICIAL = re.compile(r"正式[^，。？?]{0,8}[吗么]|是不是正式|是否正式|算不算正式|正式.{0,4}了没"
                               r"|正式[^，。？?]{0,8}?(.)[没不]\1")
_SUBSTANCE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
OUT_OF_SCOPE_NOTE = (
    "抱歉，这个问题不在“政策通”的解答范围内。本助手只收录龙岗区人工智能产业扶持及相关的深圳市、"
    "广东省和国家政策文件，无法解答其他地区的政策、税收法规或与政策无关的问题。"
    "如需咨询，请联系相关主管部门；龙岗区人工智能扶持政策可咨询龙岗区工业和信息化局。"
)
INSTRUCTION_NOTE = ("“政策通”只依据所存政策文件的原文作答，不会按提问中的指令改变规则、条款或金额。"
                    "请直接提出您想了解的政策问题。")


# What a sentence that only cites a document by its number can still tell: when and by whom it was issued,
# its number, whether it is in force. Anything else is in its text.
# Asking what a firm gets: an amount or a grant. Whether it may apply is answered by the conditions.
_SUPPORT_KINDS = frozenset({"money", "grant", "ratio", "cap"})
# A reward for a kind of firm ("链主企业有奖励吗") is a measure of its own; so are the policies for it.
_ASKS_SUPPORT = re.compile(r"奖励|奖补|(?:扶持|支持|优惠|补贴|奖励)政策")
# What a text's summary of another ("详述…扶持方式和标准…证明材料") names without stating: how to apply, what to
# hand in, how much. (How many items, or which review modes, it does state.)
_DETAILED = frozenset({"procedure", "materials", "standard", "money", "ratio", "cap", "grant"})
_APPLYING = frozenset({"申报", "申请", "受理", "报名", "公示"})  # events of applying under a document
_CITATION_KINDS = frozenset({"issued", "date", "day", "agency", "status", "validity", "doc_number", "draft_stage"})


@dataclass(frozen=True)
class Support:
    """Whether the held documents answer a query, the evidence that does, or why none does."""

    reason: Reason
    evidence: tuple[Evidence, ...] = ()
    note: str = ""  # why the held documents cannot answer, for the person (Chinese); "" when answered

    @property
    def answered(self) -> bool:
        return self.reason == "answered"

    @property
    def about_unheld(self) -> bool:
        """True when the question is about something no held document is (a document, a reported figure):
        nothing held answers it, not even an article or a table cell of the same number."""
        return self.reason in ("claim_not_held", "figure_not_held", "document_not_held", "future_not_stated")

    @property
    def outside(self) -> bool:
        """True when the message is no question for the held documents at all; the note is the reply."""
        return self.reason in ("out_of_scope", "instruction_only")


def outside_scope(query: Query) -> Support | None:
    """The decision for a message no held document is searched for: only instructions to the assistant
    (nothing is left once they are removed), or a question outside the assistant's scope; else None."""
    if not _SUBSTANCE.search(query.text):
        return Support("instruction_only", note=INSTRUCTION_NOTE)
    if query.intent == "out_of_scope":
        return Support("out_of_scope", note=OUT_OF_SCOPE_NOTE)
    return None


def cut_off_note(evidence: Evidence) -> str:
    """Where the held copy stops just as it comes to what the question asks."""
    doc, clause = evidence.hit.doc, evidence.hit.clause
    return (f"所存《{doc.short_title}》{clause.label}的原文在论及此事处中断（其后原文未收录），"
            f"相关规定应在该文件未收录的部分，请查阅该文件全文或咨询发布机关{issuer_name(doc)}。")


def superseded_draft(corpus: Corpus, query: Query, evidence: list[Evidence]) -> str:
    """Why draft evidence cannot answer a question about the official version, or "".

    When the question asks what the officially issued document says and the held copy of that
    document does not say it, a draft's clause is no answer: the final text may differ.
    """
    folded = query.folded
    if not evidence or not _ASKS_OFFICIAL.search(folded) or _ASKS_IF_OFFICIAL.search(folded):
        return ""
    # What best answers is the draft's: the final text's other sentences (weaker matches) do not say it.
    best = evidence[0].hit.doc
    final = final_version(corpus, best)
    if final is None or best.status != "draft-for-comment":
        return ""
    held = {final}
    titles = "、".join(f"《{corpus.documents[f].short_title}》" for f in sorted(held))
    return (f"所存的正式印发文本{titles}为部分收录，其中没有找到这项规定；征求意见稿中的相关内容"
            f"不代表正式政策，正式稿是否保留、如何规定，所存文件无法确认。")


def newer_not_held(corpus: Corpus, docs: list[DocumentMeta]) -> str:
    """When every document that answers reports a newer version the corpus does not hold: say so, or ""."""
    newer = [[d for d in doc.superseded_by if d not in corpus.documents] for doc in docs]
    if not docs or not all(newer):
        return ""
    titles = "、".join(dict.fromkeys(f"《{doc.short_title}》" for doc in docs))
    return (f"所存{titles}已被更新的版本取代，但更新后的文本未收录，现行规定可能已有变化，"
            f"所存文件无法确认。")


def newer_version_held(corpus: Corpus, doc: DocumentMeta) -> bool:
    """True when the corpus holds a version that supersedes `doc` (its final text, a named successor)."""
    return final_version(corpus, doc) is not None or any(d in corpus.documents for d in doc.superseded_by)


def article_lookups(corpus: Corpus, query: Query) -> list[ArticleLookup]:
    """The articles the query names, looked up in each document it names (the search tab's rule), or, for a
    follow-up naming none ("第十二条呢"), in each document its earlier turns named; not in a document named only
    as what the article cites ("A第一条引用的B": A's article 1)."""
    named = set(query.named_documents)
    owners = (named - query.cited_by_article) or named
    return [find_article(corpus.documents[d], corpus.doc_clauses(d), locator)
            for d in sorted(owners) for locator in query.articles]


_YEARS_IN_TITLE = re.compile(r"[（(][^）)]*\d[^）)]*[）)]")


def without_years(title: str) -> str:
    """A title without the years it carries ("…行动方案（2024—2025年）"): a refusal shows no figure."""
    return _YEARS_IN_TITLE.sub("", title)


def _missing_article(corpus: Corpus, query: Query) -> Support | None:
    """No held document the query names has the article it names: why, or None."""
    lookups = article_lookups(corpus, query)
    if not lookups or any(lookup.found for lookup in lookups):
        return None
    beyond = [lookup for lookup in lookups if lookup.outcome == "beyond_held_copy"]
    lookup = (beyond or lookups)[0]
    reason: Reason = "beyond_held_copy" if beyond else "no_such_article"
    return Support(reason, note=_text_not_held(lookups) or lookup.message(f"《{lookup.doc.short_title}》"))


# How a known, unheld document relates to the held ones that only explain or announce it.
_ABOUT = ("explained_by", "announced_by", "text_of")


def _text_not_held(lookups: list[ArticleLookup]) -> str:
    """When the documents named hold no articles at all but one they explain or announce does (a drafting
    explanation of rules whose text is not held): that its text is not held, rather than "no such article"."""
    if any(lookup.article_count for lookup in lookups):
        return ""
    docs = {lookup.doc.doc_id: lookup.doc for lookup in lookups}
    entry = next((e for e in shipped_known_documents().entries
                  if any(d in e.relation.get(name, ()) for name in _ABOUT for d in docs)), None)
    if entry is None or re.search(r"\d", entry.title):
        return ""  # a refusal shows no figure
    held = "、".join(refusal_title(d) for d in docs.values())
    return f"所存文件中没有《{entry.title}》的正文（只存有{held}），无法引用其{lookups[0].locator}。"


def _missing_part(corpus: Corpus, query: Query, hits: list[Hit]) -> Support | None:
    """The question names a part or chapter ("第二部分", "part 2", "第五章") the document it is about does not
    hold: why, or None.

    The document is the one the question names, else the top hits'; another part's clause is no answer.
    """
    named = sorted(query.documents, key=lambda d: -query.documents[d])
    docs = named or list(dict.fromkeys(h.doc.doc_id for h in hits[:CAL.claim_hits]))
    described = frozenset(related_documents(corpus.documents, set(docs)))
    missing = missing_parts(corpus, docs, query.text, described)
    if not missing:
        return None
    lookup = missing[0]
    reason: Reason = "beyond_held_copy" if lookup.beyond_held_copy else "no_such_article"
    return Support(reason, note=lookup.message(refusal_title(lookup.doc)))


def _same_number(named: str, number: str) -> bool:
    """True when a number as a text names it ("按深龙工信规〔2022〕5号", words before it included) is `number`."""
    return named.endswith(number) or number.endswith(named)


def unheld_numbers(corpus: Corpus, text: str) -> list[str]:
    """Document numbers a text names ("深龙工信规〔2022〕5号") that no held document bears, compacted.

    The words before a number are matched with it; a registry entry's number, when it is one of them,
    stands in for the match.
    """
    held = [compact(fold(d.doc_number)) for d in corpus.documents.values() if d.doc_number]
    known = [compact(fold(e.doc_number)) for e in shipped_known_documents().entries if e.doc_number]
    out = []
    for named in dict.fromkeys(compact(m) for m in DOC_NUMBER.findall(fold(text))):
        if not any(_same_number(named, h) for h in held):
            out.append(next((k for k in known if _same_number(named, k)), named))
    return out


def unheld_document_note(corpus: Corpus, number: str) -> str:
    """Why a document named by its number cannot be quoted: its text is not held; where it is mentioned."""
    entry = next((e for e in shipped_known_documents().entries
                  if e.doc_number and compact(fold(e.doc_number)) == number), None)
    name = f"《{without_years(entry.title)}》（{entry.doc_number}）" if entry else f"文号为{number}的文件"
    citing = list(dict.fromkeys(f"《{corpus.documents[c.doc_id].short_title}》" for c in corpus.clauses
                                if number in compact(fold(c.text))))
    where = f"所存文件只在{'、'.join(citing)}中提到它的名称和文号，" if citing else ""
    return f"所存文件未收录{name}的原文，{where}无法据此说明其中的规定。"


def _unheld_document(corpus: Corpus, query: Query, evidence: list[Evidence]) -> tuple[list[Evidence], str]:
    """The evidence left when the query asks about a document it names only by a number no held one bears.

    Such a question is about that document: a held sentence citing the number answers when and by whom it
    was issued, never what it provides, and other documents' sentences are about other documents.
    Returns the evidence kept and, when none is, why (else "").
    """
    numbers = unheld_numbers(corpus, query.text)
    if not numbers or query.documents:
        return evidence, ""
    cites = [e for e in evidence if any(n in compact(fold(e.hit.clause.text)) for n in numbers)]
    kept = cites if query.kinds & _CITATION_KINDS and not query.articles else []
    return kept, ("" if kept else unheld_document_note(corpus, numbers[0]))


# The kinds of document a question may name a document by ("龙岗那个行动方案", "先锋城市操作规程").
_DOC_KIND = re.compile(r"行动方案|行动计划|操作规程|申报指南|实施细则|实施意见|管理办法|若干措施|条例|指引|规划")
_YEAR_NAMED = re.compile(r"(?<!\d)20\d{2}(?!\d)")


def _title_years(title: str) -> set[str]:
    return set(_YEAR_NAMED.findall(fold(title)))


_TITLE_NOISE = re.compile(r"[（(][^）)]*[）)]|《|》|的|深圳市|龙岗区|广东省")


def _named_closely(title: str, folded: str) -> bool:
    """True when a (folded) question spells out most of a title, years aside ("龙岗创建人工智能全域全时应用示范区
    行动方案" for "…的行动方案（2024—2025年）"): it names that document without its years."""
    pairs = char_pairs(_TITLE_NOISE.sub("", title))
    return len(pairs) >= 6 and len({p for p in pairs if p in folded}) >= CAL.title_coverage * len(pairs)


def unheld_named_document(corpus: Corpus, query: Query) -> str:
    """Why a document the question names by its kind, area and years cannot be quoted, or "".

    "龙岗的行动方案（2024—2025年）" names a document of that kind, for that area and those years. When no
    held document of that kind fits (its title names the question's areas, and its years are among the
    question's) but a known document that is not held does, the question is about the latter.
    """
    folded = query.folded
    kinds = list(dict.fromkeys(_DOC_KIND.findall(folded)))
    named = [fold(corpus.documents[d].title) for d in query.documents]
    # (the time of applying under it, "申报时间", is the document's content, not when it was issued)
    cited_facts = query.kinds & _CITATION_KINDS - ({"date"} if event_asked(query.text) in _APPLYING else set())
    if not kinds or cited_facts:
        return ""  # when and by whom it was issued, its number: a held sentence citing it may say
    areas = {p for p in held_places(corpus) | places_named(query.text) if p in folded}
    years = _title_years(folded) | years_about(folded)

    def fits(title: str, kind: str) -> bool:
        title = fold(title)
        return kind in title and all(a in title for a in areas) and (
            _title_years(title) <= years or (not years and _named_closely(title, folded)))

    for kind in kinds:
        if any(kind in t for t in named) or any(fits(d.title, kind) for d in corpus.documents.values()):
            continue
        known = next((e for e in shipped_known_documents().entries if fits(e.title, kind)), None)
        if known is not None:
            return f"所存文件未收录《{without_years(known.title)}》的原文，无法据此说明其中的规定。"
    return ""


def _held_texts(corpus: Corpus) -> list[str]:
    """Every held clause and title, folded and compacted (to ask whether any of them names something)."""
    return [compact(fold(c.text)) for c in corpus.clauses] + [compact(fold(d.title)) for d in corpus.documents.values()]


_SHORTHAND = re.compile(r"^[一二两三四五六七八九十\d]+[个项大条]")


def unheld_terms(corpus: Corpus, quoted: tuple[str, ...]) -> list[str]:
    """Names the question puts in quotation marks (“模型券”) that no held clause or title contains.

    Only short quotes count as names: a longer one may paraphrase a clause rather than cite it; nor does a
    numbered shorthand (“三个一”, “两个中心”), which sums up a list that may be written out item by item.
    """
    names = [q for q in dict.fromkeys(quoted) if len(q) <= CAL.quoted_name_chars and not _SHORTHAND.match(q)]
    texts = _held_texts(corpus) if names else []
    return [q for q in names if not any(q in t for t in texts)]


# Asking what the district itself grants ("区里给报多少"), not any level's support.
_DISTRICT_ASKED = re.compile(r"区里|区级|区政府|区财政|区里面|区一级")


def _district_first(corpus: Corpus, query: Query, evidence: list[Evidence]) -> list[Evidence]:
    """`evidence` with the sentences of the district's own documents first when the question asks what the district
    grants ("在龙岗租算力，区里给报多少"): a city voucher's rate read out as the district's is a wrong amount."""
    if not _DISTRICT_ASKED.search(query.folded):
        return evidence
    districts = {p for p in held_places(corpus) if p in query.folded} - {"深圳", "广东"}
    own = [e for e in evidence if districts & document_areas(e.hit.doc)]
    return [*own, *(e for e in evidence if e not in own)] if own else evidence


def other_area_figure(corpus: Corpus, query: Query, evidence: list[Evidence]) -> str:
    """Why no held sentence states a figure of the area the question names ("深圳…规模要达到多少"), or "".

    A target or a scale is that of the area whose document sets it: when the sentence that best answers is
    from a document of another area, the figure asked for is not held. A national document names no area.
    """
    asked = places_named(query.text) | {p for p in held_places(corpus) if p in query.folded}
    doc = evidence[0].hit.doc if evidence else None
    if query.kinds != {"quantity"} or not asked or doc is None:
        return ""
    areas = document_areas(doc)
    if not areas or asked & areas:
        return ""
    names, other = "、".join(sorted(asked)), "、".join(sorted(areas))
    return (f"所存文件中没有载明{names}的这一数字：与问题最相关的{refusal_title(doc)}是{other}的文件，"
            f"其中的目标和规模是{other}的，不是{names}的。")


def _document_years(doc: DocumentMeta) -> set[str]:
    """The years a document's version is known by: in its title, number, publication and effect dates."""
    years = years_about(fold(doc.title)) | set(re.findall(r"20\d{2}", doc.doc_number or ""))
    return years | {d[:4] for d in (doc.published, doc.effective_from) if d}


def unheld_version(corpus: Corpus, query: Query, hits: list[Hit]) -> str:
    """Why a version the question names by its year ("2026年修订版") cannot be quoted, or "".

    The documents the question is about are those it names, else those of the top hits, with their held
    earlier and later versions; when none of them is of that year, the version asked about is not held.
    """
    asked = {m[:4] for m in VERSION_YEAR.findall(query.folded)}
    docs = [corpus.documents[d] for d in query.documents] or [h.doc for h in hits[:CAL.claim_hits]]
    if not asked or not docs:
        return ""
    related = {v for d in docs for v in (d.doc_id, *d.supersedes, *d.superseded_by) if v in corpus.documents}
    held = set().union(*(_document_years(corpus.documents[d]) for d in related))
    if asked & held:
        return ""
    titles = "、".join(dict.fromkeys(refusal_title(d) for d in docs))
    return (f"所存文件中没有问题所说年份的版本：所存的{titles}不是该版本，"
            f"该版本如已出台，其规定所存文件无法确认。")


def earlier_version_support(corpus: Corpus, query: Query) -> Support:
    """Of the unheld version a named document replaced (`Query.earlier_version`): when and by whom it was issued,
    its number, until when it ran, as held texts state them; nothing else of it is held."""
    entry = shipped_known_documents().get(query.earlier_version)
    if entry is None:
        return Support("document_not_held")
    said = version_evidence(corpus, query, entry) if query.kinds & _CITATION_KINDS else []
    if said:
        return Support("answered", evidence=(said[0],))  # the sentence stating most of what is asked
    # Named without its number or year: a refusal shows no figure.
    successors = [refusal_title(corpus.documents[d]) for d in entry.relation.get("superseded_by", ()) if d in corpus.documents]
    replaced = f"（已被{'、'.join(successors)}取代）" if successors else ""
    citing = list(dict.fromkeys(refusal_title(corpus.documents[c.doc_id]) for c in corpus.clauses
                                if cites_version(entry, c.text)))
    where = f"所存文件只在{'、'.join(citing)}中提到它的名称和文号，" if citing else ""
    # Whether it still applies, or what replaced it, the registry says (the answer names its successor).
    reason: Reason = "not_held" if successors and query.kinds & _STANDING_ASKED else "document_not_held"
    return Support(reason, note=f"所存文件未收录旧版《{without_years(entry.title)}》{replaced}的原文，"
                                f"{where}无法据此说明其中的规定。")


_STANDING_ASKED = frozenset({"validity", "status", "supersession"})


# A quantity asked in a unit of measure written in Latin letters ("多少EFLOPS", "how many PFLOPS"); an English
# question's other words after "how much" ("how much does…") are no unit.
_UNIT_ASKED = re.compile(r"(?:多少|几)\s*([a-z]{2,10})\b|how (?:many|much) ([a-z]*flops)\b")
_NOT_A_UNIT = frozenset({"ai", "gpu", "it", "the", "of", "money", "funding", "support", "subsidy", "yuan"})


def unstated_unit(query: Query, evidence: list[Evidence]) -> str:
    """Why no held sentence states a quantity in the unit the question asks it in ("智能算力要达到多少EFLOPS"
    answered by "规模实现全国第一"), or ""."""
    match = _UNIT_ASKED.search(query.folded)
    unit = (match.group(1) or match.group(2)) if match else ""
    if not unit or unit in _NOT_A_UNIT or not evidence or any(unit in compact(fold(e.sentence)) for e in evidence):
        return ""
    return f"所存政策文件中没有以{unit.upper()}计的这一数字。"


_RUMOUR = re.compile(r"听说|据说|传言|网传|网上说|有人说|听人说|\bi heard\b|\brumou?r")


def rumoured_figures(query: Query, hits: list[Hit]) -> bool:
    """True when the question reports a figure it heard ("听说涨到X了") that no top clause states."""
    if not _RUMOUR.search(query.folded):
        return False
    claimed = {value for _, value in claims_of(query.text).values}
    stated = set().union(*(facts_of(h.clause.text).values for h in hits[:CAL.claim_hits])) if hits else set()
    return bool(claimed - stated)


def unheld_claim(corpus: Corpus, query: Query, hits: list[Hit]) -> Support | None:
    """The question reports a version or a figure no held document states: that decision, or None.

    Such a question is about what it reports; the held versions' figures answer another question, and
    a figure it reports is no fact the person stated about their own case.
    """
    version = unheld_version(corpus, query, hits)
    if version:
        return Support("claim_not_held", note=version)
    if rumoured_figures(query, hits):
        return Support("figure_not_held", note="所存政策文件中没有问题所说的金额或标准，无法证实这一说法；"
                                              "所存文件的现行规定以原文为准。")
    return None


_DIGIT = re.compile(r"\d")


def refusal_title(doc: DocumentMeta) -> str:
    """How a refusal names a document: 《short title》 without the years some titles carry, since a
    refusal shows no figure at all."""
    return f"《{without_years(doc.short_title)}》"


def held_extent(corpus: Corpus, doc: DocumentMeta) -> str:
    """Where a partial copy stops ("只收录到一、（二）" / "一、（二）之后有未收录的原文"), or "" (also when
    the place is a numbered locator such as a table row: a refusal shows no figure)."""
    clauses = corpus.doc_clauses(doc.doc_id)
    before_gaps = [c.locator for c in clauses if c.ordinal + 1 in doc.gaps]
    if before_gaps:
        extent = f"{'、'.join(before_gaps)}之后有未收录的原文"
    else:
        extent = f"只收录到{clauses[-1].locator}" if clauses and doc.is_partial else ""
    return "" if _DIGIT.search(extent) else extent


def not_held_note(corpus: Corpus, query: Query, hits: list[Hit]) -> str:
    """Why no held clause answers: what the closest clause leaves unstated, and which partial copy may
    hold the rule in its missing part; "" when there is nothing precise to say."""
    lines = []
    if hits:
        top = hits[0]
        missing = missing_labels(query.kinds, top.clause.text)
        duty = asked_duty(query)
        if duty and not missing and not any(w in fold(top.clause.text) for w in DUTIES[duty]):
            missing = [f"由哪个部门负责{duty}"]  # it names a department, for another duty
        if missing:
            label = "" if _DIGIT.search(top.clause.label) else top.clause.label
            lines.append(f"与问题最相关的{refusal_title(top.doc)}{label}没有载明{'、'.join(missing)}。")
    partial = list(dict.fromkeys(h.doc for h in hits[:3] if h.doc.is_partial))
    for doc in partial[:2]:
        extent = held_extent(corpus, doc)
        where = f"（{extent}）" if extent else ""
        lines.append(f"所存{refusal_title(doc)}不是全文{where}，如有相关规定，可能在未收录的部分"
                     f"（可查阅全文或咨询发布机关{issuer_name(doc)}）。")
    return "\n".join(lines)


def stated_before_gap(query: Query, candidates: list[Evidence]) -> list[Evidence]:
    """The candidates, a sentence broken off by a gap counted as complete when its held part already states
    every kind of fact asked ("…遵循公开透明、依法依规、绩效优先、合理统筹的管理原〔以下原文未收录〕" states
    the principles): what follows the gap is not what the question asks."""
    if not query.kinds:
        return candidates
    kinds, units = set(query.kinds), set(query.per_units)
    return [replace(e, cut_off=False) if e.cut_off and states(e.sentence, kinds, units, set(), False, query.counted)
            else e for e in candidates]


def cut_off_answer(query: Query, candidates: list[Evidence]) -> Evidence | None:
    """The sentence broken off by a gap where the answer would be (`cut_off_subject`), or None.

    When the question asks a kind of fact, every complete candidate states it; a broken sentence that covers
    no more of the question than the best of them is no reason to look past what the held text states.
    """
    cut = cut_off_subject(candidates)
    best = next((e for e in candidates if not e.cut_off), None)
    if cut is None or not query.kinds or best is None:
        return cut
    return cut if cut.coverage > best.coverage + CAL.cut_off_margin else None


def unstated_contact(corpus: Corpus, query: Query, hits: list[Hit]) -> Support | None:
    """A contact detail asked ("反馈邮箱是多少") that no document the question is about gives in its form (an
    address, a number): a sentence saying only that comments go "by e-mail to the bureau" is no answer."""
    if "contact" not in {t.name for t in query.asks}:
        return None
    named = set(query.named_documents)
    docs = related_documents(corpus.documents, named) if named else {h.doc.doc_id for h in hits[:CAL.claim_hits]}
    kinds = contact_kinds(query.text)
    if not docs or contacts([(corpus.documents[d], corpus.doc_clauses(d)) for d in sorted(docs)], kinds):
        return None
    titles = "、".join(refusal_title(corpus.documents[d]) for d in sorted(named or docs))
    labels = "或".join(CONTACT_LABELS[k] for k in sorted(kinds))
    return Support("not_held", note=f"所存{titles}中没有载明{labels}。")


def _unheld_firm_kind_asked(retriever: Retriever, query: Query) -> tuple[str, ...]:
    """The kinds of firm no held text names (`measures.unheld_firm_kinds`) when the question asks what such a
    firm gets, and names no support item, document or amount of its own to compute with."""
    asks_support = bool(query.kinds & _SUPPORT_KINDS) or _ASKS_SUPPORT.search(query.folded) is not None
    if not asks_support or query.named_items or query.documents or query.stated.has_amount:
        return ()
    return unheld_firm_kinds(retriever, query.text)


# Asking what is done about something, in particular ("有哪些具体措施", "具体怎么建设").
_SPECIFICS_ASKED = re.compile(r"具体(?:措施|内容|做法|举措|政策|安排|规定|要求)|具体(?:怎么|如何)|有哪些(?:措施|举措)|怎么建设|如何建设")


def _only_listed(query: Query, evidence: list[Evidence]) -> str:
    """The note when a question asks the particulars of a thing ("“数据特区”有哪些具体措施") and the held sentences
    only name it as one item of a list ("构建…中心、…数据特区、…高地"): a name is no measure."""
    if not _SPECIFICS_ASKED.search(query.folded):
        return ""
    # The thing asked about: quoted, or an item of a listing sentence the question writes out whole.
    asked = compact(query.folded)
    listed = {item for e in evidence for item in re.split(r"[、，,；;。]", compact(fold(e.sentence)))
              if len(item) >= CAL.listed_name_chars and item in asked}
    for phrase in (*query.quoted, *sorted(listed, key=len, reverse=True)):
        if any(phrase in compact(fold(h)) for e in evidence for h in e.hit.clause.heading_path):
            continue  # a part of its own ("二、构建全国智能算力枢纽中心"): what it does is under it
        mentions = [e for e in evidence if phrase in compact(fold(e.sentence))]
        if mentions and all(len(re.split(r"[、，,]", fold(e.sentence))) >= 3 and not _described(phrase, e.sentence)
                            for e in mentions):
            doc = mentions[0].hit.doc
            gap = "所存副本不完整，具体内容可能在未收录的部分。" if doc.is_partial else ""
            return f"所存《{doc.short_title}》只在列举中提到“{phrase}”，没有载明其具体措施。{gap}"
    return ""


_YEAR_ASKED = re.compile(r"(?<!\d)(20\d{2})\s*年")
_YEAR_WORD = re.compile(r"\b(20\d{2})\b")  # "in 2028"
_TABLE_YEAR = re.compile(r"｜(20\d{2})年：")


def _year_not_tabled(retriever: Retriever, query: Query, evidence: list[Evidence]) -> str:
    """The note when a figure is asked for a year ("2027年的资金测算") that the answering document's tables of figures by
    year do not cover, and the sentences found state no year: a total over other years is no answer for it."""
    asked = set(_YEAR_ASKED.findall(query.folded)) - retriever.named_years(query.text)
    if not asked or not query.kinds & {"money", "grant", "quantity"} or _YEAR_ASKED.search(evidence[0].sentence):
        return ""
    doc = evidence[0].hit.doc
    tabled = {y for c in retriever.corpus.doc_clauses(doc.doc_id) if c.kind == "table_row"
              for y in _TABLE_YEAR.findall(c.text)}
    if not tabled or asked & tabled:
        return ""
    return f"所存《{doc.short_title}》的测算表按年份列出数字，其中没有所问年份的数字。"


# Whether something goes on in a year to come ("2027年还会继续发吗", "明年会不会再出"): a plan no text has yet.
_WILL_CONTINUE = re.compile(r"还会|会不会|会继续|(?:还|再)(?:发|给|有|出|补|办|搞)(?:吗|么|不)|继续(?:发|给|有|出|实施|执行|补|支持|搞|办)"
                            r"|是否(?:还|仍|继续)?会|还有没有|还能不能|will .{0,60}\b(?:continue|still|again)\b")


def _future_year_unstated(retriever: Retriever, query: Query, evidence: list[Evidence]) -> str:
    """The note when a question asks whether something goes on in a year ("2027年还会继续发算力补贴吗") later than
    every year the answering documents speak of: they state no plan for it, and the measure they describe is no
    answer to whether it continues then."""
    written = _YEAR_ASKED if query.language == "zh" else _YEAR_WORD
    asked = set(written.findall(query.folded)) - retriever.named_years(query.text)
    if not asked or not _WILL_CONTINUE.search(query.folded):
        return ""
    corpus = retriever.corpus
    docs = {e.hit.doc.doc_id: e.hit.doc for e in evidence[:3]}
    spoken = set().union(*(_document_years(doc) | {y for c in corpus.doc_clauses(doc_id)
                                                  for y in years_about(fold(c.text))}
                           for doc_id, doc in docs.items()))
    later = sorted(y for y in asked if not spoken or int(y) > max(int(s) for s in spoken))
    if not later:
        return ""
    return f"所存政策文件没有载明{'、'.join(f'{y}年' for y in later)}的安排，无法确认届时是否继续实施，请以主管部门届时发布的通知为准。"


def _described(phrase: str, sentence: str) -> bool:
    """True when a sentence says more of a phrase than its name: the clause it stands in runs on past it."""
    for part in re.split(r"[、，,；;。]", compact(fold(sentence))):
        if phrase in part and len(part) > len(phrase) + CAL.described_extra_chars:
            return True
    return False


def decide_support(retriever: Retriever, query: Query, hits: list[Hit], *,
                   eligible: set[str] | None = None, subjects: Mapping[str, str] | None = None,
                   item_names: tuple[str, ...] = (), item_clause_ids: frozenset[str] = frozenset(),
                   conditions_said: tuple[str, ...] = ()) -> Support:
    """Whether the retrieved clauses answer the query (`eligible`: only these clause ids may; `subjects`: words
    a clause is about beyond its own, by clause id; `item_names`: the names by which it names support items,
    which are those items, not measures of their own ("龙岗算力券"), and `item_clause_ids` their clauses;
    `conditions_said`: the texts of the conditions those items' applicants must meet)."""
    outside = outside_scope(query)
    if outside is not None:
        return outside
    corpus = retriever.corpus
    places = unheld_places(corpus, query)
    if places:
        return Support("out_of_scope", note=out_of_area_note(places))
    claim = unheld_claim(corpus, query, hits)
    if claim is not None:
        return claim
    unheld_title = next(iter(unheld_titles(retriever, query.text, cited=True)), None)
    if unheld_title is not None and not unheld_title.cited_by:
        name = without_years(unheld_title.known) or unheld_title.named
        return Support("document_not_held", note=f"所存文件未收录《{name}》的原文，无法据此说明其中的规定。")
    if unheld_title is not None and not query.kinds & _CITATION_KINDS:
        # A document held texts only cite: they say when and by whom it was issued, never what it provides.
        name = without_years(unheld_title.known) or unheld_title.named
        citing = "、".join(f"《{corpus.documents[d].short_title}》" for d in unheld_title.cited_by)
        return Support("document_not_held", note=f"所存文件未收录《{name}》的原文，所存文件只在{citing}中提到它，"
                                                 "无法据此说明其中的规定。")
    missing = _missing_article(corpus, query) or _missing_part(corpus, query, hits) \
        or unstated_contact(corpus, query, hits)
    if missing is not None:
        return missing
    all_measures = named_measures(retriever, query.text)
    itemised = {m.name for m in all_measures if any(m.name in fold(name) for name in item_names)}
    measures = tuple(m for m in all_measures if m.name not in itemised)  # a support item's name is no unheld measure
    # A tax named beside a subsidy ("个税补贴"): a tax no held text mentions is no support held.
    taxes = tuple(dict.fromkeys(TAX_LAW.findall(query.folded)))
    # A fund named by what it invests in ("人工智能产业引导基金") that no held text names is none held.
    funds = [f for f in named_funds(query.text) if not any(f in t for t in _held_texts(corpus))]
    absent = [*unheld_terms(corpus, (*query.quoted, *(m.name for m in measures if m.name.endswith("券")), *taxes)),
              *funds,
              *unheld_measures(retriever, measures), *unheld_applied_for(retriever, query.text),
              *_unheld_firm_kind_asked(retriever, query)]
    if absent:
        names = "、".join(f"“{t}”" for t in absent)
        return Support("not_held", note=f"所存政策文件中没有出现{names}，没有这方面的规定。")
    # A gap in a text whose newer version is held says nothing of what the current text states, and what
    # it states before the gap is no answer while the current text is held.
    candidates = [c for c in candidate_evidence(retriever, query, hits, eligible=eligible, subjects=subjects)
                  if not (c.cut_off and newer_version_held(corpus, c.hit.doc))]
    candidates = stated_before_gap(query, candidates)
    cut = cut_off_answer(query, candidates)
    if cut is not None:
        return Support("beyond_held_copy", note=cut_off_note(cut))
    unnamed = unheld_named_document(corpus, query)
    if unnamed:
        return Support("not_held", note=unnamed)
    evidence, unheld = _unheld_document(corpus, query, supported(candidates, query))
    if unheld:
        return Support("not_held", note=unheld)
    if not answers_every_part(evidence):
        evidence = []  # the refusal says what the best clause does not state
    named = set(query.documents)
    related = related_documents(corpus.documents, named) if named else set()
    if named and not any(e.hit.clause.doc_id in related for e in evidence) \
            and (evidence or not any(h.doc.doc_id in related for h in hits[:1])):
        # The question asks what the documents it names say; other documents' sentences are no answer (and
        # with nothing found, the refusal speaks of the documents named rather than of the best other hit).
        titles = "、".join(refusal_title(corpus.documents[d]) for d in sorted(named))
        return Support("not_held", note=f"所存{titles}中没有找到这方面的规定。")
    if not evidence and ACTUALS.search(query.folded):
        return Support("not_held", note="所存政策文件规定的是扶持标准和资金规模，没有载明实际发放或拨付情况。")
    if not evidence:
        # A named support item's own note (where its standard would be) says it better.
        return Support("not_held", note="" if query.named_items else not_held_note(corpus, query, hits))
    evidence = _district_first(corpus, query, evidence)
    if all_measures or taxes:
        # A clause about another measure states that measure's rate or cap: no answer, however close. Nor does
        # one that never names the tax asked about ("拿了补贴要交增值税吗") say how it is taxed.
        def concerns(e: Evidence, measures=all_measures, taxes=taxes) -> bool:
            # A clause of conditions the items named share concerns them (`subjects`), unnamed in it.
            # An item named by a name of its own is concerned by its own clauses ("龙岗算力券": the compute item's).
            # Beside a support item it names, what else a question names qualifies that item ("语料券…初创公司的
            # 补贴"): the item's own clauses concern it, not another item's that mentions the qualifier.
            mixed = any(m.name in itemised for m in measures) and not all(m.name in itemised for m in measures)
            return (not measures or e.hit.clause.clause_id in (subjects or {})
                    or any((m.name in itemised and e.hit.clause.clause_id in item_clause_ids)
                           or (not mixed and about(retriever, m, e.hit)) for m in measures)) \
                and all(t in fold(e.hit.clause.text) for t in taxes)

        answering, evidence = evidence, [e for e in evidence if concerns(e)]
        # A clause about the measure that leaves unstated what is asked ("语料券…提高到多少"): that is what is missing.
        own = [h for h in hits[:5] if any(about(retriever, m, h) for m in all_measures)]
        if not evidence and own and missing_labels(query.kinds, own[0].clause.text):
            return Support("not_held", note=not_held_note(corpus, query, own))
        if not evidence:
            # Name what no clause concerns ("增值税" beside a subsidy the clauses do grant).
            unmet = [*(m.name for m in all_measures if not any(concerns(ev, (m,), ()) for ev in answering)),
                     *(t for t in taxes if not any(concerns(ev, (), (t,)) for ev in answering))]
            names = "、".join(f"“{n}”" for n in unmet or [*(m.name for m in all_measures), *taxes])
            return Support("not_held", note=f"所存政策文件中与问题最相关的条款都没有涉及{names}，没有找到这方面的规定。")
    unstated = unstated_requirement(retriever, query.text,
                                    [*(f"{e.hit.doc.title} {e.hit.clause.text}" for e in evidence[:3]), *conditions_said])
    if unstated:
        words = "、".join(f"“{w}”" for w in unstated)
        return Support("not_held", note=f"所存政策文件中与问题最相关的条款没有提到{words}方面的要求，"
                                        f"所存文件无法确认是否有此要求。")
    divisions = [division_label(unit, n) for unit, n in divisions_named(query.text)]
    if divisions and all(e.hit.doc.doc_type in ABOUT_TYPES for e in evidence) \
            and not any(label in e.sentence for e in evidence for label in divisions):
        # "解读里第八章讲了什么": a text about a document speaks of a chapter by naming it; its other sentences do not.
        return Support("not_held", note=f"所存《{evidence[0].hit.doc.short_title}》中没有找到对{'、'.join(divisions)}的说明。")
    future = _future_year_unstated(retriever, query, evidence)
    if future:
        return Support("future_not_stated", note=future)
    listed = _only_listed(query, evidence) or _year_not_tabled(retriever, query, evidence)
    if listed:
        return Support("not_held", note=listed)
    summary = summarised_unheld_chapter(corpus, evidence[0].sentence, evidence[0].hit.doc) \
        if not divisions_named(query.text) and not ABOUT_ASKED.search(query.folded) \
        and not DIVISION_ASKED.search(query.folded) else None
    if summary is None and query.kinds & _DETAILED and not query.choices and "count" not in query.kinds \
            and not ABOUT_ASKED.search(query.folded) and not DIVISION_ASKED.search(query.folded):
        # "算力补贴怎么申请" matched by "详述…审核方式…和证明材料": what an explained text details, its summary only
        # names; another sentence may answer, else the text detailing it is not held.
        def summarised(e: Evidence) -> str:
            return "" if lists_sorts(fold(e.sentence), sorts_asked(query.folded)) \
                else summarised_unheld_text(corpus, e.hit.clause.text, e.hit.doc)  # its heading, too
        detailed = [summarised(e) for e in evidence]
        explanation = evidence[0].hit.doc
        evidence = [e for e, detail in zip(evidence, detailed, strict=True) if not detail]
        if not evidence:
            return Support("beyond_held_copy", note=f"据《{explanation.short_title}》，这方面的具体规定载于《{detailed[0]}》"
                                                    f"正文，所存文件未收录其正文，无法据此说明具体规定。")
    if summary is not None:
        # "申报单位要满足哪些条件" matched by "第五章…阐述…申报单位条件要求": the chapter's rules are not held.
        doc, number = summary
        return Support("beyond_held_copy", note=f"据《{evidence[0].hit.doc.short_title}》，这方面的规定在《{doc.short_title}》"
                                                f"{division_label('章', number)}，所存副本未收录该章原文，无法据此说明具体规定。")
    elsewhere = other_area_figure(corpus, query, evidence) or unstated_unit(query, evidence)
    if elsewhere:
        return Support("not_held", note=elsewhere)
    draft_only = superseded_draft(corpus, query, evidence)
    if draft_only:
        # The final text's own article of the same number ("第一条"), where it answers too, says what the
        # official version provides: it answers, not the draft.
        final, label = final_version(corpus, evidence[0].hit.doc), evidence[0].hit.clause.label
        parallel = [e for e in evidence if e.hit.doc.doc_id == final and e.hit.clause.label == label]
        if not parallel:
            return Support("draft_only", note=draft_only)
        evidence = parallel
    outdated = newer_not_held(corpus, [e.hit.doc for e in evidence[:1]])
    if outdated:
        return Support("newer_not_held", note=outdated)
    return Support("answered", tuple(evidence))
