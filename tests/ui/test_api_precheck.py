"""`POST /api/precheck` with unknown facts, and batch screening over HTTP, on the real server."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from eval.bench_prechecks import synthetic_csv
from ui.precheck_batch import MAX_BATCH_BYTES


def test_precheck_accepts_a_partial_profile(http: httpx.Client) -> None:
    response = http.post("/api/precheck", json={"org_type": "enterprise", "training_compute_contract_wan": 2500})
    assert response.status_code == 200
    voucher = {item["item_id"]: item for item in response.json()}["sz-training-voucher"]
    assert (voucher["status"], voucher["estimate_wan"]) == ("eligible", 1000.0)
    assert voucher["irrelevant_unknowns"] == ["is_startup"]
    assert voucher["conditions_met"] == "1/1"
    assert voucher["application"]["department"]["citation"]["clause_id"].startswith("sz-ai-pioneer-measures-2024")


def test_an_empty_profile_is_an_overview_not_an_error(http: httpx.Client) -> None:
    response = http.post("/api/precheck", json={})
    assert response.status_code == 200
    assert {item["status"] for item in response.json()} == {"needs_info"}


def test_batch_upload_as_form_and_as_csv_body(http: httpx.Client) -> None:
    text = "单位,主体类型,购买算力的费用（万元）\n甲,法人企业,300\n乙,也许,abc\n"
    form = http.post("/api/precheck/batch", files={"file": ("名单.csv", text.encode("gb18030"), "text/csv")})
    assert form.status_code == 200, form.text
    body = form.json()
    assert (body["profiles"], body["errors"]) == (2, 1)
    assert len(body["rows"]) == 13 and body["columns"][:4] == ["row", "单位", "主体类型", "购买算力的费用（万元）"]
    raw = http.post("/api/precheck/batch", params={"format": "csv"}, content=text.encode("utf-8"),
                    headers={"Content-Type": "text/csv"})
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("text/csv")
    assert "attachment" in raw.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(raw.content.decode("utf-8-sig"))))
    assert rows[-1]["error"] and "主体类型" in rows[-1]["error"]


@pytest.mark.slow
def test_batch_of_20000_rows_over_http(http: httpx.Client) -> None:
    data = synthetic_csv(20_000)
    assert 64 * 1024 < len(data) < MAX_BATCH_BYTES  # over the JSON limit, within the batch's own
    response = http.post("/api/precheck/batch", files={"file": ("big.csv", data, "text/csv")}, timeout=300)
    assert response.status_code == 200
    assert response.json()["profiles"] == 20_000
    assert len(response.json()["rows"]) == 240_000


def test_batch_errors_are_chinese(http: httpx.Client) -> None:
    empty = http.post("/api/precheck/batch", content=b"", headers={"Content-Type": "text/csv"})
    assert empty.status_code == 400 and "CSV" in empty.json()["error"]["message"]
    unknown = http.post("/api/precheck/batch", content="甲,乙\n1,2\n".encode(), headers={"Content-Type": "text/csv"})
    assert unknown.status_code == 422 and "表头" in unknown.json()["error"]["message"]
    too_big = http.post("/api/precheck/batch", content=b"a" * (MAX_BATCH_BYTES + 1),
                        headers={"Content-Type": "text/csv"})
    assert too_big.status_code == 413


def test_template_download(http: httpx.Client) -> None:
    response = http.get("/api/precheck/template.csv")
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf") and "主体类型" in response.content.decode("utf-8-sig")
    assert "/api/precheck/batch" in http.get("/openapi.json").json()["paths"]
