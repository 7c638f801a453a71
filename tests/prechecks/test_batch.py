"""Batch screening: CSV in (contract names or Chinese labels, UTF-8/BOM/GB18030), one row per profile × item."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from prechecks.batch import OUTPUT_COLUMNS, BatchError, screen_csv, template_csv, to_csv
from prechecks.profile import SUPPORT_ITEM_IDS
from ui.cli import main


def table(batch) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(to_csv(batch))))


def test_the_template_screens_cleanly_into_every_item(rules, corpus) -> None:
    batch = screen_csv(template_csv().encode("utf-8-sig"), rules, corpus)
    rows = table(batch)
    assert (batch.profiles, batch.errors, batch.warnings) == (1, 0, [])
    assert [r["item_id"] for r in rows] == list(SUPPORT_ITEM_IDS)
    assert all(r["单位名称"] == "示例科技有限公司" and r["error"] == "" for r in rows)
    compute = rows[0]
    assert (compute["status"], compute["estimate_wan"], compute["conditions_met"]) == ("eligible", "90.00", "5/5")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_field_names_labels_and_yes_no_spellings(rules, corpus, encoding) -> None:
    text = ("企业名称,org_type,在龙岗区行政区域内依法登记注册,independent_legal_person,纳税地在龙岗区,"
            "stats_in_longgang,is_startup,training_compute_contract_wan,activities\n"
            "甲公司,法人企业,1,true,是,TRUE,否,\"1,500\",sz-training-voucher；大模型自主开发扶持\n")
    rows = table(screen_csv(text.encode(encoding), rules, corpus))
    by_item = {r["item_id"]: r for r in rows}
    assert by_item["sz-training-voucher"]["estimate_wan"] == "750.00"
    assert by_item["lg-model-dev"]["status"] == "not_estimable"
    assert by_item["lg-compute"]["status"] == "needs_info"  # listed as an output row though not asked for
    assert rows[0]["企业名称"] == "甲公司"


def test_a_bad_row_gets_an_error_and_the_batch_goes_on(rules, corpus) -> None:
    text = ("名称,主体类型,在龙岗区登记注册,购买算力的费用（万元）\n"
            "坏,公司,也许,-5\n"
            "好,社会团体,是,100\n")
    batch = screen_csv(text, rules, corpus)
    rows = table(batch)
    assert (batch.profiles, batch.errors) == (2, 1)
    bad = [r for r in rows if r["名称"] == "坏"]
    assert len(bad) == 1 and bad[0]["item_id"] == ""
    assert "在龙岗区登记注册" in bad[0]["error"] and "主体类型" in bad[0]["error"] and "不能为负数" in bad[0]["error"]
    good = [r for r in rows if r["名称"] == "好"]
    assert len(good) == 12 and good[0]["row"] == "3"


def test_a_near_miss_header_is_warned_and_kept(rules, corpus) -> None:
    batch = screen_csv("主体类型,纳税地在龙岗,备注\n法人企业,是,x\n", rules, corpus)
    assert len(batch.warnings) == 1
    assert "纳税地在龙岗" in batch.warnings[0] and "tax_in_longgang" in batch.warnings[0]
    assert table(batch)[0]["纳税地在龙岗"] == "是"


def test_unknown_cells_are_unknown_facts_not_errors(rules, corpus) -> None:
    rows = table(screen_csv("主体类型,纳税地在龙岗区,购买算力的费用\n,不确定,\n", rules, corpus))
    assert {r["status"] for r in rows} == {"needs_info"} and all(r["error"] == "" for r in rows)
    assert "贵单位属于哪类主体" in rows[0]["missing"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "空"), ("甲,乙\n1,2\n".encode(), "没有可识别的字段"), (b"\xff\xfe\x00\xd8\x00", "编码"),
])
def test_unusable_files_are_refused_in_chinese(rules, corpus, data, message) -> None:
    with pytest.raises(BatchError, match=message):
        screen_csv(data, rules, corpus)


def test_output_columns_follow_the_input_columns(rules, corpus) -> None:
    batch = screen_csv("公司,主体类型\n乙,个人\n", rules, corpus)
    assert batch.columns == ["row", "公司", "主体类型", *OUTPUT_COLUMNS]
    assert {r["status"] for r in table(batch)} == {"ineligible"}


def test_cli_batch_and_template(tmp_path: Path, capsys) -> None:
    template = tmp_path / "template.csv"
    assert main(["precheck", "--template", str(template)]) == 0
    out = tmp_path / "out.csv"
    assert main(["precheck", "--batch", str(template), "--out", str(out)]) == 0
    assert "已筛查 1 个单位" in capsys.readouterr().out
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    assert len(list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))) == 12


def test_cli_batch_needs_both_paths(tmp_path: Path, capsys) -> None:
    assert main(["precheck", "--batch", str(tmp_path / "x.csv")]) == 2
    assert "--out" in capsys.readouterr().err
