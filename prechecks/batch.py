"""Batch screening: one profile per CSV row in, one row per profile and support item out.

Headers are the contract's field names or their Chinese labels (``纳税地在龙岗区``, ``购买算力的费用（万元）``);
a header that nearly matches one is reported, never silently ignored; other columns (a company name)
are carried to the output. Files may be UTF-8 (with or without BOM) or GB18030, as Excel writes them.
Flags read 是/否, true/false, 1/0 (blank or 不确定: unknown); `activities` are item ids or names
separated by ``;``. A row that cannot be read gets its message in the ``error`` column and the batch
goes on. Pure functions of their inputs; the CLI and the API do the I/O.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from prechecks.engine import evaluate
from prechecks.numbers import fmt_cent, to_decimal
from prechecks.profile import (
    AMOUNT_FIELDS,
    FIELD_LABELS,
    FLAG_FIELDS,
    ORG_TYPE_LABELS,
    SUPPORT_ITEM_IDS,
    EnterpriseProfile,
    ProfileError,
    parse_profile,
)
from prechecks.rules import RuleSet
from retrieval.models import Corpus

# Headers accepted besides the field name and its label (FIELD_LABELS): the wording of the contract table.
_MORE_HEADERS: dict[str, tuple[str, ...]] = {
    "org_type": ("申报主体类型", "单位类型"),
    "registered_in_longgang": ("在龙岗区行政区域内依法登记注册",),
    "independent_legal_person": ("具有独立法人资格",),
    "is_startup": ("是否初创企业",),
    "compute_expense_wan": ("购买算力的费用（万元）",),
    "training_compute_contract_wan": ("租用智能算力开展大模型训练的服务合同金额",),
    "corpus_contract_wan": ("通过数据交易平台购买非关联方语料的合同金额",),
    "activities": ("开展事项", "扶持项目"),
}
_TRUE = frozenset({"是", "true", "1", "yes", "y", "t"})
_FALSE = frozenset({"否", "false", "0", "no", "n", "f"})
_UNKNOWN = frozenset({"", "不确定", "未知", "不清楚", "null", "none", "-", "—"})
_ORG_BY_TEXT = {**{key: key for key in ORG_TYPE_LABELS}, **{label: key for key, label in ORG_TYPE_LABELS.items()},
                "企业": "enterprise"}
_UNIT_SUFFIX = re.compile(r"[（(]\s*万元\s*[)）]$")
_SEPARATORS = re.compile(r"[;；]")
NEAR_MISS_CUTOFF = 0.75

OUTPUT_COLUMNS: tuple[str, ...] = (
    "item_id", "name", "status", "status_label", "estimate_wan", "conditions_met", "formula", "missing",
    "irrelevant_unknowns", "warnings", "error")


def _key(header: str) -> str:
    """A header as compared: NFKC, no spaces, lower case, without a trailing （万元）."""
    text = unicodedata.normalize("NFKC", header).strip().lower().replace(" ", "")
    return _UNIT_SUFFIX.sub("", unicodedata.normalize("NFKC", text))


def _header_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for name in FIELD_LABELS:
        for header in (name, FIELD_LABELS[name], *_MORE_HEADERS.get(name, ())):
            table[_key(header)] = name
    return table


HEADERS = _header_table()


class BatchError(ValueError):
    """A file that cannot be screened at all (encoding, no header); the message is Chinese."""


@dataclass
class Batch:
    """The screened table: output columns and rows, and warnings about the file."""

    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    profiles: int = 0
    errors: int = 0


def decode(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (BOM optional), else GB18030 (Excel on Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BatchError("文件编码无法识别：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV 文件")


def _flag(field_name: str, raw: str) -> bool | None:
    text = unicodedata.normalize("NFKC", raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text in _UNKNOWN:
        return None
    raise ProfileError([(field_name, f"{FIELD_LABELS[field_name]}应填写“是”或“否”（不清楚可留空），收到“{raw}”")])


def _amount(field_name: str, raw: str) -> Any:
    text = unicodedata.normalize("NFKC", raw).strip().replace(",", "")
    if text.lower() in _UNKNOWN:
        return None
    text = re.sub(r"万元?$", "", text)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return raw  # the profile check explains it (a 元 figure, words …) naming the field
    return float(number) if number.is_finite() else raw


def _activities(raw: str, names: dict[str, str]) -> list[str]:
    out = []
    for part in _SEPARATORS.split(unicodedata.normalize("NFKC", raw)):
        part = part.strip()
        if part:
            out.append(names.get(part, part))  # an unknown id is named by the profile check
    return out


def row_profile(values: dict[str, str], names: dict[str, str]) -> EnterpriseProfile:
    """One CSV row (field → cell text) as a profile; `ProfileError` names the field in Chinese."""
    data: dict[str, Any] = {}
    problems: list[tuple[str | None, str]] = []
    for name, raw in values.items():
        try:
            if name == "org_type":
                text = unicodedata.normalize("NFKC", raw).strip()
                if text.lower() not in _UNKNOWN:
                    data[name] = _ORG_BY_TEXT.get(text, _ORG_BY_TEXT.get(text.lower(), text))
            elif name in FLAG_FIELDS:
                data[name] = _flag(name, raw)
            elif name in AMOUNT_FIELDS:
                data[name] = _amount(name, raw)
            elif name == "activities":
                data[name] = _activities(raw, names)
        except ProfileError as exc:
            problems.extend(exc.problems)
    try:
        profile = parse_profile(data)
    except ProfileError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ProfileError(problems)
    return profile


def _near_miss(header: str) -> str | None:
    close = difflib.get_close_matches(_key(header), list(HEADERS), n=1, cutoff=NEAR_MISS_CUTOFF)
    return HEADERS[close[0]] if close else None


def _map_headers(headers: Sequence[str]) -> tuple[dict[int, str], list[str]]:
    """Column index → field, and warnings about near misses and duplicates."""
    mapping: dict[int, str] = {}
    warnings: list[str] = []
    for index, header in enumerate(headers):
        name = HEADERS.get(_key(header))
        if name is None:
            guess = _near_miss(header) if header.strip() else None
            if guess is not None:
                warnings.append(f"第{index + 1}列表头“{header}”与字段 {guess}（{FIELD_LABELS[guess]}）相近但不一致，"
                                f"未作为该字段读取（按附加列保留）；如是该字段，请把表头改为“{FIELD_LABELS[guess]}”")
            continue
        if name in mapping.values():
            warnings.append(f"第{index + 1}列表头“{header}”与前面的列重复（字段 {name}），只读取第一列")
            continue
        mapping[index] = name
    return mapping, warnings


def _cells(result: Any, seen: dict[int, tuple[Any, list[str]]]) -> list[str]:
    """The output cells of one item result; the engine repeats result objects, so they are built once each."""
    known = seen.get(id(result))
    if known is not None:
        return known[1]
    cells = [result.item_id, result.name, result.status, result.status_label,
            fmt_cent(to_decimal(result.estimate_wan)) if result.estimate_wan is not None else "",
            result.conditions_met, result.formula, "；".join(m.question for m in result.missing),
            "、".join(FIELD_LABELS[f] for f in result.irrelevant_unknowns), "；".join(result.warnings), ""]
    seen[id(result)] = (result, cells)  # the result is kept so that its id is not reused
    return cells


def screen_rows(records: Iterator[list[str]], rules: RuleSet, corpus: Corpus) -> Batch:
    """Screen parsed CSV records (the first is the header) against every support item."""
    try:
        headers = next(records)
    except StopIteration:
        raise BatchError("文件是空的：第一行应为表头，之后每行一个单位") from None
    mapping, warnings = _map_headers(headers)
    if not mapping:
        raise BatchError("表头中没有可识别的字段：请使用模板中的表头（如“主体类型”“纳税地在龙岗区”）")
    batch = Batch(columns=["row", *headers, *OUTPUT_COLUMNS], warnings=warnings)
    names: dict[str, str] = {item.name: item.item_id for item in rules.items}
    blank_tail = [""] * (len(OUTPUT_COLUMNS) - 1)
    seen: dict[int, tuple[Any, list[str]]] = {}
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue
        kept = (record + [""] * len(headers))[:len(headers)]
        batch.profiles += 1
        values = {name: kept[index] for index, name in mapping.items()}
        try:
            profile = row_profile(values, names)
        except ProfileError as exc:
            batch.errors += 1
            batch.rows.append([str(number), *kept, *blank_tail, "；".join(exc.messages)])
            continue
        for result in evaluate(profile, rules, corpus, item_ids=SUPPORT_ITEM_IDS):
            batch.rows.append([str(number), *kept, *_cells(result, seen)])
    return batch


def screen_csv(data: bytes | str, rules: RuleSet, corpus: Corpus) -> Batch:
    """Screen a whole CSV file (bytes in any accepted encoding, or text)."""
    text = decode(data) if isinstance(data, bytes) else data
    return screen_rows(csv.reader(io.StringIO(text, newline="")), rules, corpus)


def to_csv(batch: Batch) -> str:
    """The output table as CSV text (write it as UTF-8 with BOM so that Excel opens it in Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(batch.columns)
    writer.writerows(batch.rows)
    return out.getvalue()


def template_csv() -> str:
    """A template to fill in: the Chinese headers and one example row (the README explains each column)."""
    headers = ["单位名称", *(FIELD_LABELS[name] + ("（万元）" if name in AMOUNT_FIELDS else "")
                          for name in FIELD_LABELS)]
    filled = {"org_type": "法人企业", "registered_in_longgang": "是", "independent_legal_person": "是",
              "tax_in_longgang": "是", "stats_in_longgang": "是", "is_startup": "否", "compute_expense_wan": "300",
              "activities": "lg-compute;lg-model-dev"}
    example = ["示例科技有限公司", *(filled.get(name, "") for name in FIELD_LABELS)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([headers, example])
    return out.getvalue()
