"""LangChain tools: same schema as the profile, same results as the engine, JSON out."""

from __future__ import annotations

import json

import pytest
from langchain_core.tools import StructuredTool

from prechecks.engine import evaluate
from prechecks.profile import EnterpriseProfile, parse_profile
from prechecks.rules import RulesError, load_rules
from prechecks.tools import LIST_TOOL_NAME, PRECHECK_TOOL_NAME, make_precheck_tools

PROFILE = {"org_type": "enterprise", "registered_in_longgang": True, "independent_legal_person": True,
           "tax_in_longgang": True, "stats_in_longgang": True, "compute_expense_wan": 2500}


@pytest.fixture(scope="module")
def tools(rules, corpus):
    return {tool.name: tool for tool in make_precheck_tools(rules, corpus)}


def test_tools_are_structured_with_the_profile_schema(tools) -> None:
    assert set(tools) == {PRECHECK_TOOL_NAME, LIST_TOOL_NAME}
    tool = tools[PRECHECK_TOOL_NAME]
    assert isinstance(tool, StructuredTool)
    assert tool.args_schema is EnterpriseProfile
    assert "compute_expense_wan" in tool.args and "万元" in tool.description


def test_precheck_tool_returns_the_engine_result_as_json(tools, rules, corpus) -> None:
    output = json.loads(tools[PRECHECK_TOOL_NAME].invoke(PROFILE))
    expected = [r.to_dict() for r in evaluate(parse_profile(PROFILE), rules, corpus)]
    assert output == expected
    assert (output[0]["item_id"], output[0]["estimate_wan"]) == ("lg-compute", 600.0)


def test_precheck_tool_as_a_model_tool_call(tools) -> None:
    message = tools[PRECHECK_TOOL_NAME].invoke(
        {"name": PRECHECK_TOOL_NAME, "args": {**PROFILE, "compute_expense_wan": 500},
         "id": "call-1", "type": "tool_call"})
    assert message.tool_call_id == "call-1"
    assert json.loads(message.content)[0]["estimate_wan"] == 150.0


@pytest.mark.parametrize(("args", "field"), [
    ({**PROFILE, "compute_expense_wan": "3000000元"}, "compute_expense_wan"),
    ({**PROFILE, "bogus": 1}, "bogus"),
    ({**PROFILE, "org_type": "公司"}, "org_type"),
])
def test_invalid_arguments_return_a_chinese_error_json(tools, args, field) -> None:
    output = json.loads(tools[PRECHECK_TOOL_NAME].invoke(args))
    assert output["error"]["code"] == "invalid_profile"
    assert field in output["error"]["fields"]
    assert field in output["error"]["message"]


def test_list_tool_describes_every_item(tools) -> None:
    items = json.loads(tools[LIST_TOOL_NAME].invoke({}))
    assert len(items) == 12
    estimable = {item["item_id"] for item in items if item["estimable"]}
    assert estimable == {"lg-compute", "sz-training-voucher", "sz-corpus-voucher"}
    assert next(i for i in items if i["item_id"] == "sz-training-voucher")["amount_field"] == \
        "training_compute_contract_wan"


def test_drifted_rules_cannot_become_tools(rules_copy, corpus) -> None:
    path = rules_copy / "lg-ai-rules.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("wan: 600\n", "wan: 800\n"), encoding="utf-8")
    with pytest.raises(RulesError, match=r"amount.cap.wan"):
        make_precheck_tools(load_rules(rules_copy), corpus)
