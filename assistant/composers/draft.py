"""Compose the extractive answer: a short lead, then the clauses quoted, each with a numbered marker.

Deterministic and model-free. Every figure in the text is a quoted clause's, a table cell's with its
formula, or a pre-check's computed from cited parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import date

from assistant.areas import other_level_note
from assistant.calibration import CALIBRATION as CAL
from assistant.claims import ENUMERATOR
from assistant.composers.lead import excluded_case, figure_restated, lead_in_quote, lead_sentence, past_validity
from assistant.evidence import Evidence, draft_standing_asked, heading_line, sentences
from assistant.precheck_service import MET_PREFIX, ChatPrecheck, EligibilityCheck
from assistant.tables import TableAnswer
from assistant.understanding.asks import asked, lists_sorts, sorts_asked
from assistant.understanding.query import Query
from prechecks.engine import Reason
from prechecks.numbers import fmt, read_amounts, to_decimal
from retrieval.currency import issued_mark
from retrieval.models import Citation, Clause, Corpus, DocumentMeta, cite, final_version
from retrieval.text import fold

DISCLAIMER = "以上内容仅供参考，具体以主管部门正式文件和审核结果为准。"
CAVEATS_HEADING = "注意："
PARTIAL_COPY = "所引文件的所存副本不完整（部分条款未收录），未收录部分可能另有规定。"
DRAFT_NOTE = "以上《{title}》的内容出自征求意见稿，不是正式生效的政策，请以正式印发文件为准。"
# How surely a document type is the policy itself (lower: more surely) rather than a text about it.
_SUBJECT_RANK = {"explanation": 1, "interpretation": 2, "notice": 3}
_ENUMERATED = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|[一二三四五六七八九十]是)")
# Words by which a list's introduction states a rule its items fall under ("不得从事下列行为：").
_RULE_WORDS = re.compile(r"不得|禁止|严禁|应当|必须|须|可以|不予|不适用|shall|must|may not|prohibit")
# A sentence that only qualifies the one before it: its share of the whole ("其中，…"), or an exception ("但…").
_QUALIFIES = re.compile(r"^\s*(?:其中|但是?|however|provided that)[，,\s]", re.IGNORECASE)
# After "；", a case of the same rule ("拒不改正或者情节严重的，责令暂停…"): the rule's next step, quoted with it.
_ANOTHER_CASE = re.compile(r"^[^，。；：]{2,40}的，")
_STATUS_LINES = {
    "draft-for-comment": "所存文件显示，{title}目前为征求意见稿，尚未收录其正式印发文本。",
    "superseded-draft": "{title}是征求意见稿，所存文件中另有其正式印发文本{final}，请以正式文本为准。",
    "official": "{title}为正式印发的文件{issued}。",
    "expired": "{title}已失效。",
}


def caveat_lines(caveats: list[str]) -> list[str]:
    """Caveats as answer lines: one on a line of its own, several as a "· " list under 注意：."""
    if len(caveats) == 1:
        return [caveats[0]]
    return [CAVEATS_HEADING, *(f"· {c}" for c in caveats)] if caveats else []


@dataclass
class Draft:
    """An answer being written: lines of text and the citations their markers point to."""

    lines: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    calculations: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)  # said after the answer, as a short list

    def marker(self, citation: Citation) -> str:
        """The marker "[n]" of a citation, adding it on first use. A clause cited again with other words of it
        is cited once, with all the words quoted (the longer quote, or both)."""
        for n, existing in enumerate(self.citations, start=1):
            if existing.clause_id == citation.clause_id:
                if existing.quote in citation.quote:
                    self.citations[n - 1] = citation
                elif citation.quote not in existing.quote:
                    self.citations[n - 1] = replace(existing, quote=f"{existing.quote}……{citation.quote}")
                return f"[{n}]"
        self.citations.append(citation)
        return f"[{len(self.citations)}]"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def close(self) -> list[str]:
        """End the answer with its caveats (see `caveat_lines`); returns them."""
        caveats = list(dict.fromkeys(self.caveats))
        self.lines += caveat_lines(caveats)
        self.caveats = []
        return caveats


def quote_for(evidence: Evidence, query: Query) -> str:
    """The words quoted from a clause: all of a short clause, else the sentence (with context).

    For a question that asks for an enumeration or several facts, the clause is quoted whole when
    it is not long, else from the answering sentence on, up to two more sentences.
    """
    text = evidence.hit.clause.shown_text
    several = "more" in query.quoting
    if len(text) <= CAL.short_clause or (several and len(text) <= CAL.long_quote):
        return re.sub(r"\s*\n\s*", " ", text).strip()
    parts = sentences(text)
    # an enumerated heading ("（三）锚定…方向。") says nothing alone: the sentence after it is quoted with it
    end = evidence.index + (3 if several else 2 if heading_line(parts[evidence.index]) else 1)
    while end < len(parts) and (_QUALIFIES.match(parts[end]) or (
            parts[end - 1].rstrip().endswith("；") and _ANOTHER_CASE.match(parts[end])
            and sum(len(p) for p in parts[evidence.start:end + 1]) <= CAL.long_quote)):
        # "……百分之三十以上；其中，预留给小型微型企业的比例不低于百分之六十。"; "…予以处罚；…没有规定的，…；情节严重的，…"
        end += 1
    start = evidence.start
    if "each" in query.quoting and (listed := _listing(parts, evidence.index)) is not None:
        # "前几章分别讲什么": one line of a list ("第二章部门职责,共3条,…") is one of the answers; the list is all.
        return "".join(parts[listed[0]:listed[1]])
    intro = _introducing(parts, evidence.index)
    # "（五）利用算法…实施价格歧视…": an item says nothing without what introduces it ("不得从事下列行为：").
    if intro is not None and sum(len(p) for p in parts[intro:end]) <= CAL.long_quote:
        start = intro
    if parts[evidence.index].rstrip().endswith(("：", ":")):
        # "…有下列情形之一的除外：" says nothing without the items it introduces.
        while end < len(parts) and _ENUMERATED.match(parts[end]) \
                and sum(len(p) for p in parts[evidence.start:end + 1]) <= CAL.long_quote:
            end += 1
    return "".join(parts[start:end])


def _listing(parts: list[str], index: int) -> tuple[int, int] | None:
    """Of a line after a sentence introducing a list ("…具体包括:"), the span of that sentence and the lines after
    it (as many as a long quote holds); None for a sentence that follows no such introduction."""
    intro = next((i for i in range(index, -1, -1) if parts[i].rstrip().endswith(("：", ":"))), None)
    if intro is None or intro + 1 == len(parts):
        return None
    end = max(index, intro + 1) + 1
    while end < len(parts) and sum(len(p) for p in parts[intro:end + 1]) <= CAL.long_quote:
        end += 1
    return intro, end


def _introducing(parts: list[str], index: int) -> int | None:
    """Of an enumerated item (`parts[index]`, "（五）…"), the index of the sentence introducing the list ("…不得从事
    下列行为："); None for a sentence that is no item, or an item with no such sentence before it."""
    if not _ENUMERATED.match(parts[index]):
        return None
    intro = next((i for i in range(index - 1, -1, -1) if parts[i].rstrip().endswith(("：", ":"))), None)
    # Only a rule's introduction carries what the item means (a definition list's "下列用语的含义：" adds nothing).
    return intro if intro is not None and _RULE_WORDS.search(parts[intro]) else None


def _introduction(evidence: Evidence) -> str:
    """The sentence introducing the list whose item is the evidence, or ""."""
    parts = sentences(evidence.hit.clause.shown_text)
    at = _introducing(parts, evidence.index) if evidence.index < len(parts) else None
    return parts[at] if at is not None else ""


def _label(doc: DocumentMeta) -> str:
    return "" if doc.status == "official" else f"（{doc.status_label}）"


def status_subject(corpus: Corpus, evidence_doc: DocumentMeta, named: AbstractSet[str]) -> DocumentMeta:
    """The document a "is it in force?" question is about: of the documents it names (or else the
    evidence's), the policy itself rather than its explanation, interpretation or notice."""
    if evidence_doc.status == "draft-for-comment" and final_version(corpus, evidence_doc) in named:
        return evidence_doc  # the clause read out is the draft's, whichever version's name the question uses
    docs = [corpus.documents[d] for d in sorted(named)] or [evidence_doc]
    if evidence_doc.doc_id in named:
        docs.insert(0, evidence_doc)
    return min(docs, key=lambda d: _SUBJECT_RANK.get(d.doc_type, 0))


def status_line(corpus: Corpus, doc: DocumentMeta, final: str | None = None) -> str:
    """Whether a document is issued, a draft (and whether its issued text is held: `final`, else the held
    text of the same title), or expired."""
    final = final or final_version(corpus, doc)
    status = "superseded-draft" if final else doc.status
    named = f"《{corpus.documents[final].short_title}》{issued_mark(corpus.documents[final].published)}" if final else ""
    return _STATUS_LINES[status].format(title=f"《{doc.short_title}》", final=named, issued=issued_mark(doc.published))


def add_lead(draft: Draft, query: Query, evidence: Evidence, corpus: Corpus | None = None,
             today: date | None = None, standing: bool = False) -> None:
    """The answer's first sentence: what the question asks, as the chosen sentence states it, cited like
    the quote that follows (none when the sentence states nothing asked that can be said safely). A sentence
    introducing the items under its section ("主要包括以下五个方面：") names them (`corpus`: where they are).
    A validity asked about that ended before `today` is said to have ended."""
    if evidence.hit.clause.kind == "table_row":
        return  # a row's cells are read with the table's title and unit (`add_table`)
    quote = quote_for(evidence, query)
    items = [sentences(sub.text)[0] for sub in _items_under(corpus, evidence.hit.clause)] \
        if corpus is not None and quote.rstrip().endswith(("：", ":")) else []
    # A status line answers "is it in force?": a lead then only says a date or figure also asked.
    # Several questions ("每年发多少，比例和上限呢"): each one's lead, from the quote answering them all.
    status_said = standing or query.wants_status_line
    questions = query.questions if not status_said else ()
    leads = [lead_in_quote(q, asked(q), query.language, quote, evidence.hit.doc.language, query.text,
                           evidence.sentence.strip()) for q in questions] if len(questions) > 1 else []
    said = list(dict.fromkeys(filter(None, leads)))
    # One question's lead that another's restates in full is said once.
    said = [a for a in said if not any(a != b and a.rstrip("。.") in b for b in said)]
    lead = (" " if query.language == "en" else "").join(said) or lead_sentence(
        query.text, query.asks, query.language, evidence.sentence, quote, evidence.hit.doc.language,
        restate=not status_said, items=items)
    own_voice = _OWN_VOICE.search(evidence.sentence) if "agency" in query.kinds and query.language == "zh" else None
    if own_voice and evidence.hit.doc.issuer and evidence.hit.doc.issuer not in (lead or ""):
        # "我局牵头制定了…": the issuer speaks of itself; its name is the document's issuer.
        lead = f"{evidence.hit.doc.issuer}（文中自称“{own_voice.group(0)}”）。"
    if lead and "validity" in query.kinds:
        lead = past_validity(lead, query.language, today or date.today())
    opening = _introduction(evidence)
    if lead and opening and opening in quote and opening not in lead:
        lead = f"{opening}{lead}"  # an item is said with what introduces it ("不得从事下列行为：…")
    excluded = excluded_case(query.text, evidence.sentence) if query.language == "zh" else ""
    lead = f"{excluded}{lead}" if excluded else lead
    if lead:
        marker = draft.marker(cite(evidence.hit.clause, evidence.hit.doc, quote))
        draft.lines.append(f"{lead[:-1]}{marker}{lead[-1]}")
        draft.calculations += conversions(lead, quote)


def conversions(lead: str, quote: str) -> list[str]:
    """The unit conversions a lead makes of the quote's amounts ("6 million yuan = 600万元"), written out so that
    what checks an answer's figures against its quotes reads the lead's figure as derived from the quote's."""
    said, stated = fold(lead), fold(quote)
    quoted = [(a.wan, stated[a.start:a.end]) for a in read_amounts(quote)]
    out: list[str] = []
    for amount in read_amounts(lead):
        text = said[amount.start:amount.end]
        source = next((q for wan, q in quoted if wan == amount.wan and q != text), None)
        if source and text not in stated:
            out.append(f"{source} = {text}")
    return out


_FULL_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# Which of the things compared came first or last ("哪个先施行", "谁先出台", "先后顺序").
_ORDER_ASKED = re.compile(r"哪个[^，。？?]{0,6}?(?:先|早|晚)|谁先|先后")
_ORDER_VERB = re.compile(r"施行|生效|实施|印发|发布|出台|公布|通过")


def add_compared_lead(draft: Draft, query: Query, compared: list[Evidence], labels: list[str]) -> None:
    """One opening sentence for things set side by side: what each one's sentence states of what is asked,
    after its label ("语料券：按不超过合同金额的30%；训力券：…"); none unless each states it."""
    english = query.language == "en"
    colon, joiner, stop = (": ", "; ", ".") if english else ("：", "；", "。")
    said: list[str] = []
    dated: list[tuple[tuple[int, ...], str, str]] = []  # (day, as written, label) of each sentence
    for evidence, label in zip(compared, labels, strict=True):
        quote = quote_for(evidence, query)
        days = list(_FULL_DATE.finditer(fold(quote)))
        if len({d.groups() for d in days}) == 1:
            dated.append((tuple(int(x) for x in days[0].groups()), days[0][0], label))
        lead = lead_sentence(query.text, query.asks, query.language, evidence.sentence, quote,
                             evidence.hit.doc.language, restate=False) \
            or figure_restated(query.text, query.asks, query.language, evidence.sentence, quote, evidence.hit.doc.language)
        if not lead:
            return
        # A Chinese template lead names the question's subject first ("X：最高…"): the label names each instead.
        own = lead[:-1] if english else lead[:-1].split("：", 1)[-1]
        marker = draft.marker(cite(evidence.hit.clause, evidence.hit.doc, quote))
        said.append(f"{label}{colon}{own}{marker}")
        draft.calculations += conversions(lead, quote)
    if not english and _ORDER_ASKED.search(query.folded) and len(dated) == len(compared) >= 2 \
            and len({d for d, _, _ in dated}) == len(dated):
        # "哪个先施行": which came first is the conclusion, each one's day (as its clause writes it) after it.
        _, day, label = min(dated)
        verb = _ORDER_VERB.search(query.folded)
        draft.lines.append(f"{label.removesuffix('所述')}{'先' + verb[0] if verb else '在先'}（{day}）。")
    draft.lines.append(joiner.join(said) + stop)


# The issuer speaking of itself ("我局牵头制定了…", "本局负责…").
_OWN_VOICE = re.compile(r"(?:我|本)(?:局|委|办|厅|机关)(?=牵头|负责|组织|制定|起草|会同|承担|审核|受理)")
_ENUMERATES = re.compile(r"(?:包括|包含|分为|分别为|分别是)[^。；;：:]{2,}?、[^。；;：:]{2,}?(?:和|及|以及|、)[^。；;]{2,}")


def add_evidence(draft: Draft, query: Query, evidence: list[Evidence], corpus: Corpus,
                 *, compare: bool = False, named: AbstractSet[str] = frozenset(),
                 labels: list[str] | None = None) -> None:
    """Quote the best evidence, and more clauses for list questions that need several.

    `compare`: the evidence is one sentence per document or support item compared, and all of it is quoted;
    `labels` name each (the lead says what each states after its label).
    `named`: the documents the question names (a status line speaks of the policy among them).
    """
    chosen = list(evidence) if compare else [evidence[0]]
    if not compare and "each" in query.quoting:
        # One line of a list asked as a whole leads with what introduces the list ("…共分为八章32条,具体包括:").
        parts = sentences(chosen[0].hit.clause.shown_text)
        listed = _listing(parts, chosen[0].index) if chosen[0].sentence in parts else None
        if listed is not None:
            chosen[0] = replace(chosen[0], sentence=parts[listed[0]], index=listed[0], start=listed[0])
    # "审核方式有哪几种": a sentence naming the sorts asked for is the whole answer.
    # So is one enumerating them after 包括/分为 ("新增设立专项资金包括A、B和C").
    sorts = lists_sorts(fold(evidence[0].sentence), sorts_asked(query.folded)) or \
        _ENUMERATES.search(evidence[0].sentence) is not None
    if not compare and "each" in query.quoting and not sorts:
        for other in evidence[1:]:
            if other.hit.clause.clause_id not in {e.hit.clause.clause_id for e in chosen} \
                    and other.score >= 0.7 * evidence[0].score and len(chosen) < 3:
                chosen.append(other)
    # Whether a draft's clause is in force ("这条还算数吗"): its being a draft is the answer.
    standing = corpus is not None and draft_standing_asked(query, chosen[0].hit.doc, corpus)
    if not compare:
        add_lead(draft, query, chosen[0], corpus, standing=standing)
    elif labels:
        add_compared_lead(draft, query, chosen, labels)
    if query.wants_status_line or standing:
        line = status_line(corpus, status_subject(corpus, chosen[0].hit.doc, named))
        draft.lines.append(line)
        draft.calculations.append(line)  # metadata: grounded for the guard
    for item in chosen:
        quote = quote_for(item, query)
        citation = cite(item.hit.clause, item.hit.doc, quote)
        broken = "（所存副本在此中断，其后原文未收录）" if item.cut_off and quote.endswith(item.sentence.strip()) else ""
        draft.lines.append(f"根据{citation.display}{_label(item.hit.doc)}{draft.marker(citation)}：“{quote}”{broken}")
        if quote.rstrip().endswith(("：", ":")):
            # "…主要包括以下五个方面：" — the items it introduces are the headings of the clauses under it, listed
            # under the section's own citation (the section is what the question asks about, not each item).
            headings = [sentences(sub.text)[0] for sub in _items_under(corpus, item.hit.clause)]
            said = "\n".join(draft.lines)
            if not all(ENUMERATOR.sub("", h).strip("。. ") in said for h in headings):  # not named by the lead
                draft.lines += [f"· {heading}" for heading in headings]
                draft.calculations += headings  # held headings, word for word
    drafts = {e.hit.doc.short_title for e in chosen if e.hit.doc.status == "draft-for-comment"}
    draft.caveats += [DRAFT_NOTE.format(title=title) for title in sorted(drafts)]
    if corpus is not None and query.language == "zh":
        draft.caveats += [n for n in dict.fromkeys(other_level_note(corpus, query.text, e.hit.doc) for e in chosen) if n]
    if any(e.hit.doc.is_partial for e in chosen):
        draft.caveats.append(PARTIAL_COPY)


def _items_under(corpus: Corpus, section: Clause) -> list[Clause]:
    """The numbered items of a section, in order (none for a clause that is not a section lead)."""
    if section.kind != "section":
        return []
    return [c for c in corpus.doc_clauses(section.doc_id)
            if c.kind == "item" and c.locator.startswith(section.locator)]


def add_table(draft: Draft, table: TableAnswer, docs: dict[str, DocumentMeta], note: str = "") -> None:
    """A computed table answer, citing every row it uses (a whole-table answer: the table), and the
    note on what its figures are (a budget table's: district totals, not one applicant's amount)."""
    cited = [table.whole] if table.whole else [r.clause for r in table.rows]
    markers = "".join(draft.marker(cite(clause, docs[clause.doc_id])) for clause in cited)
    draft.lines.append(f"{table.text}{markers}")
    if note:
        draft.lines.append(note)
    unit = table.rows[0].unit
    for formula in table.formulas:  # with the unit the table gives its cells, so that "= 1700" grounds "1700万元"
        draft.calculations.append(f"{formula}（单位：{unit}）" if unit else formula)
    doc = docs[table.rows[0].clause.doc_id]
    draft.lines.append(f"数据来源：{doc.short_title}中的“{table.rows[0].title}”{_label(doc)}。")


def merge_quotes(earlier: Citation | None, citation: Citation) -> Citation:
    """`citation`, quoting also what `earlier` (a citation of the same clause) quoted."""
    if earlier is None or citation.quote in earlier.quote:
        return earlier or citation
    if earlier.quote in citation.quote:
        return citation
    return replace(citation, quote=f"{earlier.quote}……{citation.quote}")


def cited_once(reasons: Iterable[Reason]) -> list[Citation]:
    """The reasons' citations, one per clause, in order: a clause stating several of them (a ratio and
    a cap) is cited once, quoting each."""
    cited: dict[str, Citation] = {}
    for reason in reasons:
        cited[reason.citation.clause_id] = merge_quotes(cited.get(reason.citation.clause_id), reason.citation)
    return list(cited.values())


_UNMET_PREFIX = "不符合："  # how the engine words a condition the facts fail


def _because(reasons: Iterable[Reason]) -> str:
    """Why the stated facts fail: "因为不满足“在龙岗区…登记注册”；…"."""
    why = [f"不满足“{r.text.removeprefix(_UNMET_PREFIX)}”" if r.text.startswith(_UNMET_PREFIX) else r.text
           for r in reasons if r.kind == "not_met"]
    return f"，因为{'；'.join(why)}" if why else ""


def verdict(check: ChatPrecheck) -> str:
    """The answer for one item, before any formula: may the person apply, and for how much."""
    result = check.result
    conditional = "如满足全部申报条件，" if check.to_confirm else ""
    if result.status == "eligible" and result.estimate_wan is not None:
        return f"{conditional}可以申请，预计可获{fmt(result.estimate_wan)}万元"
    if result.status == "ineligible":
        return f"不符合申报条件{_because(result.reasons)}"
    if result.status == "not_estimable":
        return f"{conditional}可以申请，但所存文件未载明扶持标准"
    asked = dict.fromkeys([*(m.question for m in result.missing), *check.to_confirm])
    return "还需确认：" + " ".join(asked)


# The engine's formula opens with the base and the ratio ("300万元 × 30% = 90万元…").
_FORMULA_HEAD = re.compile(r"^(?P<base>\d[\d.]*万元) × (?P<ratio>\d[\d.]*%) [=≈]")


def english_estimate(check: ChatPrecheck) -> str:
    """For an English question: the estimate exactly as computed ("Estimated support: 90万元 (30% of
    300万元)."), or "" when the item has no single figure (not eligible, or the figure depends on unknowns)."""
    result = check.result
    if result.status != "eligible" or result.estimate_wan is None or result.alternatives:
        return ""
    head = _FORMULA_HEAD.match(result.formula)
    how = f" ({head['ratio']} of {head['base']})" if head else ""
    condition = "If all application conditions are met, e" if check.to_confirm else "E"
    return f"{condition}stimated support: {fmt(to_decimal(result.estimate_wan))}万元{how}."


def add_prechecks(draft: Draft, checks: list[ChatPrecheck], language: str = "zh") -> None:
    """One line per support item: the verdict first, then the formula with its clauses, then what is
    still to confirm. A single item's line is the answer's first sentence; for an English question,
    an English sentence stating the estimate comes before it."""
    single = len(checks) == 1
    if single and language == "en" and (english := english_estimate(checks[0])):
        draft.lines.append(english)
    if not single:
        draft.lines.append("按您提供的信息测算：")
    for check in checks:
        result = check.result
        # Cite the clauses stating the ratio and cap (or the activity), not every condition's.
        parameters = cited_once(r for r in result.reasons if r.kind in ("parameter", "activity"))
        markers = "".join(draft.marker(c) for c in parameters[:2])
        # An ineligible item's formula only repeats the verdict.
        formula = "" if result.status == "ineligible" else result.formula
        head = verdict(check)
        end = "" if head.endswith("？") else "。"
        if single and result.status == "eligible" and result.estimate_wan is not None:
            # The figure is the conclusion: it comes first, the item's name after it.
            line = f"按您提供的信息测算，{head}（{result.name}）{end}"
        else:
            line = f"{'按您提供的信息测算，' if single else '· '}{result.name}：{head}{end}"
        draft.lines.append(f"{line}{formula}{markers}")
        if check.to_confirm and result.status != "needs_info":
            draft.lines.append("  还需确认：" + " ".join(check.to_confirm))
        draft.calculations.append(result.formula)
    caveats = {c.text for check in checks for c in check.result.caveats}
    draft.caveats += sorted(caveats)


def _stating_sentences(corpus: Corpus, citation: Citation) -> Citation:
    """`citation` quoting the whole sentences its words stand in ("…具有独立法人资格且符合要求的法人企业…"),
    not only the words of the condition."""
    clause = corpus.clause(citation.clause_id)
    if clause is None:
        return citation
    parts = [p.strip() for p in citation.quote.split("……")]
    whole = [s.strip() for s in sentences(clause.text) if any(p and p in s for p in parts)]
    return cite(clause, corpus.documents[clause.doc_id], "……".join(dict.fromkeys(whole))) if whole else citation


def add_eligibility(draft: Draft, checks: list[EligibilityCheck], corpus: Corpus) -> None:
    """Per condition set, the verdict first: the conditions the stated facts fail, with the words of the
    clauses stating them, or that the person may apply (if the conditions still to confirm are met), then the
    conditions met."""
    draft.lines.append("按您提供的信息对照申报条件：")
    for check in checks:
        markers = "".join(draft.marker(c) for c in cited_once((*check.reasons, *check.to_confirm)))
        if check.failed:
            draft.lines.append(f"· {check.title}：不符合申报条件{_because(check.failed)}{markers}")
            # The words of the condition failed, as the clause states them: what a person is told they miss.
            stating = (_stating_sentences(corpus, c) for c in cited_once(check.failed))
            draft.lines += [f"  根据{c.display}{draft.marker(c)}：“{c.quote}”" for c in stating]
            continue
        met = "；".join(r.text.removeprefix(MET_PREFIX) for r in check.reasons if r.kind == "met")
        unknown = "；".join(r.text.removeprefix(MET_PREFIX) for r in check.to_confirm)
        # A met condition with others unknown is a conditional yes: that is the conclusion a person asking
        # "能不能申请" needs first.
        if unknown:
            head = f"可以申请，前提是还满足：{unknown}" if met else f"还需确认：{unknown}（均满足即可申请）"
        else:
            head = "可以申请"
        parts = [head, f"已符合：{met}" if met else "", *(r.text for r in check.reasons if r.kind == "not_applicable")]
        draft.lines.append(f"· {check.title}：{'。'.join(p for p in parts if p)}{markers}")
