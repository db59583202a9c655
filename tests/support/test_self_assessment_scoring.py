"""Scoring a self-assessment is a pure function: the theme means, the weakest themes, the Swedish explanation,
and comparison across rubric versions on the criteria they share."""

import json
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from fcatlas.support.scoring import LEVELS, check_definition, compare, criterion_keys, score, shared_keys

RUBRIC = json.loads((Path(__file__).resolve().parents[2] / "data" / "support" / "sjalvskattning-v1.json")
                    .read_text(encoding="utf-8"))
DEFINITION = {"themes": RUBRIC["themes"]}
KEYS = criterion_keys(DEFINITION)


def answers(levels: dict) -> dict:
    return {key: {"level": level, "evidence": "", "action_plan": ""} for key, level in levels.items()}


def test_the_shipped_rubric_covers_every_theme_of_the_remit():
    check_definition(DEFINITION)
    assert [theme["code"] for theme in DEFINITION["themes"]] == [
        "co_location", "governance", "vulnerable_areas", "violence", "equal_parenting", "language_development",
        "older_children", "health_promotion"]
    assert any("heders" in c["text"] for c in DEFINITION["themes"][3]["criteria"])


def test_a_theme_scores_the_mean_of_its_answered_criteria_and_names_the_weakest():
    levels = {key: 3 for key in KEYS} | {"violence.routine": 1, "violence.honour": 2, "violence.child_perspective": 1,
                                          "equal_parenting.fathers": 2, "equal_parenting.foreign_born": 2}
    result = score(DEFINITION, answers(levels))
    violence = result.theme("violence")
    assert violence.mean_level == pytest.approx(4 / 3)
    assert violence.percent == pytest.approx((4 / 3 - 1) / 3 * 100)
    assert result.weakest == ("violence", "equal_parenting")
    assert "att förebygga och upptäcka våld (nivå 1,3 av 4)" in result.explanation
    assert "jämställt föräldraskap och pappors delaktighet (nivå 2,0 av 4)" in result.explanation
    assert result.explanation.startswith("16 av 16 kriterier är besvarade; medelnivån är 2,6 av 4.")
    assert "Starkast" not in result.explanation  # eleven criteria tie at level 3: no single strongest theme


def test_unanswered_criteria_are_left_out_and_said_so():
    result = score(DEFINITION, answers({"co_location.services": 4}))
    assert result.answered == 1 and result.mean_level == 4
    assert result.theme("governance").mean_level is None
    assert "Obesvarade kriterier räknas inte" in result.explanation
    assert score(DEFINITION, {}).explanation == "Inget av de 16 kriterierna är besvarat ännu, så det finns inget resultat."


def test_a_level_outside_one_to_four_does_not_count():
    result = score(DEFINITION, answers({"co_location.services": 7, "co_location.joint_work": 2}))
    assert result.theme("co_location").answered == 1 and result.theme("co_location").mean_level == 2


def test_two_rubric_versions_compare_on_the_criteria_they_share():
    second = {"themes": [dict(theme, criteria=[c for c in theme["criteria"] if c["key"] != "violence.honour"])
                         for theme in DEFINITION["themes"]]}
    second["themes"][0]["criteria"].append({"key": "co_location.new", "text": "Ny fråga", "levels": ["a", "b", "c", "d"]})
    before = answers({key: 2 for key in KEYS} | {"violence.honour": 4})
    after = answers({key: 3 for key in criterion_keys(second)})
    changes, keys = compare((DEFINITION, before), (second, after))
    assert "violence.honour" not in keys and "co_location.new" not in keys and len(keys) == 15
    violence = next(change for change in changes if change.code == "violence")
    assert (violence.before, violence.after, violence.difference) == (2, 3, 1)
    assert shared_keys(DEFINITION, DEFINITION) == KEYS


def test_a_malformed_rubric_is_refused_naming_the_criterion():
    broken = {"themes": [{"code": "x", "title": "X", "criteria": [{"key": "x.a", "text": "A", "levels": ["1", "2"]}]}]}
    with pytest.raises(ValueError, match="'x.a'"):
        check_definition(broken)


@given(st.dictionaries(st.sampled_from(KEYS), st.sampled_from(LEVELS)))
def test_every_score_lies_between_the_lowest_and_highest_level_given(levels):
    result = score(DEFINITION, answers(levels))
    if levels:
        assert min(levels.values()) <= result.mean_level <= max(levels.values())
        assert 0 <= result.percent <= 100
        assert all(result.theme(code).mean_level < 3 for code in result.weakest)
    else:
        assert result.mean_level is None and result.weakest == ()
