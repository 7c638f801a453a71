"""Metadata detected in an imported document's text, for a person to review before publishing.

Pure functions over the body lines and the reader's hints. Nothing here is certain: every field that
was guessed rather than found produces a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from retrieval.models import DRAFT_MARKS
from retrieval.numerals import number_value

_DOC_NUMBER = re.compile(r"([\u4e00-\u9fa5]{1,15})\s*[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]\s*(\d{1,4})\s*号")
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_ISO_DATE = re.compile(r"((?:19|20)\d{2})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?")
_CN_DATE = re.compile(r"([〇一二三四五六七八九零○ＯO]{4})年([一二三四五六七八九十]{1,3})月(?:([一二三四五六七八九十]{1,3})日)?")
_ISSUER = re.compile(r"(人民政府|人民代表大会常务委员会|常务委员会|委员会|办公室|办公厅|[^，。、\s]{2,}局|[^，。、\s]{2,}厅|"
                     r"[^，。、\s]{2,}部|国务院|管理委员会|[^，。、\s]{2,}中心)$")
_EFFECTIVE_FROM = re.compile(r"自\s*((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起(?:施行|实施|执行|生效)")
_FROM_ISSUE = re.compile(r"自(?:印发|发布|公布)之日起(?:施行|实施|执行|生效)")
_EFFECTIVE_TO = re.compile(r"有效期(?:至|到)\s*((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)")
_VALID_YEARS = re.compile(r"有效期(?:为)?\s*([一二三四五12345])\s*年")
_TITLE_WORDS = ("办法", "措施", "细则", "规定", "条例", "通知", "方案", "计划", "意见", "指南", "规划", "决定", "说明",
                "解读", "法", "规程", "公告")
_DOC_TYPES = (("资金管理办法", "fund_regulation"), ("实施细则", "rules"), ("细则", "rules"), ("条例", "regulation"),
              ("行动方案", "action_plan"), ("行动计划", "action_plan"), ("方案", "action_plan"),
              ("意见", "opinions"), ("起草说明", "explanation"), ("说明", "explanation"), ("解读", "interpretation"),
              ("措施", "measures"), ("办法", "measures"), ("法", "law"), ("通知", "notice"), ("公告", "notice"))


@dataclass
class DetectedMeta:
    """Front matter fields detected in a document, and warnings about what was guessed."""

    fields: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def parse_date(text: str) -> str | None:
    """`2024年8月2日` / `2024-08-02` / `二〇二四年八月二日` → ISO (`2024-08-02`, or `2024-08` without a day)."""
    try:
        m = _DATE.search(text) or _ISO_DATE.search(text)
        if m:
            year, month, day = int(m.group(1)), int(m.group(2)), m.group(3) and int(m.group(3))
        else:
            c = _CN_DATE.search(text)
            if not c:
                return None
            # Typeset years write zero as ○, Ｏ or the letter O as well as 〇.
            year = _cn_int(re.sub("[○ＯO]", "〇", c.group(1)))
            month, day = _cn_int(c.group(2)), c.group(3) and _cn_int(c.group(3))
        if day:
            return date(year, month, day).isoformat()
        return date(year, month, 1).isoformat()[:7]
    except ValueError:
        return None


def _cn_int(text: str) -> int:
    """A numeral the date pattern has already matched (二〇二四, 十二, 三十一) as an int."""
    value = number_value(text)
    if value is None:
        raise ValueError(text)
    return int(value)


def doc_number(text: str) -> str | None:
    """The first document number (文号) such as 深龙府规〔2024〕4号, brackets normalised to 〔〕."""
    m = _DOC_NUMBER.search(text)
    if not m:
        return None
    prefix = m.group(1)
    # "关于印发…的通知深龙府规" — keep the number's own prefix (the letters after the last function word).
    prefix = re.split(r"[的和与及于]|通知|关于", prefix)[-1] or prefix
    return f"{prefix}〔{m.group(2)}〕{m.group(3)}号"


def is_draft(title: str) -> bool:
    """True when a title marks a draft (征求意见稿, 送审稿, 草案)."""
    return any(mark.strip("（）()") in title for mark in DRAFT_MARKS)


def language(text: str) -> str:
    """`zh` when CJK characters are a real share of the letters, else `en`."""
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return "zh" if cjk * 3 >= latin else "en"


def _title_from_lines(lines: list[str]) -> str | None:
    """The title: the first paragraphs before any structure, joined when a title runs over two lines."""
    head: list[str] = []
    for line in lines[:8]:
        if not line or line.startswith("|"):
            continue
        if _DOC_NUMBER.fullmatch(line.strip()) or parse_date(line) == line or len(line) > 80 \
                or re.match(r"^(第[一二三四五六七八九十百\d]+[章条节]|[一二三四五六七八九十]+、)", line):
            break
        head.append(line)
        if any(line.endswith(w) or line.endswith(w + "）") or line.endswith(w + ")") for w in _TITLE_WORDS) \
                or is_draft(line):
            return "".join(head)
        if len(head) == 2:
            break
    return head[0] if head else None


def issuer_from(title: str, lines: list[str]) -> str | None:
    """The issuer: what precedes 关于 in the title, else a signature line (before a date) at the end."""
    before, sep, _ = title.partition("关于")
    if sep and _ISSUER.search(before.strip()):
        return before.strip()
    tail = [ln for ln in lines if ln and not ln.startswith("|")][-6:]
    for n, line in enumerate(tail[:-1]):
        if len(line) <= 30 and _ISSUER.search(line) and parse_date(tail[n + 1]):
            return line
    return None


def level_of(issuer: str | None, title: str) -> str | None:
    """District, municipal, provincial or national, from the issuer's (or title's) place name."""
    text = issuer or title
    if re.search(r"[\u4e00-\u9fa5]{1,6}区", text):
        return "district"
    if re.search(r"[\u4e00-\u9fa5]{1,6}市", text):
        return "municipal"
    if re.search(r"[\u4e00-\u9fa5]{1,4}省", text):
        return "provincial"
    if re.search(r"国务院|全国人民代表大会|中华人民共和国|国家|部$", text):
        return "national"
    return None


def doc_type_of(title: str) -> str | None:
    """The document type its title names (资金管理办法 → fund_regulation, 细则 → rules, …)."""
    core = re.sub(r"[（(][^）)]*[)）]$", "", title)
    return next((kind for word, kind in _DOC_TYPES if word in core), None)


def detect(lines: list[str], hints: dict[str, str]) -> DetectedMeta:
    """Detect front matter fields from body lines (paragraphs, tables as `|` rows) and reader hints."""
    result = DetectedMeta()
    text = "\n".join(ln for ln in lines if ln and not ln.startswith("|"))
    found = result.fields
    title = hints.get("title") or _title_from_lines(lines) or hints.get("doc_title") or hints.get("page_title")
    if title:
        found["title"] = re.sub(r"\s+", "", title) if language(title) == "zh" else title.strip()
    number = doc_number(text[:2000])
    if number:
        found["doc_number"] = number
    issuer = hints.get("issuer") or issuer_from(str(found.get("title", "")), lines)
    if issuer:
        found["issuer"] = issuer
    signature = _signature_date(lines)
    published = (hints.get("published") and parse_date(hints["published"])) or signature
    if published:
        found["published"] = published
    m = _EFFECTIVE_FROM.search(text)
    if m:
        found["effective_from"] = parse_date(m.group(1))
    elif _FROM_ISSUE.search(text) and published:
        found["effective_from"] = published
    m = _EFFECTIVE_TO.search(text)
    if m:
        found["effective_to"] = parse_date(m.group(1))
    elif (years := _VALID_YEARS.search(text)) and isinstance(found.get("effective_from"), str) \
            and len(str(found["effective_from"])) == 10:
        start = date.fromisoformat(str(found["effective_from"]))
        n = int(years.group(1)) if years.group(1).isdigit() else "一二三四五".index(years.group(1)) + 1
        # 有效期N年 from the first day runs to the day before its anniversary
        found["effective_to"] = date.fromordinal(date(start.year + n, start.month, start.day).toordinal() - 1).isoformat()
    found["status"] = "draft-for-comment" if title and is_draft(title) else "official"
    found["language"] = language(text)
    level = level_of(issuer, str(title or ""))
    kind = doc_type_of(str(title or ""))
    if level:
        found["level"] = level
    if kind:
        found["doc_type"] = kind
    for name, label in (("title", "标题"), ("doc_number", "文号"), ("issuer", "发文机关"), ("published", "发布日期"),
                        ("level", "层级"), ("doc_type", "文件类型")):
        if name not in found:
            result.warnings.append(f"未识别{label}（{name}），请核对后补充")
    return result


def _signature_date(lines: list[str]) -> str | None:
    """The date a document was signed: a line that is only a date, near the top or the end."""
    plain = [ln.strip() for ln in lines if ln and not ln.startswith("|")]
    for line in plain[-8:][::-1] + plain[:10]:
        if len(line) <= 20 and (parsed := parse_date(line)) and re.fullmatch(r"[\d〇一二三四五六七八九十零○年月日\s.\-/]+",
                                                                             line):
            return parsed
    return None
