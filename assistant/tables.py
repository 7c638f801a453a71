"""Answer questions about a budget table's cells: a value, a sum, a multiple, a share, zero cells.

Every figure shown is a cell of a cited row or arithmetic on such cells, with the formula written out.
A budget table (one whose rows the pre-check rules cite as items' budgets) gives each item's total for the
whole district, never what one applicant gets: every figure read from it is labelled so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assistant.areas import LEVEL_NAMES
from assistant.evidence import sentences
from assistant.understanding.query import Query
from prechecks.numbers import fmt
from prechecks.rules import RuleSet
from retrieval.models import Clause, Corpus, Hit
from retrieval.numerals import arabic_to_chinese
from retrieval.text import fold

_SUM = re.compile(r"合计|总计|总共|一共|加起来|累计|总额是|三年|几年")
_SEPARATE = re.compile(r"分别|各(?:是|为|有|自|多少)")  # "三年分别多少": each figure, not their sum
_EVERY_YEAR = re.compile(r"[两三几每各历]年")  # "三年分别多少", "每年各多少": every year's column
_COMPARE = re.compile(r"哪(?:个|项|一项|一个)[^，。？?]{0,8}?(?:多|少|高|低|大|小)|谁(?:多|少|高|低|大)|相差|差(?:多少|几)|更(?:多|少)")
_MULTIPLE = re.compile(r"倍")
# How one year's figure changed from another's ("2025年比2024年多了多少", "2026年较2025年增加多少").
_CHANGE = re.compile(r"[比较]\s*20\d{2}\s*年?[^，。？?]{0,12}?(?:多|少|增|减|涨|降|差|变化)|相差|差(?:了)?多少|差额")
_SHARE = re.compile(r"占.{0,20}(比例|比重|百分之|多少)|占比")
_ZERO = re.compile(r"为0(?!\d)|为零|是0(?!\d)|没有安排|未安排|(?<![\d.])0万元")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
# What people call a budget allocation: a question with none of these is about support, not a table's row.
_YEAR_SPAN = re.compile(r"(20\d{2})\s*年?\s*(?:到|至|—|-|~|－)\s*(20\d{2})")
# "哪个项目钱最多", "哪一项预算最少": the row with the largest or smallest figure.
# Support reckoned on a basis ("按销售额奖励多少"): a standard of support, which no budget cell states.
_BASIS = re.compile(r"按[^，。？?]{1,10}?(?:奖励|补贴|资助|补助|扶持|补|给)")
_EXTREME = re.compile(r"哪(?:个|项|一项|一个|些)[^，。？?]{0,12}?(最多|最高|最大|最少|最低|最小)")
_MOST = ("最多", "最高", "最大")
_STANDARD_ASKED = re.compile(r"怎么补|如何补|怎么算|怎么给|按什么|什么标准|(?:补贴|扶持|资助|奖励)标准|标准是什么")
# "表1里…": the table named by its number; "区里打算拿多少钱出来": what the district sets aside, said plainly.
_BUDGET = re.compile(r"预算|测算|经费|资金表|安排|表\s*\d"
                     r"|(?:区里|市里|区级|市级|政府|财政)[^，。？?]{0,4}?(?:拿|出|花|投|掏)[^，。？?]{0,3}?(?:多少|几)")
_LIST = re.compile(r"有什么|都有|清单")  # besides what asks for a list (the "list" answer type)
# What a question asks the names of: the words after 哪些/什么 ("哪些材料", "有什么扶持项目"; "" at its end).
_WHAT_ASKED = re.compile(r"(?:哪些|哪几[个类项种条]?|什么|啥)([^，,。？?！!；;\s]*)")
_HOW_OR_WHICH = re.compile(r"怎么|怎样|如何|还是")  # how it is done, or which of two: no list of names
_NAME_HEADERS = ("项目名称", "名称", "项目")
_TOTAL_NAMES = ("总计", "合计")
_CJK_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")


@dataclass(frozen=True)
class TableRow:
    """One row of a table clause: its title, ordered (header, value) cells, and the clause."""

    clause: Clause
    title: str
    cells: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        """The row's name cell (e.g. 具身智能机器人应用扶持, or 总计)."""
        for header, value in self.cells:
            if header in _NAME_HEADERS:
                return value
        return self.cells[0][1] if self.cells else ""

    @property
    def unit(self) -> str:
        """The unit the title gives its figures, e.g. 万元."""
        match = re.search(r"[（(]([^）)]*元)[）)]", self.title)
        return match.group(1) if match else ""

    def numeric(self) -> dict[str, Decimal]:
        """The cells holding numbers, by header."""
        return {h: Decimal(v) for h, v in self.cells if _NUMBER.match(v) and h != "序号"}


@dataclass(frozen=True)
class TableAnswer:
    """A lead sentence computed from table rows, the rows it rests on, and its formulas (one per figure
    computed, each "operands = result", so that what checks the answer's figures can recompute it)."""

    text: str
    rows: tuple[TableRow, ...]
    formulas: tuple[str, ...] = ()
    noun: str = ""  # what a list of the table's names lists ("项目")
    whole: Clause | None = None  # the table as printed, when the answer reads it as a whole: cited once


def parse_row(clause: Clause) -> TableRow:
    """Split a table-row clause text ("title｜h：v｜h：v") into a `TableRow`."""
    title, *pairs = clause.shown_text.split("｜")
    cells = tuple(tuple(p.split("：", 1)) for p in pairs if "：" in p)
    return TableRow(clause, title, cells)  # type: ignore[arg-type]


def table_of(corpus: Corpus, clause: Clause) -> list[TableRow]:
    """All rows of the table a row clause belongs to, in order."""
    prefix = clause.locator.split("/")[0] + "/"
    return [parse_row(c) for c in corpus.doc_clauses(clause.doc_id)
            if c.kind == "table_row" and c.locator.startswith(prefix)]


def _table_id(clause_id: str) -> str:
    """The table a row belongs to: `doc#表1/9` -> `doc#表1`."""
    return clause_id.split("/")[0]


def _budget_rows(rules: RuleSet) -> dict[str, str]:
    """The table rows the rules cite as an item's budget, and the item of each."""
    return {i.budget.clause: i.item_id for i in rules.items if i.budget is not None and "/" in i.budget.clause}


def budget_note(clause_ids: Iterable[str], rules: RuleSet, corpus: Corpus) -> str:
    """The label of figures read from a budget table: what the table's cells are totals of ("" when none
    of the clauses is a row of one)."""
    tables = {_table_id(c) for c in _budget_rows(rules)}
    row = next((c for i in clause_ids if _table_id(i) in tables and (c := corpus.clause(i)) is not None), None)
    if row is None:
        return ""
    level = LEVEL_NAMES.get(corpus.documents[row.doc_id].level, "")
    return (f"注：“{parse_row(row).title}”所列是各项目的{level}预算总额（全部申报单位合计），"
            "不是单个企业可获金额。")


def distinctive_pairs(names: dict[str, list[str]]) -> dict[str, set[str]]:
    """Per key, the Chinese character pairs of its names that no other key's names share ("场景" for the
    scenario item; not "智能" or "扶持"): how people name one of a set in their own, shorter words."""
    pairs = {key: {n[k:k + 2] for n in map(fold, ns) for k in range(len(n) - 1) if _CJK_PAIR.fullmatch(n[k:k + 2])}
             for key, ns in names.items()}
    return {key: {p for p in ps if sum(p in other for other in pairs.values()) == 1} for key, ps in pairs.items()}


def _distinctive(rules: RuleSet) -> dict[str, set[str]]:
    return distinctive_pairs({i.item_id: [i.name, *i.synonyms] for i in rules.items})


def budgeted_items(rules: RuleSet, query: Query, hits: list[Hit]) -> tuple[str, ...]:
    """The support item whose budget row is among the best hits and which the question names in its own
    words ("场景示范的补贴"): what a question about one's own amount that names no item is about."""
    rows, distinctive = _budget_rows(rules), _distinctive(rules)
    for hit in hits[:3]:
        item = rows.get(hit.clause.clause_id)
        if item and any(p in query.folded for p in distinctive[item]):
            return (item,)
    return ()


def _mentioned(columns: list[str], folded: str) -> list[str]:
    """Columns the question names, in the order it names them."""
    found = [(folded.find(fold(c)), c) for c in columns if fold(c) in folded]
    # "2024、2025、2026年分别…": a year listed without its 年 names its column too.
    found += [(m.start(), c) for c in columns if (year := re.match(r"\d{4}", c)) and all(c != o for _, o in found)
              and (m := re.search(rf"(?<!\d){year.group(0)}(?!\d)", folded))]
    # "从2024年到2026年", "2024到2026年": the years between, and the first written without 年, are named too.
    for span in _YEAR_SPAN.finditer(folded):
        first, last = int(span.group(1)), int(span.group(2))
        found += [(span.start(), c) for c in columns if (year := re.match(r"\d{4}", c)) and
                  first <= int(year.group(0)) <= last and all(c != other for _, other in found)]
    return [c for _, c in sorted(found, key=lambda f: (f[0], f[1]))]


def _rows_named(rows: list[TableRow], folded: str, budget: bool) -> list[TableRow]:
    """The rows (totals aside) a folded text names, in the order it names them. A row is named by its full
    name; in a question about the budget (`budget`: it, or the conversation it follows, speaks of one, or it
    names another row in full), also in shorter words ("机器人那块的预算", "租金和重大活动那两项"): by at least
    two of its distinctive pairs."""
    items = [r for r in rows if r.name and r.name not in _TOTAL_NAMES]
    full = sorted((r for r in items if fold(r.name) in folded), key=lambda r: -len(r.name))
    full = [r for r in full if not any(r.name in o.name and r is not o for o in full)]
    found = [(folded.find(fold(r.name)), r) for r in full]
    if budget or full:
        rest = folded
        for row in full:
            rest = rest.replace(fold(row.name), "｜" * len(row.name))
        pairs = distinctive_pairs({str(k): [r.name] for k, r in enumerate(items)})
        for k, row in enumerate(items):
            where = [rest.find(p) for p in pairs[str(k)] if p in rest]
            if row not in full and len(where) >= 2:
                found.append((min(where), row))
    return [r for _, r in sorted(found, key=lambda f: f[0])]


def list_from_table(query: Query, hits: list[Hit], corpus: Corpus) -> TableAnswer | None:
    """"有哪些扶持项目": the names of the rows of a table in a retrieved document, when the question
    asks for a list of what the table's name column holds (项目名称 -> 项目)."""
    folded = query.folded
    listing = bool(_LIST.search(folded) or query.quoting & {"more", "each"})
    if query.asks_conditions:
        return None  # "哪些单位可以申报…项目" asks who may apply, not what the table lists
    tables: dict[tuple[str, str], Clause] = {}  # (doc, table) -> its first row
    for doc_id in dict.fromkeys(h.clause.doc_id for h in hits):
        for clause in corpus.doc_clauses(doc_id):
            if clause.kind == "table_row":
                tables.setdefault((doc_id, clause.locator.split("/")[0]), clause)
    for clause in tables.values():
        rows = [r for r in table_of(corpus, clause) if r.name not in _TOTAL_NAMES]
        header = next((h for h, _ in rows[0].cells if h in _NAME_HEADERS), "") if rows else ""
        noun = header.removesuffix("名称")
        # "那十个项目叫什么": what the rows are called, asked with their number, is the list too.
        counted = bool(noun) and re.search(rf"{_count_of(rows)}[^，。？?]{{0,6}}?{re.escape(noun)}", folded) is not None
        if not (listing or counted):
            continue
        # The names asked for are the table's ("有哪些扶持项目", "项目有哪些"), not something said of them ("申报项目
        # 要交哪些材料", "项目是怎么审核的？核准还是评审").
        what = [m.group(1) for m in _WHAT_ASKED.finditer(folded)]
        if (what and not any(noun in w or not re.match(r"[\u4e00-\u9fff]", w) for w in what)) \
                or (not what and _HOW_OR_WHICH.search(folded)):
            continue
        # The noun asked for ends its phrase: "哪些项目", "项目有哪些", not "项目单位"; and what is listed is
        # that noun: "申报项目，纳税有什么要求" lists requirements, not the table's projects.
        if noun and re.search(rf"{re.escape(noun)}(?:$|[^\u4e00-\u9fff]|[有是都呢吗包分可能需列一共总具叫])", folded) \
                and not re.search(rf"有什么(?!{re.escape(noun)}|[呢吗啊呀])[\u4e00-\u9fff]", folded):
            names = "、".join(r.name for r in rows)
            whole = corpus.clause(_table_id(rows[0].clause.clause_id)) or rows[0].clause  # a corpus without tables whole
            return TableAnswer(f"{rows[0].title}所列{noun}有：{names}。", tuple(rows), noun=noun, whole=whole)
    return None


def count_stated(corpus: Corpus, table: TableAnswer) -> tuple[Clause, str, str] | None:
    """Of a table's names listed whole, the sentence of its document that says how many there are ("详述人工智能算力
    扶持等10条申报项目…"), with its clause and the words stating the count ("10条申报项目"); None when no sentence
    states that count of that noun."""
    if not (table.whole and table.noun):
        return None
    stating = re.compile(rf"{_count_of(table.rows)}[^，。；,;]{{0,6}}?{table.noun}")
    for clause in corpus.doc_clauses(table.rows[0].clause.doc_id):
        if clause.kind != "table_row":
            for sentence in sentences(clause.text):
                match = stating.search(fold(sentence))
                if match:
                    return clause, sentence, match.group(0)
    return None


def _count_of(rows: Sequence[TableRow]) -> str:
    """The pattern of the number of rows with a measure word: "10条", "十个"."""
    count = len(rows)
    return rf"(?<![\d.])(?:{count}|{arabic_to_chinese(count)})\s*[条项个类种]"


def count_said(query: Query, table: TableAnswer) -> bool:
    """True when the question itself says how many the table lists ("哪10个项目"): no need to say it back."""
    return re.search(_count_of(table.rows), query.folded) is not None


_YEAR_WRITTEN = re.compile(r"(?<!\d)20\d{2}\s*年")


def answer_from_table(query: Query, hits: list[Hit], corpus: Corpus, item_rows: frozenset[str] = frozenset(),
                      ) -> TableAnswer | None:
    """A computed answer when the question is about cells of a table the top hits point to.

    Only questions a table can answer get one: a question for a ratio, a cap, a date or a per-unit
    rate is not answered by a budget table's cells (its share of a total excepted). The earlier turns of a
    follow-up such as "那2026年呢？" supply the row when the question names none. `item_rows`: the clause ids of
    the budget rows of the support items the question names by a name of their own ("房租补贴" for the row
    产业空间租金扶持), which name those rows in a question about the budget.
    """
    folded, context = query.folded, query.followup_text
    if query.asks_conditions:
        return None  # who may apply, on what conditions: no budget cell says
    # "每年多少" is what a table by year answers; another per-unit rate ("每家", "每平方米") is not.
    asked = query.kinds | ({"per_unit"} if query.per_units - {"年"} else set())
    extreme = _EXTREME.search(folded)
    if extreme and not query.per_units - {"年"} and (_BUDGET.search(folded) or "表" in folded):  # "每年多少": its columns
        table_hits = [h.clause for h in hits if h.clause.kind == "table_row"]
        if table_hits:
            return _extreme_answer(table_of(corpus, table_hits[0]), folded, extreme.group(1) in _MOST)
    # What one applicant gets ("补多少") is no budget cell, unless the question names the budget or its table.
    figures = {"money", "ratio", "quantity"} | ({"grant"} if _BUDGET.search(folded) else set())
    if asked - figures or ("ratio" in asked and not _SHARE.search(folded)):
        return None
    if ((not asked and (query.choices or _STANDARD_ASKED.search(folded))) or _BASIS.search(folded)) \
            and not _BUDGET.search(folded):
        # "场景示范扶持是核准制还是评审制", "机器人应用扶持怎么补，按什么标准": a row named, but a choice or
        # the standard of support asked, which no budget cell states
        return None
    table_hits = [h.clause for h in hits[:3] if h.clause.kind == "table_row"]
    if not table_hits:
        return None
    rows = table_of(corpus, table_hits[0])
    budget = bool(_BUDGET.search(folded) or _BUDGET.search(fold(context)))
    named = _rows_named(rows, folded, budget)
    total = next((r for r in rows if r.name in _TOTAL_NAMES), None)
    columns = list(rows[0].numeric()) if rows else []
    years = _mentioned(columns, folded)
    if not years and _YEAR_WRITTEN.search(re.sub(r"《[^》]*》", "", folded)):
        return None  # "2030年的测算资金": a year the table has no column for is not answered by the others
    # "那2026年总计呢": the total row, named by its own label and a year, not the row the earlier turn asked about.
    names_total = total is not None and re.search(rf"\d{{4}}年?的?{re.escape(fold(total.name))}", folded) is not None
    if not named and budget and not names_total:
        named = [r for r in rows if r.clause.clause_id in item_rows]
    if not named and context and not names_total:
        named = _rows_named(rows, fold(context), budget)[:1]
    if years and _EVERY_YEAR.search(folded):
        years = columns
    unit = rows[0].unit if rows else ""

    # "哪些项目为0": the zero cells of every row; a named row's zero ("X 2026年怎么是0") is read from its row.
    if _ZERO.search(folded) and not named:
        zero = [(r, [h for h, v in r.numeric().items() if v == 0]) for r in rows if r is not total]
        zero = [(r, hs) for r, hs in zero if hs]
        if zero:
            parts = [f"{r.name}（{'、'.join(hs)}为0）" for r, hs in zero]
            return TableAnswer(f"测算资金为0的项目有：{'；'.join(parts)}。", tuple(r for r, _ in zero))
    # "2026年合计多少", "表里三年一共多少": the total row. Without a year or the table named, a sentence of the
    # document that states its total ("三年所需资金预估约为…") is quoted instead of a sum computed here.
    change = len(years) == 2 and bool(_CHANGE.search(folded))
    if not named and total is not None and (_SUM.search(folded) or change) and asked & {"money", "quantity"} \
            and (years or "表" in folded):
        return _change_answer(total, years, unit) if change else _total_answer(total, years, columns, unit)
    if not named:
        return None
    separate = bool(_SEPARATE.search(folded))
    if len(named) >= 2:
        return _rows_answer(named, years or columns, unit, folded, separate)
    row = named[0]
    values = row.numeric()
    if _SHARE.search(folded) and total is not None and years:
        year = years[0]
        share = (values[year] / total.numeric()[year] * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        rounded = share.quantize(Decimal("1"), ROUND_HALF_UP)
        formula = f"{fmt(values[year])} ÷ {fmt(total.numeric()[year])} × 100% ≈ {fmt(share)}% ≈ {fmt(rounded)}%"
        text = (f"{year}{row.name}测算{fmt(values[year])}{unit}，当年测算总计{fmt(total.numeric()[year])}"
                f"{unit}，占比约{fmt(share)}%：{formula}。")
        return TableAnswer(text, (row, total), (formula,))
    if _MULTIPLE.search(folded) and len(years) >= 2:
        a, b = values[years[0]], values[years[1]]
        if b != 0:
            multiple = (a / b).quantize(Decimal("0.01"), ROUND_HALF_UP)
            formula = f"{fmt(a)} ÷ {fmt(b)} = {fmt(multiple)}"
            text = (f"{row.name}{years[0]}测算{fmt(a)}{unit}，{years[1]}测算{fmt(b)}{unit}，"
                    f"是其{fmt(multiple)}倍（{formula}）。")
            return TableAnswer(text, (row,), (formula,))
    if change:
        return _change_answer(row, years, unit)
    if _SUM.search(folded) and not separate:
        summed = [c for c in (years if len(years) >= 2 and "三年" not in folded else columns)]
        total_value = sum((values[c] for c in summed), Decimal(0))
        formula = " + ".join(fmt(values[c]) for c in summed) + f" = {fmt(total_value)}"
        text = (f"{row.name}{summed[0]}至{summed[-1]}合计测算{fmt(total_value)}{unit}"
                f"（{formula}）。")
        return TableAnswer(text, (row,), (formula,))
    if years:
        parts = [f"{c}测算{fmt(values[c])}{unit}" for c in years]
        return TableAnswer(f"{row.name}{'，'.join(parts)}。", (row,))
    parts = [f"{c}为{fmt(v)}{unit}" for c, v in values.items()]
    return TableAnswer(f"{row.name}：{'，'.join(parts)}。", (row,))


def _rows_answer(rows: list[TableRow], years: list[str], unit: str, folded: str, separate: bool) -> TableAnswer:
    """Several named rows ("A和B 2026年哪个多", "A和B每年差几倍", "A和B加起来多少"): each row's figures for the
    years asked, led by the comparison or the sum asked, with its arithmetic written out."""
    figures = "；".join(f"{r.name}" + "，".join(f"{c}测算{fmt(r.numeric()[c])}{unit}" for c in years)
                       for r in rows)
    leads: list[str] = []
    formulas: list[str] = []
    if len(rows) == 2 and (_MULTIPLE.search(folded) or _COMPARE.search(folded)):
        first, second = rows
        for column in years:
            a, b = first.numeric()[column], second.numeric()[column]
            if _MULTIPLE.search(folded) and b != 0:
                multiple = (a / b).quantize(Decimal("0.01"), ROUND_HALF_UP)
                formulas.append(f"{fmt(a)} ÷ {fmt(b)} ≈ {fmt(multiple)}")
                leads.append(f"{column}{first.name}是{second.name}的{fmt(multiple)}倍（{formulas[-1]}）")
            elif a != b:
                more, less = (first, second) if a > b else (second, first)
                high, low = max(a, b), min(a, b)
                formulas.append(f"{fmt(high)} − {fmt(low)} = {fmt(high - low)}")
                leads.append(f"{column}{more.name}比{less.name}多{fmt(high - low)}{unit}（{formulas[-1]}）")
            else:
                leads.append(f"{column}两项相同")
    elif _SUM.search(folded) and not separate:
        cells = [r.numeric()[c] for r in rows for c in years]
        total = sum(cells, Decimal(0))
        formulas.append(" + ".join(fmt(v) for v in cells) + f" = {fmt(total)}")
        leads.append(f"{'、'.join(r.name for r in rows)}{years[0]}至{years[-1]}合计测算{fmt(total)}{unit}"
                     f"（{formulas[-1]}）")
    text = "；".join(leads) + "。" + figures + "。" if leads else figures + "。"
    return TableAnswer(text, tuple(rows), tuple(formulas))


def _extreme_answer(rows: list[TableRow], folded: str, most: bool) -> TableAnswer | None:
    """"哪个项目钱最多": the row (totals aside) with the largest (or smallest) figure in the year asked, else
    summed over every year, with the sums written out."""
    items = [r for r in rows if r.name and r.name not in _TOTAL_NAMES and r.numeric()]
    if not items:
        return None
    columns = list(items[0].numeric())
    years = _mentioned(columns, folded)
    summed = years[:1] or columns

    def value(row: TableRow) -> Decimal:
        return sum((row.numeric()[c] for c in summed), Decimal(0))

    best = (max if most else min)(value(r) for r in items)
    chosen = [r for r in items if value(r) == best]
    unit = items[0].unit
    span = summed[0] if len(summed) == 1 else f"{summed[0]}至{summed[-1]}合计"
    word = "最多" if most else "最少"
    formulas = [" + ".join(fmt(r.numeric()[c]) for c in summed) + f" = {fmt(value(r))}" for r in chosen] \
        if len(summed) > 1 else []
    names = "、".join(r.name for r in chosen)
    shown = f"（{'；'.join(formulas)}）" if formulas else ""
    return TableAnswer(f"{span}测算资金{word}的项目是{names}，为{fmt(best)}{unit}{shown}。", tuple(chosen),
                       tuple(formulas))


def _change_answer(row: TableRow, years: list[str], unit: str) -> TableAnswer:
    """How a row's figure in the year named first differs from the other year's, with the subtraction."""
    later, earlier = years
    a, b = row.numeric()[later], row.numeric()[earlier]
    formula = f"{fmt(a)} − {fmt(b)} = {fmt(a - b)}" if a >= b else f"{fmt(b)} − {fmt(a)} = {fmt(b - a)}"
    than = f"比{earlier}（{fmt(b)}{unit}）"
    change = f"{than}多{fmt(a - b)}{unit}" if a > b else f"{than}少{fmt(b - a)}{unit}" if a < b else f"与{earlier}相同"
    return TableAnswer(f"{later}{row.name}测算{fmt(a)}{unit}，{change}（{formula}）。", (row,), (formula,))


def _total_answer(total: TableRow, years: list[str], columns: list[str], unit: str) -> TableAnswer:
    """The table's total row: the year asked, or the sum over the years asked (all of them by default)."""
    values = total.numeric()
    if len(years) == 1:
        return TableAnswer(f"{years[0]}{total.name}测算{fmt(values[years[0]])}{unit}。", (total,))
    summed = years or columns
    sum_value = sum((values[c] for c in summed), Decimal(0))
    formula = " + ".join(fmt(values[c]) for c in summed) + f" = {fmt(sum_value)}"
    return TableAnswer(f"{summed[0]}至{summed[-1]}{total.name}测算{fmt(sum_value)}{unit}（{formula}）。",
                       (total,), (formula,))
