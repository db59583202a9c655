"""The registry's rules, held by every writer: ``save_unit``, the edit form and the importer refuse the same bad
records with the same Swedish messages."""

import io
from datetime import date

import pytest
from django.db.models import CharField, DecimalField, TextField
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fcatlas.registry.editing import _model_value, normalised, save_unit
from fcatlas.registry.forms import UnitForm
from fcatlas.registry.importing import plan_import
from fcatlas.registry.models import Unit
from fcatlas.registry.rules import RuleViolation, problems
from fcatlas.registry.vocabulary import SCALAR_KEYS

pytestmark = pytest.mark.django_db

BASE = {"name": "Familjecentralen Regel", "municipality_id": "1280", "status": "active",
        "services": {"child_health": {"principal": "region"}, "open_preschool": {"principal": "municipality"}}}
BASE_FORM = {"name": "Familjecentralen Regel", "municipality": "1280", "status": "active",
             "service_child_health": "on", "service_child_health_principal": "region",
             "service_child_health_operating_form": "own_management", "service_child_health_fully_co_located": "on",
             "service_open_preschool": "on", "service_open_preschool_principal": "municipality",
             "service_open_preschool_operating_form": "own_management",
             "service_open_preschool_fully_co_located": "on"}
BASE_CSV = {"namn": "Familjecentralen Regel", "kommun": "Malmö", "status": "i drift", "bvc": "ja",
            "öppen förskola": "ja"}

# Each bad case: (what is wrong, record changes, form changes, CSV columns).
CASES = [
    ("closed without a closing date", {"status": "closed"}, {"status": "closed"}, {"status": "nedlagd"}),
    ("closing before opening while still open", {"opened_on": "2021-03-01", "closed_on": "2020-01-01"},
     {"opened_on": "2021-03-01", "closed_on": "2020-01-01"}, {"öppnade": "2021-03-01", "stängde": "2020-01-01"}),
    ("175 midwives", {"staffing": {"midwife": 175}}, {"staffing_midwife": "175"}, {"bemanning": "barnmorska: 175"}),
    ("negative staffing", {"staffing": {"child_health_nurse": -3}}, {"staffing_child_health_nurse": "-3"},
     {"bemanning": "bvc-sjuksköterska: -3"}),
    ("a coordinator's FTE without a coordinator", {"has_coordinator": False, "coordinator_fte": 0.5},
     {"has_coordinator": "false", "coordinator_fte": "0.5"}, {"samordnare": "nej", "samordnare årsarbetare": "0,5"}),
    ("a private provider without a name",
     {"services": {"child_health": {"principal": "private"}, "open_preschool": {"principal": "municipality"}}},
     {"service_child_health_principal": "private"}, {"huvudman bvc": "privat"}),
    ("children's ages the wrong way round", {"children_age_from": 6, "children_age_to": 2},
     {"children_age_from": "6", "children_age_to": "2"}, {"barn från ålder": "6", "barn till och med ålder": "2"}),
    ("an e-mail address that is not one", {"email": "anna(at)exempel.se"}, {"email": "anna(at)exempel.se"},
     {"e-post": "anna(at)exempel.se"}),
    ("a phone number that is not one", {"phone": "ring oss"}, {"phone": "ring oss"}, {"telefon": "ring oss"}),
    ("a point far outside its kommun", {"latitude": 67.85, "longitude": 20.22}, {"latitude": "67.85", "longitude": "20.22"},
     {"latitud": "67,85", "longitud": "20,22"}),
]


def from_save_unit(changes: dict) -> list[str]:
    record = BASE | changes
    with pytest.raises(RuleViolation) as refused:
        save_unit(None, record, source="manual_edit")
    return sorted(problem.message for problem in refused.value.problems)


def posted(changes: dict) -> dict:
    """What the create form posts: every field's initial value (as the browser sends it), BASE_FORM, changes."""
    form = UnitForm()
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False, "")}
    return data | BASE_FORM | changes


def from_form(client, changes: dict) -> list[str]:
    response = client.post("/enheter/ny/", posted(changes))
    assert response.status_code == 200, "the form must not save a bad record"
    form = response.context["form"]
    return sorted(message for messages in form.errors.values() for message in messages)


def from_importer(columns: dict) -> list[str]:
    row = BASE_CSV | columns
    text = ";".join(row) + "\n" + ";".join(row.values()) + "\n"
    plan = plan_import(io.BytesIO(text.encode()).getvalue(), "enheter.csv")
    assert plan.rows[0].action == "error"
    return sorted(message.text for message in plan.rows[0].messages)


@pytest.mark.parametrize("case, record_changes, form_changes, csv_columns", CASES, ids=[c[0] for c in CASES])
def test_every_writer_refuses_a_bad_record_with_the_same_messages(client, make_user, case, record_changes,
                                                                   form_changes, csv_columns):
    client.force_login(make_user("national_administrator"))

    expected = from_save_unit(record_changes)

    assert expected, case
    assert from_form(client, form_changes) == expected
    assert from_importer(csv_columns) == expected
    assert not Unit.objects.exists()


def test_the_messages_say_what_is_wrong_in_swedish():
    found = {p.field: p.message for p in problems(normalised(BASE | {"status": "closed", "staffing": {"midwife": 175.0},
                                                                     "coordinator_fte": 1.234}))}
    assert found == {
        "closed_on": "Ange när enheten stängde.",
        "staffing.midwife": "Barnmorska: årsarbetare ska vara ett tal över 0 och högst 25 vid en enhet, med högst "
                            "två decimaler, inte 175.",
        "coordinator_fte": "Samordnarens årsarbetare ska vara ett tal över 0 och högst 5, med högst två decimaler, "
                           "inte 1,234.",
    }


@pytest.mark.parametrize("changes, field", [
    ({"services": {"child_health": {"principal": ""}}}, "services.child_health.principal"),
    ({"services": {"child_health": {"principal": "alien"}}}, "services.child_health.principal"),
    ({"services": {"child_health": {"principal": "region", "operating_form": "pirate"}}},
     "services.child_health.operating_form"),
    ({"services": {"rocket_science": {"principal": "region"}}}, "services"),
    ({"staffing": {"wizard": 1.0}}, "staffing"),
    ({"languages": ["klingon"]}, "languages"),
    ({"opening_hours": [{"days": "MO", "opens": "16:00", "closes": "08:00"}]}, "opening_hours"),
    ({"name": "Solen\x00"}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"website": "ftp://exempel.se"}, "website"),
    ({"children_age_to": 40}, "children_age_to"),
    ({"closed_on": "2099-01-01", "status": "closed"}, "closed_on"),
])
def test_save_unit_refuses_what_the_importer_and_form_never_let_through(changes, field):
    with pytest.raises(RuleViolation) as refused:
        save_unit(None, BASE | changes, source="manual_edit")
    assert field in [p.field for p in refused.value.problems]
    assert not Unit.objects.exists()


def test_a_good_record_has_no_problems():
    assert problems(normalised(BASE | {"opened_on": "2019-08-15", "staffing": {"midwife": 1.5},
                                       "email": "solen@exempel.se", "phone": "040-12 34 56",
                                       "languages": ["sv", "ar"]})) == []


def test_the_form_requires_the_version_it_was_loaded_at(client, make_user, make_unit):
    unit = make_unit(name="Familjecentralen Version", municipality="1280")
    client.force_login(make_user("national_administrator"))
    data = posted({"name": "Utan version"})

    response = client.post(f"/enheter/{unit.pk}/andra/", data)

    assert response.status_code == 200
    assert "Formuläret saknar versionen du utgick från." in response.content.decode()
    unit.refresh_from_db()
    assert (unit.name, unit.version) == ("Familjecentralen Version", 1)


def test_after_saving_the_page_says_how_many_fields_changed(client, make_user, make_unit):
    unit = make_unit(name="Familjecentralen Sparad", municipality="1280")
    client.force_login(make_user("national_administrator"))
    data = posted({"name": "Familjecentralen Sparad", "version": "1", "phone": "040-12 34 56",
                   "email": "sparad@exempel.se", "opening_hours": "mån–fre 8–16"})

    response = client.post(f"/enheter/{unit.pk}/andra/", data, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == unit.get_absolute_url()
    assert "Sparat: 3 fält ändrade (telefon, e-post, öppettider)." in page
    assert page.index("Så når du enheten") < page.index("Verksamheter och klassificering") < page.index("Ändringshistorik")
    assert "040-12 34 56" in page and "mån–fre 8.00–16.00" in page


def test_a_text_field_given_as_nothing_is_stored_as_empty_text_not_refused_by_the_database():
    unit = save_unit(None, BASE | {"street_address": None, "phone": None}, source="manual_edit").unit
    unit.refresh_from_db()
    assert (unit.street_address, unit.phone) == ("", "")


def _near_the_limits(field):
    """Values a writer might hand a model field: its choices, text about its length limit, numbers about its
    bounds, dates, and the wrong type."""
    anything = st.one_of(st.none(), st.booleans(), st.integers(-5, 30), st.floats(allow_nan=True),
                         st.text(max_size=8), st.dates().map(date.isoformat))
    if isinstance(field, CharField | TextField):
        limit = field.max_length or 1000
        return st.one_of(anything, st.sampled_from([value for value, _ in field.choices or []] or [""]),
                         st.text(alphabet="abc1 ", min_size=limit - 1, max_size=limit + 1))
    if isinstance(field, DecimalField):
        return st.one_of(anything, st.decimals(places=3, min_value=-1, max_value=10_000).map(float))
    return anything


EDITABLE = [name for name in SCALAR_KEYS if name not in ("source", "source_detail")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(EDITABLE).flatmap(
    lambda name: st.tuples(st.just(name), _near_the_limits(Unit._meta.get_field(name)))), max_size=3).map(dict))
def test_rules_cover_fields(changes):
    # save_units leaves Django's field validation out for a record the rules passed in an import's plan; that is
    # safe only if every value the rules let through is one the model's fields take.
    record = normalised(BASE | changes) | {"source": "import_file", "source_detail": "fil.csv"}
    assume(not problems(record, known_methods=set()))
    unit = Unit()
    for name in SCALAR_KEYS:
        setattr(unit, name, _model_value(name, record[name]))
    unit.clean_fields(exclude=["municipality", "email", "website", "languages", "classification",
                               "fully_co_located", "completeness", "version"])
