"""Deterministic pre-checks: eligibility and support estimates, every condition and number cited.

- `prechecks.profile`: `EnterpriseProfile` (every field optional), `parse_profile`, `ProfileError` (Chinese,
  names the field);
- `prechecks.rules`: `load_rules` reads the rule files under `prechecks/rules/` into a `RuleSet`;
- `prechecks.compiled`: the rules compiled against a corpus (citations resolved, texts built once);
- `prechecks.engine`: `evaluate(profile, rules, corpus)` → one `PrecheckResult` (`prechecks.results`) per item;
- `prechecks.decide`: deciding with unknown facts (which ones matter, and the alternatives in words);
- `prechecks.batch`: screening a CSV list of profiles against every item;
- `prechecks.lint`: `lint_rules(rules, corpus)` checks every quote and number against the corpus;
- `prechecks.tools`: `make_precheck_tools(rules, corpus)` wraps the engine as LangChain tools.

It depends on `retrieval` (models, corpus text normalisation) only; it never imports `assistant` or `ui`.
"""
