"""A short run of the load benchmark (eval/bench_load.py): the real app as a child process, 0 errors."""

from __future__ import annotations

import json

import pytest

from assistant.settings import Settings
from eval import bench_load


def test_workload_is_varied_and_valid() -> None:
    import random

    rng = random.Random(1)
    questions = {bench_load.ask_body(rng)["question"] for _ in range(200)}
    assert len(questions) > 150, "questions should rarely repeat (the query cache must not flatter)"
    for _ in range(50):
        steps = bench_load.search_steps(rng)
        assert 1 <= len(steps) <= 3 and all(step["q"] for step in steps)
        profile = bench_load.precheck_profile(rng)
        assert {"org_type", "registered_in_longgang", "independent_legal_person"} <= set(profile)


@pytest.mark.slow
def test_short_load_run_has_no_errors(built_settings: Settings, policy_assistant: object,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code = bench_load.main(["--users", "4", "--seconds", "5", "--no-page", "--report", "-", "--json",
                            "--data-dir", str(built_settings.data_dir), "--startup-timeout", "180"])
    result = json.loads(capsys.readouterr().out)
    assert result["errors"] == 0, result
    assert result["routes"]["/api/ask"]["ok"] > 0 and result["routes"]["/api/search"]["ok"] > 0, result
    assert code == 0, result
