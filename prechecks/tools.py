"""LangChain tool wrappers, so that an LLM agent can call the same deterministic pre-check.

The tools return JSON text. The pre-check tool's argument schema is `EnterpriseProfile` itself, so the
model sees exactly the fields, types and units (万元) that the CLI and the HTTP API accept.
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ConfigDict, ValidationError

from prechecks.engine import compiled_rules, evaluate
from prechecks.lint import ensure_clean
from prechecks.profile import EnterpriseProfile, ProfileError, parse_profile, profile_error
from prechecks.rules import RuleSet
from retrieval.models import Corpus

PRECHECK_TOOL_NAME = "precheck_support_items"
LIST_TOOL_NAME = "list_support_items"

PRECHECK_DESCRIPTION = (
    "根据企业画像，对龙岗区人工智能产业扶持的10个申报项目和深圳市“训力券”“语料券”做申报自测。"
    "返回 JSON 列表，每个项目含 item_id、name、status（eligible 符合 | ineligible 不符合 | "
    "needs_info 需补充信息 | not_estimable 无法测算金额）、estimate_wan（测算金额，万元，或 null）、"
    "formula（计算过程）、reasons（每条依据及引用条款）、citations、missing（需追问的问题）、caveats。"
    "所有金额字段的单位都是万元（300 表示 300 万元）；不清楚的是否类字段填 null，不要猜。"
    "只会报告画像中给出金额或在 activities 中列明的项目；都没有时报告全部项目。"
)
LIST_DESCRIPTION = (
    "列出可自测的扶持项目：编号、名称、别名、测算所需的金额字段，以及已收录文件是否公布了扶持标准。"
)


class _NoArgs(BaseModel):
    """The listing tool takes no arguments."""

    model_config = ConfigDict(extra="forbid")


def _error_json(error: ProfileError) -> str:
    return json.dumps({"error": {"code": "invalid_profile", "message": str(error),
                                 "fields": [field for field, _ in error.problems if field]}},
                      ensure_ascii=False)


def _validation_error_json(exc: ValidationError) -> str:
    return _error_json(profile_error(exc))


def catalogue(rules: RuleSet) -> list[dict[str, Any]]:
    """What the listing tool returns: one entry per support item, in rule order."""
    return [{
        "item_id": item.item_id,
        "name": item.name,
        "synonyms": list(item.synonyms),
        "amount_field": item.activity.amount_field,
        "estimable": item.estimable,
        "applicants": rules.condition_sets[item.applicants].title,
    } for item in rules.items]


def make_precheck_tools(rules: RuleSet, corpus: Corpus) -> list[BaseTool]:
    """The pre-check and item-listing tools bound to `rules` and `corpus`.

    Raises `RulesError` when the rules do not pass the linter: drifted numbers must never reach users.
    """
    ensure_clean(rules, corpus)
    compiled_rules(rules, corpus)  # compile now so that the first tool call is as fast as the rest

    def precheck(**fields: Any) -> str:
        try:
            profile = parse_profile(fields)
        except ProfileError as exc:
            return _error_json(exc)
        return json.dumps([result.to_dict() for result in evaluate(profile, rules, corpus)],
                          ensure_ascii=False)

    def list_items() -> str:
        return json.dumps(catalogue(rules), ensure_ascii=False)

    return [
        StructuredTool.from_function(
            func=precheck, name=PRECHECK_TOOL_NAME, description=PRECHECK_DESCRIPTION,
            args_schema=EnterpriseProfile, handle_validation_error=_validation_error_json,
        ),
        StructuredTool.from_function(
            func=list_items, name=LIST_TOOL_NAME, description=LIST_DESCRIPTION, args_schema=_NoArgs,
        ),
    ]
