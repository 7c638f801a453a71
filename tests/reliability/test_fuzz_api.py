"""Property-based fuzz of every API route from the app's OpenAPI schema (schemathesis + hypothesis).

Valid and invalid inputs (wrong types, missing fields, out-of-range numbers, odd strings) for every
operation: no 5xx, every 4xx in the contract's JSON error shape with a Chinese message. The number of
examples is bounded so the default suite stays fast; `PA_FUZZ_EXAMPLES` raises it for a longer run.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from rel_helpers import ADMIN_TOKEN, is_chinese

from assistant.service import PolicyAssistant
from assistant.settings import Settings
from ui.admin import build_admin_router
from ui.api import build_router
from ui.app import create_app

MAX_EXAMPLES = int(os.environ.get("PA_FUZZ_EXAMPLES", "25"))


def api_openapi() -> dict:
    """The OpenAPI document of the API routes, without building an index (collection stays instant)."""
    app = FastAPI(title="政策通 API", version="0.1.0")
    app.include_router(build_admin_router())
    app.include_router(build_router())
    return app.openapi()


# Built at import: schemathesis' fixture-based loader does not support pytest 9 yet.
schema = schemathesis.openapi.from_dict(api_openapi())


@pytest.fixture(scope="module")
def fuzz_app(mini_settings: Settings, mini_assistant: PolicyAssistant) -> FastAPI:
    """The real app over the small corpus; admin routes on (the fuzzer uses the token for reads only)."""
    return create_app(mini_settings, assistant=mini_assistant, web=False)


def test_fuzzed_schema_is_the_apps_schema(fuzz_app: FastAPI) -> None:
    """The schema the fuzzer generates from lists exactly the app's API operations."""
    assert fuzz_app.openapi()["paths"] == api_openapi()["paths"]
    operations = {f"{m.upper()} {p}" for p, item in api_openapi()["paths"].items() for m in item}
    assert {"POST /api/ask", "GET /api/search", "POST /api/precheck", "GET /api/documents",
            "GET /api/documents/{doc_id}", "GET /api/clauses/{clause_id}", "POST /api/feedback",
            "POST /api/admin/reindex", "GET /api/admin/feedback", "GET /healthz"} <= operations


@pytest.fixture()
def count_calls(record_property) -> Iterator[Counter[str]]:
    seen: Counter[str] = Counter()
    yield seen
    operation = next((k for k in seen if " " in k), "?")
    classes = ", ".join(f"{k} {v}" for k, v in sorted(seen.items()) if " " not in k)
    record_property(operation, f"{seen[operation]} examples ({classes})")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_error_and_json_errors(case: schemathesis.Case, fuzz_app: FastAPI,
                                         count_calls: Counter[str]) -> None:
    """Every operation, valid and invalid inputs: never 5xx; each 4xx is JSON {"error": {code, message}}."""
    headers = {}
    if case.operation.method.upper() == "GET" and case.operation.path.startswith("/api/admin/"):
        headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"  # reads with the token; re-index never
    response = case.call(app=fuzz_app, headers=headers)
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    count_calls[operation] += 1
    count_calls[f"{response.status_code // 100}xx"] += 1
    assert response.status_code < 500, (response.status_code, response.text[:300], case.as_curl_command())
    if 400 <= response.status_code < 500:
        assert response.headers["content-type"][0].startswith("application/json"), response.headers
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
        assert is_chinese(body["error"]["message"]), body
