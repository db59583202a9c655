"""The answers engine on a test form: skip logic, calculations, constraints, required answers, types, choice filters
and repeats, evaluated on the server from the form's own XForm."""

from pathlib import Path

import pytest

from fcatlas.survey import engine
from fcatlas.survey.xlsform import compile_xlsform

FORM = compile_xlsform((Path(__file__).parent / "provformular.md").read_bytes(), "provformular.md").definition


def answered(**answers) -> dict:
    result = engine.empty_answers(FORM)
    for path, value in answers.items():
        engine.set_answer(FORM, result, "/data/" + path.replace("__", "/"), value)
    return result


def test_an_untouched_form_asks_for_its_required_answers_only_where_they_apply():
    evaluation = engine.evaluate(FORM, engine.empty_answers(FORM))
    assert evaluation.errors == {
        "/data/enheten/namn": "Skriv enhetens namn.",
        "/data/enheten/samordnare": "Frågan måste besvaras.",
        "/data/verksamheter/verksamheter_pa_plats": "Frågan måste besvaras.",
        "/data/program/grupp[1]/grupp_namn": "Frågan måste besvaras.",
    }
    assert not evaluation.applies("/data/enheten/samordnare_tid")
    assert not evaluation.applies("/data/verksamheter/bvc/bvc_huvudman")  # its group does not apply


def test_skip_logic_shows_a_question_and_removes_its_answer_when_it_no_longer_applies():
    answers = answered(enheten__samordnare="ja", enheten__samordnare_tid="0,5")
    evaluation = engine.evaluate(FORM, answers)
    assert evaluation.applies("/data/enheten/samordnare_tid")
    assert evaluation.answers["enheten"]["samordnare_tid"] == "0.5"  # decimal comma read as a number

    engine.set_answer(FORM, answers, "/data/enheten/samordnare", "nej")
    evaluation = engine.evaluate(FORM, answers)
    assert not evaluation.applies("/data/enheten/samordnare_tid")
    assert evaluation.answers["enheten"]["samordnare_tid"] == ""


def test_constraints_types_and_choices_give_the_forms_own_messages():
    evaluation = engine.evaluate(FORM, answered(
        enheten__telefon="ring oss", enheten__oppnade="2099-01-01", enheten__samordnare="ja",
        enheten__samordnare_tid="7", verksamheter__verksamheter_pa_plats="child_health",
        verksamheter__bvc__bvc_huvudman="private", verksamheter__bvc__bvc_driftsform="own_management"))
    errors = evaluation.errors
    assert errors["/data/enheten/telefon"] == "Skriv telefonnumret med siffror."
    assert errors["/data/enheten/oppnade"] == "Datumet kan inte ligga i framtiden."
    assert errors["/data/enheten/samordnare_tid"] == "Mellan 0 och 5 årsarbetare."
    # the choice filter offers a private principal only contracting and choice schemes
    assert errors["/data/verksamheter/bvc/bvc_driftsform"] == "”own_management” är inget av svarsalternativen."
    node = FORM.node("/data/verksamheter/bvc/bvc_driftsform")
    assert [c.value for c in evaluation.choices(node, node.path)] == ["contracted", "choice_scheme"]


@pytest.mark.parametrize("path, value, message", [
    ("program__grupp[1]__grupp_antal", "tolv", "Skriv ett heltal, till exempel 12."),
    ("enheten__samordnare_tid", "en halv", "Skriv ett tal, till exempel 0,5."),
    ("enheten__oppnade", "2023-02-30", "Datumet 2023-02-30 finns inte."),
    ("enheten__samordnare", "kanske", "”kanske” är inget av svarsalternativen."),
    ("enheten__namn", "a\x00b", "Svaret innehåller ett otillåtet tecken (NUL); skriv om det."),
])
def test_an_answer_of_the_wrong_kind_is_refused_with_what_to_write(path, value, message):
    answers = answered(**({"enheten__samordnare": "ja"} | {path: value}))
    assert engine.evaluate(FORM, answers).errors["/data/" + path.replace("__", "/")] == message


def test_calculations_follow_the_answers_and_notes_show_them():
    evaluation = engine.evaluate(FORM, answered(verksamheter__verksamheter_pa_plats="child_health maternal_health"))
    assert evaluation.answers["verksamheter"]["antal_verksamheter"] == "2"
    note = FORM.node("/data/verksamheter/antal_not")
    assert evaluation.applies(note.path)
    assert "".join(part if isinstance(part, str) else evaluation.output(part[1])
                   for part in note.label.parts("Svenska (sv)", FORM.default_language)) == "Ni har valt 2 verksamheter."


def test_repeats_are_added_answered_and_removed_and_a_removed_last_one_stays_removed():
    answers = engine.empty_answers(FORM)
    second = engine.add_repeat(FORM, answers, "/data/program/grupp")
    assert second == "/data/program/grupp[2]"
    engine.set_answer(FORM, answers, "/data/program/grupp[1]/grupp_antal", "3")
    engine.set_answer(FORM, answers, second + "/grupp_antal", "4")
    evaluation = engine.evaluate(FORM, answers)
    assert evaluation.instances("/data/program/grupp") == ["/data/program/grupp[1]", "/data/program/grupp[2]"]
    assert evaluation.answers["program"]["antal_traffar"] == "7"

    engine.remove_repeat(answers, "/data/program/grupp[1]")
    engine.remove_repeat(answers, "/data/program/grupp[1]")
    evaluation = engine.evaluate(FORM, answers)
    assert evaluation.answers["program"]["grupp"] == []
    assert evaluation.instances("/data/program/grupp") == []


def test_a_path_the_form_does_not_have_is_refused():
    with pytest.raises(engine.AnswerPathError):
        engine.set_answer(FORM, {}, "/data/enheten/finns_inte", "x")
    with pytest.raises(engine.AnswerPathError):
        engine.set_answer(FORM, {}, "/data/program/grupp/grupp_namn", "x")  # which instance?
