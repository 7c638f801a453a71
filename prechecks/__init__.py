"""Deterministic pre-checks: eligibility and support estimates, every condition and number cited.

- `prechecks.profile`: `EnterpriseProfile`, `parse_profile`, `ProfileError` (Chinese, names the field);
- `prechecks.rules`: `load_rules` reads the rule files under `prechecks/rules/` into a `RuleSet`;
- `prechecks.engine`: `evaluate(profile, rules, corpus)` → one `PrecheckResult` per support item;
- `prechecks.lint`: `lint_rules(rules, corpus)` checks every quote and number against the corpus;
- `prechecks.tools`: `make_precheck_tools(rules, corpus)` wraps the engine as LangChain tools.

It depends on `retrieval` (models, corpus text normalisation) only; it never imports `assistant` or `ui`.
"""
