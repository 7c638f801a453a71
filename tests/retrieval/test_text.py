"""Text normalisation: a question and a clause written with other widths, scripts or dashes still match."""

from __future__ import annotations

from retrieval.text import compact, fold, strip_controls


def test_fold_unifies_width_script_case_dashes_and_spaces() -> None:
    assert fold("ＡＩ 訓練　２０２３—２０２４年  算力券") == "ai 训练 2023-2024年 算力券"
    assert fold("（一）支持企业，按不超过５０％资助；") == "(一)支持企业,按不超过50%资助;"
    assert fold("2023–2024") == fold("2023-2024") == fold("2023－2024") == "2023-2024"
    assert fold("  GPU\t租赁\n") == "gpu 租赁"


def test_fold_removes_control_and_zero_width_characters() -> None:
    assert fold("训\x00力\u200b券\ufeff") == "训力券"
    assert strip_controls("a\x07b\u202ec\nd") == "abc\nd", "newlines are whitespace, not controls"


def test_compact_is_the_evaluation_normal_form() -> None:
    assert compact(" 法治审核情况：暂未开展。 ") == "法治审核情况:暂未开展。"
    assert compact("30% of its\ncomputing power") == "30%ofitscomputingpower"
