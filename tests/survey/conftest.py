import datetime as dt
from pathlib import Path

import pytest

from fcatlas.survey import tokens
from fcatlas.survey.models import Audience, Questionnaire
from fcatlas.survey.questionnaires import SHIPPED_DIR, add_version
from fcatlas.survey.waves import create_wave

HERE = Path(__file__).parent


@pytest.fixture
def test_form_version(db):
    questionnaire = Questionnaire.objects.create(code="prov", title="Provformulär", for_units=True)
    return add_version(questionnaire, (HERE / "provformular.md").read_bytes(), "provformular.md").version


@pytest.fixture
def organisation_form_version(db):
    questionnaire = Questionnaire.objects.create(code="huvudman", title="Kommun eller region", for_units=False)
    return add_version(questionnaire, (SHIPPED_DIR / "huvudman.md").read_bytes(), "huvudman.md").version


@pytest.fixture
def surveyed_unit(make_unit):
    return make_unit(name="Familjecentralen Enkät", municipality="1280", phone="040-34 10 00",
                     email="enkat@exempel.se", has_coordinator=True, coordinator_fte=0.5)


@pytest.fixture
def lund_unit(make_unit):
    """A unit without an e-mail address: its invitation waits for a coordinator to give one."""
    return make_unit(name="Familjecentralen Lund", municipality="1281")


@pytest.fixture
def wave(test_form_version, organisation_form_version, surveyed_unit, lund_unit):
    today = dt.date.today()
    return create_wave(name="Kartläggning 2026", opens_on=today - dt.timedelta(days=1),
                       closes_on=today + dt.timedelta(days=60), unit_version=test_form_version,
                       organisation_version=organisation_form_version)


@pytest.fixture
def unit_link(wave, surveyed_unit):
    invitation = wave.invitations.get(audience=Audience.UNIT, unit=surveyed_unit)
    return f"/svar/{tokens.link_token(invitation)}/"
