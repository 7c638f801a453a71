"""The structure-aware parser: every heading style of the corpus becomes citable clauses with stable ids."""

from __future__ import annotations

from retrieval.models import GAP_MARKER, Corpus
from retrieval.parser import parse_body


def by_locator(body: str, language: str = "zh", doc_id: str = "d") -> dict[str, object]:
    """Clauses and parts' titles by locator, in document order (a title before the first clause under it)."""
    parsed = parse_body(doc_id, body, language)
    ordered = sorted([*parsed.clauses, *parsed.titles], key=lambda c: (c.ordinal, c not in parsed.titles))
    return {c.locator: c for c in ordered}


def titles_of(body: str, language: str = "zh") -> dict[str, object]:
    return {t.locator: t for t in parse_body("d", body, language).titles}


# ------------------------------------------------------------------------ articles, chapters, sections

ARTICLES = """深圳经济特区某某条例
第一章 总则
第一条 为了促进人工智能产业发展，制定本条例。
第二条
本条例适用于深圳经济特区。
第二章 产业基础
第一节 算力
第三条　市人民政府应当统筹算力基础设施建设：
（一）建设公共算力平台；
（二）降低企业使用成本。
第四条 鼓励企业开放数据。
"""


def test_articles_with_text_on_the_heading_line_and_on_the_next_line() -> None:
    clauses = by_locator(ARTICLES)
    assert list(clauses) == ["序言", "第一条", "第二条", "第三条", "第四条"]
    assert clauses["第一条"].text == "第一条 为了促进人工智能产业发展，制定本条例。"
    assert clauses["第二条"].text == "第二条\n本条例适用于深圳经济特区。"
    assert all(c.kind == "article" for loc, c in clauses.items() if loc != "序言")


def test_enumerated_items_stay_inside_their_article() -> None:
    third = by_locator(ARTICLES)["第三条"]
    assert "（一）建设公共算力平台" in third.text and "（二）降低企业使用成本" in third.text
    assert "（一）" not in by_locator(ARTICLES), "an article's items are not clauses of their own"


def test_chapters_and_sections_form_the_heading_path() -> None:
    clauses = by_locator(ARTICLES)
    assert clauses["第一条"].heading_path == ("第一章 总则",)
    assert clauses["第三条"].heading_path == ("第二章 产业基础", "第一节 算力")
    assert clauses["第四条"].heading_path == ("第二章 产业基础", "第一节 算力")
    # Chapter and section headings are not text of any clause.
    assert not any("第二章" in c.text for c in clauses.values())


def test_text_before_the_first_heading_is_the_preamble() -> None:
    preamble = by_locator(ARTICLES)["序言"]
    assert preamble.kind == "preamble" and preamble.text == "深圳经济特区某某条例"


def test_a_long_line_starting_like_a_chapter_is_content_not_a_heading() -> None:
    body = "第一章总则,共4条,阐述专项资金的管理单位、预算安排和使用范围。\n第二章部门职责,共3条。"
    clauses = parse_body("d", body).clauses
    assert len(clauses) == 1 and "第一章总则" in clauses[0].text and "第二章部门职责" in clauses[0].text


def test_an_article_mentioned_inside_a_sentence_starts_no_clause() -> None:
    clauses = by_locator("第一条 依照本条例第十二条的规定执行。\n第十二条规定的事项另行公布。\n")
    assert list(clauses) == ["第一条"] and "第十二条规定的事项" in clauses["第一条"].text


# ------------------------------------------------------------------------ outlines: 一、 （一） (一)

OUTLINE = """关于某某的实施意见
一、总体目标
到2025年，产业规模突破3000亿元。
二、主要任务
（一）做强算力。支持建设智能算力中心。
(二)发放“训力券”。按不超过合同金额的50%给予资助。
三、保障措施 （一）加强组织领导。建立联席会议机制。
"""


def test_first_and_second_level_items_get_combined_locators() -> None:
    clauses = by_locator(OUTLINE)
    assert list(clauses) == ["序言", "一、", "二、", "二、（一）", "二、（二）", "三、", "三、（一）"]
    assert clauses["一、"].kind == "section" and clauses["二、（一）"].kind == "item"


def test_half_width_brackets_get_the_full_width_locator_and_keep_their_text() -> None:
    item = by_locator(OUTLINE)["二、（二）"]
    assert item.text.startswith("(二)发放“训力券”") and "50%" in item.text
    assert item.heading_path == ("二、主要任务",)


def test_a_first_level_heading_with_an_inline_second_level_item() -> None:
    item = by_locator(OUTLINE)["三、（一）"]
    assert item.heading_path == ("三、保障措施",)
    assert item.text == "（一）加强组织领导。建立联席会议机制。"


def test_a_bare_first_level_title_is_a_title_clause_and_a_first_level_text_a_clause() -> None:
    clauses = by_locator(OUTLINE)
    # A title with no text of its own heads its items, and is held as written, to be quoted when it is asked.
    assert clauses["二、"].text == "二、主要任务" and clauses["二、"].heading_path == ("二、主要任务",)
    assert clauses["三、"].text == "三、保障措施"  # its first item on the same line
    assert set(titles_of(OUTLINE)) == {"二、", "三、"}
    assert clauses["一、"].text == "一、总体目标\n到2025年，产业规模突破3000亿元。"


def test_a_number_without_a_title_is_no_clause() -> None:
    assert list(by_locator("一、\n（一）做强算力。\n")) == ["一、（一）"]


def test_a_first_level_heading_line_carrying_its_own_text_keeps_it() -> None:
    clauses = by_locator("一、总体要求。到2025年，规模突破3000亿元。\n二、主要任务\n（一）做强算力。\n")
    assert clauses["一、"].text == "一、总体要求。到2025年，规模突破3000亿元。"


def test_english_outline_numbers() -> None:
    body = ("Preamble text.\n1. Enhancing the supply of AI computing power\n(1) Guaranteeing resources\n"
            "Longgang would develop its computing power pool.\n(2) Increasing supply\n"
            "30% of its computing power expenses, up to 6 million yuan.\n2. Goals. By 2026 the district "
            "will host 20 new AI enterprises.\n")
    clauses = by_locator(body, language="en")
    assert list(clauses) == ["序言", "1.", "1.(1)", "1.(2)", "2."]
    assert set(titles_of(body, "en")) == {"1."}
    assert clauses["1.(2)"].heading_path == ("1. Enhancing the supply of AI computing power",)
    assert "6 million yuan" in clauses["1.(2)"].text
    assert "20 new AI enterprises" in clauses["2."].text


def test_full_and_half_width_punctuation_are_kept_as_published() -> None:
    clauses = by_locator("一、任务\n(一)支持企业,按不超过50%资助;\n（二）支持高校，按不超过30％资助；\n")
    assert clauses["一、（一）"].text == "(一)支持企业,按不超过50%资助;"
    assert clauses["一、（二）"].text == "（二）支持高校，按不超过30％资助；"


def test_repeated_locators_stay_unique() -> None:
    clauses = parse_body("d", "一、甲\n（一）子项。\n一、甲\n（一）又一子项。\n").clauses
    ids = [c.clause_id for c in clauses]
    assert len(ids) == len(set(ids)) == 2 and ids[1] == "d#一、（一）~2"
    titles = parse_body("d", "一、甲\n（一）子项。\n一、甲\n（一）又一子项。\n").titles
    assert [(t.clause_id, t.ordinal) for t in titles] == [("d#一、", 0), ("d#一、~2", 1)]


# ------------------------------------------------------------------------ tables

TABLE = """五、经费测算
本细则三年所需资金预估约为47520万元。
表1 未来三年所需资金测算表（万元）

| 序号 | 项目名称 | 2024年 | 2025年 |
|---|---|---|---|
| 1 | 人工智能算力扶持 | 12000 | 12000 |
| 4 | 具身智能机器人应用扶持 | 30 | 90 |
|  | 总计 | 12030 | 12090 |
表注：数据为预估。
六、绩效目标
新增企业20家。
"""


def test_each_table_row_is_a_clause_with_the_title_and_headers() -> None:
    clauses = by_locator(TABLE)
    row = clauses["表1/4"]
    assert row.kind == "table_row"
    assert row.shown_text == "表1 未来三年所需资金测算表（万元）｜序号：4｜项目名称：具身智能机器人应用扶持｜2024年：30｜2025年：90"
    # The row as printed stays in the text, so that a search for the printed row finds it; quotes leave it out.
    assert row.text == row.shown_text + "｜原表格行：| 4 | 具身智能机器人应用扶持 | 30 | 90 |"
    assert row.heading_path == ("五、经费测算", "表1 未来三年所需资金测算表（万元）")
    assert clauses["表1/总计"].shown_text.endswith("项目名称：总计｜2024年：12030｜2025年：12090")
    assert not any("---" in c.text for c in clauses.values()), "the separator row is no content"


def test_text_around_a_table_stays_with_its_section() -> None:
    clauses = by_locator(TABLE)
    assert "47520万元" in clauses["五、"].text
    continuation = [c for c in clauses.values() if "表注" in c.text]
    assert len(continuation) == 1 and continuation[0].locator.startswith("五、")
    assert "序言" not in clauses
    assert clauses["六、"].text == "六、绩效目标\n新增企业20家。"


def test_two_tables_in_a_row_and_a_table_inside_an_article() -> None:
    clauses = by_locator("五、测算\n说明。\n表1 甲表\n| 项目 | 金额 |\n|---|---|\n| 算力 | 2 |\n"
                         "表2 乙表\n| 项目 | 金额 |\n|---|---|\n| 租金 | 4 |\n六、目标\n新增企业。\n")
    assert list(clauses) == ["五、", "表1/算力", "表2/租金", "六、"]
    assert clauses["表2/租金"].shown_text == "表2 乙表｜项目：租金｜金额：4"
    article = by_locator("第一条 资金安排见下表。\n表3 资金表\n\n| 年度 | 金额 |\n|---|---|\n| 2025年 | 90 |\n"
                         "第二条 本办法自印发之日起施行。\n")
    assert list(article) == ["第一条", "表3/2025年", "第二条"]
    assert article["表3/2025年"].shown_text == "表3 资金表｜年度：2025年｜金额：90"


# ------------------------------------------------------------------------ gaps

def test_the_gap_marker_is_recorded_never_text() -> None:
    body = ("第一条 总则。\n第二条 专项资金用于扶持人工智能企业，对符合条件的" + GAP_MARKER
            + "\n" + GAP_MARKER + "\n")
    parsed = parse_body("d", body)
    assert [c.locator for c in parsed.clauses] == ["第一条", "第二条"]
    assert parsed.clauses[1].text.endswith("对符合条件的")
    assert parsed.gaps == (2,), "a gap at the end is recorded once, at the clause count"
    assert not any(GAP_MARKER in c.text for c in parsed.clauses)


def test_a_gap_at_the_start_and_in_the_middle() -> None:
    body = f"{GAP_MARKER}\n一、任务\n（一）甲项。\n{GAP_MARKER}\n（三）丙项。\n"
    parsed = parse_body("d", body)
    assert parsed.gaps == (0, 1)
    assert [c.locator for c in parsed.clauses] == ["一、（一）", "一、（三）"]


# ------------------------------------------------------------------------ the real corpus

def test_real_corpus_ids_users_cite(corpus: Corpus) -> None:
    article = corpus.clause("sz-ai-industry-regulation-2022#第十二条")
    assert article is not None and article.text.startswith("第十二条")
    assert article.heading_path == ("第一章 总则",)
    item = corpus.clause("sz-ai-pioneer-measures-2024#一、（二）")
    assert item is not None and "训力券" in item.text and "60%" in item.text
    assert item.heading_path == ("一、丰富生态要素供给",)
    inline = corpus.clause("sz-ai-pioneer-measures-2024-draft#一、（一）")
    assert inline is not None and inline.heading_path == ("一、加速模型研发迭代",)
    english = corpus.clause("lg-ai-measures-en#1.(2)")
    assert english is not None and "6 million yuan" in english.text


def test_real_corpus_table_row_carries_title_and_header(corpus: Corpus) -> None:
    row = corpus.clause("lg-ai-rules-explainer#表1/4")
    assert row is not None and row.kind == "table_row"
    for part in ("资金测算表", "项目名称：具身智能机器人应用扶持", "2025年：90"):
        assert part in row.text
    # "2025年具身智能机器人应用扶持预算" is answerable from this row's text and context alone.
    context = " ".join([*row.heading_path, row.text])
    assert "2025年" in context and "具身智能机器人应用扶持" in context and "万元" in context


def test_real_corpus_gaps_are_metadata_not_text(corpus: Corpus) -> None:
    assert not any(GAP_MARKER in c.text for c in corpus.clauses)
    for doc_id, doc in corpus.documents.items():
        source = (corpus_path(doc_id)).read_text(encoding="utf-8")
        if GAP_MARKER in source:
            assert doc.gaps and doc.is_partial, doc_id
            assert all(0 <= g <= len(corpus.doc_clauses(doc_id)) for g in doc.gaps)
        else:
            assert doc.gaps == ()
    assert corpus.documents["sz-ai-pioneer-action-plan-2024"].gaps[0] == 0
    full = corpus.documents["sz-ai-industry-regulation-2022"]
    assert not full.is_partial


def test_real_corpus_ids_are_unique_and_well_formed(corpus: Corpus) -> None:
    ids = [c.clause_id for c in corpus.clauses]
    assert len(ids) == len(set(ids))
    for clause in corpus.clauses:
        assert clause.clause_id == f"{clause.doc_id}#{clause.locator}"
        assert clause.text.strip()
    for doc_id in corpus.documents:
        ordinals = [c.ordinal for c in corpus.doc_clauses(doc_id)]
        assert ordinals == list(range(len(ordinals)))


def corpus_path(doc_id: str):
    from assistant.settings import PROJECT_ROOT

    return PROJECT_ROOT / "corpus" / "policies" / f"{doc_id}.md"


def test_an_article_heading_run_into_its_text_is_still_a_heading() -> None:
    # Copies taken from PDFs often lose the space after "第一条"; a line citing articles is no heading.
    clauses = by_locator("第一条为规范专项资金管理，制定本办法。\n第二条、第三条规定的事项由区政府另定。\n第二条 本办法自发布之日起施行。\n")
    assert list(clauses) == ["第一条", "第二条"]
    assert clauses["第一条"].text.startswith("第一条为规范专项资金管理")
    assert "第二条、第三条规定的事项" in clauses["第一条"].text
