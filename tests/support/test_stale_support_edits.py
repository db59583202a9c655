"""Two people editing the same activity, article or self-assessment: the second save, made from the form as it
was before the first, is refused with a 409 that keeps what was typed; a save that does not say which version it
was opened at is refused too; a new save from the refused form (which now carries the newest version) goes through."""

import pytest
from django.test import Client

from fcatlas.support.models import Article, AssessmentRound, Revision, SupportActivity
from fcatlas.support.team import grant_unit_staff
from posting import opened_revision

pytestmark = pytest.mark.django_db

ACTIVITY = {"activity_type": "dialogue_meeting", "held_on": "2026-02-10", "title": "Dialogmöte om våldsrutiner",
            "description": "", "themes": ["violence"], "region": "", "municipality": "1280", "unit": "",
            "small_area_code": "", "follow_up_on": "", "outcome": "", "participants_midwife": "3"}
ARTICLE = {"kind": "written_here", "title": "Trygghetsvandringar", "summary": "Om att gå runt i området.",
           "body": "", "based_on": "Erfarenheter från Malmö.", "themes": ["vulnerable_areas"]}


def two_people(make_user, role, **scope) -> tuple[Client, Client]:
    clients = []
    for name in ("anna", "bengt"):
        client = Client()
        client.force_login(make_user(role, username=name, **scope))
        clients.append(client)
    return clients[0], clients[1]


@pytest.fixture
def edits(request, make_user, make_unit, support_material):
    """(url to edit, the two editors, what each types, how to read back what is stored) for one kind of record."""
    if request.param == "activity":
        anna, bengt = two_people(make_user, "support_officer")
        anna.post("/stod/insatser/ny/", ACTIVITY)
        activity = SupportActivity.objects.get()
        return (f"/stod/insatser/{activity.pk}/andra/", anna, bengt, ACTIVITY | {"outcome": "Annas utfall"},
                ACTIVITY | {"outcome": "Bengts utfall"}, "Bengts utfall",
                lambda: SupportActivity.objects.get().outcome, ("activity", activity.pk))
    if request.param == "article":
        anna, bengt = two_people(make_user, "support_officer")
        anna.post("/stod/kunskapsbank/ny/", ARTICLE)
        slug = "trygghetsvandringar"
        article = Article.objects.get(slug=slug)
        return (f"/stod/kunskapsbank/{slug}/andra/", anna, bengt, ARTICLE | {"summary": "Annas sammanfattning"},
                ARTICLE | {"summary": "Bengts sammanfattning"}, "Bengts sammanfattning",
                lambda: Article.objects.get(slug=slug).summary, ("article", article.pk))
    unit = make_unit(name="FC Rosengård", municipality="1280")
    anna, bengt = two_people(make_user, "reader")
    for name in ("anna", "bengt"):
        grant_unit_staff(name, unit.pk)
    anna.post(f"/stod/sjalvskattning/enhet/{unit.pk}/ny/")
    assessment = AssessmentRound.objects.get()
    return (f"/stod/sjalvskattning/omgang/{assessment.pk}/", anna, bengt,
            {"taken_part": "Annas grupp", "action": "save"}, {"taken_part": "Bengts grupp", "action": "save"},
            "Bengts grupp", lambda: AssessmentRound.objects.get().taken_part, ("assessment", assessment.pk))


@pytest.mark.parametrize("edits", ["activity", "article", "assessment"], indirect=True)
def test_a_save_from_a_form_opened_before_a_colleagues_save_is_refused_and_keeps_the_typing(edits):
    url, anna, bengt, annas, bengts, bengts_text, stored, (kind, pk) = edits
    annas_revision, bengts_revision = opened_revision(anna, url), opened_revision(bengt, url)
    assert anna.post(url, annas | {"revision": annas_revision}).status_code == 302
    revisions = Revision.objects.filter(kind=kind, object_id=pk).count()

    refused = bengt.post(url, bengts | {"revision": bengts_revision})

    page = refused.content.decode()
    assert refused.status_code == 409
    assert "anna sparade en nyare version" in page and bengts_text in page
    assert stored() != bengts_text and Revision.objects.filter(kind=kind, object_id=pk).count() == revisions
    newest = Revision.objects.filter(kind=kind, object_id=pk).latest("pk").pk
    assert f'name="revision" value="{newest}"' in page, "saving again is a choice made after seeing the conflict"

    again = bengt.post(url, bengts | {"revision": str(newest)})

    assert again.status_code == 302 and stored() == bengts_text


@pytest.mark.parametrize("edits", ["activity", "article", "assessment"], indirect=True)
def test_a_save_that_does_not_say_which_version_it_changes_is_refused(edits):
    url, anna, _, annas, _, _, stored, (kind, pk) = edits
    before = stored()

    refused = anna.post(url, annas)

    assert refused.status_code == 409 and "Formuläret saknar fältet ”revision”" in refused.content.decode()
    assert stored() == before
