"""Whatever a visitor puts in a query string and whatever file an editor uploads: never a 500, never a partial
write, always an error that says where. Generated cases (``strategies``); ``FCATLAS_FUZZ_EXAMPLES`` sets how many
(``benchmarks/fuzz_inputs.py`` runs tens of thousands)."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strategies import any_file, check_import, check_request, check_survey_import, check_upload, csv_files, \
    geojson_files, parameters_read, query_strings, submission_files, url_paths, url_routes, xlsx_files

EXAMPLES = int(os.environ.get("FCATLAS_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(make_unit):
    return [make_unit(name="Familjecentralen Fuzz", municipality="1280", latitude=55.605, longitude=13.0038),
            make_unit(name="Familjecentralen Luddig", municipality="0180",
                      services=("maternal_health", "child_health", "open_preschool", "preventive_social_services"))]


def test_every_page_and_endpoint_refuses_a_nul_character_in_swedish(client, units):
    for path in url_paths():
        path = path.replace("{unit}", str(units[0].pk))
        response = client.get(path, {"region": "12\x00"})
        expected = ("Adressen innehåller ett otillåtet tecken (NUL)" if "%00" in path
                    else "Parametern ”region” innehåller ett otillåtet tecken (NUL)")
        assert response.status_code == 400, path
        assert expected in response.content.decode(), path


def test_every_parameter_with_huge_or_odd_numbers_is_answered_without_a_server_error(client, units, administrator):
    client.force_login(administrator)
    client.raise_request_exception = False
    crashed = []
    for path, names in url_routes().items():
        if "999999" in path or "%00" in path or path.startswith(("/x/", "/svar/x/")):
            continue  # a path to nothing answers 404 or 400 before any parameter is read
        path = path.replace("{unit}", str(units[0].pk))
        if not path.startswith("/api/"):  # the API's parameters are its schema's; a page's, those it asks for
            names = sorted(parameters_read(client, path))
        for name in names:
            for value in ("9" * 20, "-" + "9" * 400, "1e309", "nan"):
                try:
                    check_request(client, path, f"{name}={value}")
                except AssertionError as crash:
                    crashed.append(str(crash))
    assert not crashed, "\n".join(crashed)


@FUZZ
@given(data=st.data())
def test_no_query_string_gives_a_server_error_on_any_page_or_endpoint(client, units, administrator, data):
    if data.draw(st.booleans(), label="logged in"):
        client.force_login(administrator)
    else:
        client.logout()
    path = data.draw(st.sampled_from(url_paths()), label="path").replace("{unit}", str(units[0].pk))
    check_request(client, path, data.draw(query_strings(), label="query"))


@pytest.fixture
def administrator(make_user):
    return make_user("national_administrator")


@pytest.fixture
def editor(make_user):
    return make_user("municipal_coordinator", municipality="1280")


@FUZZ
@given(file=csv_files())
def test_no_csv_file_crashes_the_importer_or_writes_part_of_itself(editor, units, file):
    check_import(editor, *file)


@FUZZ
@given(file=xlsx_files())
def test_no_spreadsheet_crashes_the_importer_or_writes_part_of_itself(editor, units, file):
    check_import(editor, *file)


@FUZZ
@given(file=geojson_files())
def test_no_geojson_file_crashes_the_importer_or_writes_part_of_itself(editor, units, file):
    check_import(editor, *file)


@settings(FUZZ, max_examples=max(10, EXAMPLES // 5))
@given(file=any_file)
def test_the_import_page_answers_every_file_without_a_server_error(client, editor, units, file):
    client.force_login(editor)
    check_upload(client, *file)


@pytest.fixture
def survey_wave(make_unit, units):
    import datetime as dt
    from pathlib import Path

    from fcatlas.survey.models import Questionnaire
    from fcatlas.survey.questionnaires import SHIPPED_DIR, add_version
    from fcatlas.survey.waves import create_wave

    form = Path(__file__).parent / "survey" / "provformular.md"
    unit_form = add_version(Questionnaire.objects.create(code="prov", title="Prov", for_units=True),
                            form.read_bytes(), form.name).version
    organisation_form = add_version(Questionnaire.objects.create(code="huvudman", title="Huvudman", for_units=False),
                                    (SHIPPED_DIR / "huvudman.md").read_bytes(), "huvudman.md").version
    today = dt.date.today()
    return create_wave(name="Fuzz", opens_on=today, closes_on=today + dt.timedelta(days=9), unit_version=unit_form,
                       organisation_version=organisation_form)


@FUZZ
@given(file=submission_files())
def test_no_submission_file_crashes_the_survey_importer_or_writes_part_of_itself(survey_wave, units, file):
    check_survey_import(survey_wave, survey_wave.unit_version, *file, unit_pk=units[0].pk)
