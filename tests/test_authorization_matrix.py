"""Every address the site answers, as every role: allowed or refused, as this matrix says. An address added
without a row here fails the test, so that nobody adds a page without deciding who may use it.

"Refused" is what a person who may not use a page gets: the login page for a visitor, 403 or 404 (a hidden
object) for everyone else. "Allowed" is any other answer but a 500: the page, a download, a redirect after an
action, or a Swedish 400 for an empty form. Action addresses are tried with an empty POST."""

import datetime as dt
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

sys.path.insert(0, str(Path(__file__).resolve().parent))
from strategies import _patterns  # noqa: E402

pytestmark = pytest.mark.django_db

ROLES = ("visitor", "reader", "municipal", "regional", "national", "support", "unit_staff")
EVERYONE = set(ROLES)
LOGGED_IN = EVERYONE - {"visitor"}
EDITORS = {"municipal", "regional", "national"}
RULES = {
    "everyone": EVERYONE,
    "logged_in": LOGGED_IN,
    "editors": EDITORS,                                   # coordinators of the place and national administrators
    "editors_elsewhere": {"national"},                     # a unit in Stockholm: neither Skåne's coordinators
    "national": {"national"},
    "support_staff": {"national", "support"},
    "support_readers": {"national", "support", "municipal", "regional", "unit_staff"},
    "unit_staff": {"unit_staff"},                          # the unit's own staff, nobody else
    "respondent": EVERYONE,                                # the personal link is the credential
    "nobody": set(),
}

GET, POST = "GET", "POST"
MATRIX = {
    "": ("everyone", GET, "/"),
    "hitta/": ("everyone", GET, "/hitta/?q=211+19"),
    "hitta/enheter.geojson": ("everyone", GET, "/hitta/enheter.geojson"),
    "om/": ("everyone", GET, "/om/"),
    "hjalp/": ("everyone", GET, "/hjalp/"),
    "kontakt/": ("everyone", GET, "/kontakt/"),
    "personuppgifter/": ("everyone", GET, "/personuppgifter/"),
    "tillganglighet/": ("everyone", GET, "/tillganglighet/"),
    "region/": ("everyone", GET, "/region/"),
    "region/<str:code>/": ("everyone", GET, "/region/12/"),
    "kommun/": ("everyone", GET, "/kommun/"),
    "kommun/<str:code>/": ("everyone", GET, "/kommun/1280/"),
    "enheter/": ("everyone", GET, "/enheter/"),
    "enheter/ny/": ("editors", GET, "/enheter/ny/"),
    "enheter/<int:pk>/": ("everyone", GET, "/enheter/{unit_a}/"),
    "enheter/<int:pk>/andra/": ("editors", GET, "/enheter/{unit_a}/andra/"),
    "enheter/<int:pk>/ta-bort/": ("editors_elsewhere", POST, "/enheter/{unit_b}/ta-bort/"),
    "enheter/historik/<int:number>/": ("everyone", GET, "/enheter/historik/{unit_a}/"),
    "enheter/import/": ("editors", GET, "/enheter/import/"),
    "enheter/import/jobb/<int:pk>/": ("national", GET, "/enheter/import/jobb/{import_job}/"),  # its owner too
    "konto/logga-in/": ("everyone", GET, "/konto/logga-in/"),
    "konto/logga-ut/": ("everyone", POST, "/konto/logga-ut/"),
    "konto/": ("logged_in", GET, "/konto/"),
    "konto/mina-enheter/": ("logged_in", GET, "/konto/mina-enheter/"),
    "planering/": ("editors", GET, "/planering/"),
    "planering/forslag/": ("editors", GET, "/planering/forslag/"),
    "planering/prioritet/": ("everyone", GET, "/planering/prioritet/"),
    "stod/prioritering/": ("support_staff", GET, "/stod/prioritering/"),
    "planering/scenarier/": ("editors", GET, "/planering/scenarier/"),
    "planering/scenarier/spara/": ("editors", POST, "/planering/scenarier/spara/"),
    "planering/scenarier/<int:pk>/": ("editors", GET, "/planering/scenarier/{scenario}/"),
    "planering/scenarier/<int:pk>/ta-bort/": ("national", POST, "/planering/scenarier/{scenario}/ta-bort/"),
    "svar/<str:token>/": ("respondent", GET, "/svar/{token}/"),
    "svar/<str:token>/sida/<int:number>/": ("respondent", GET, "/svar/{token}/sida/1/"),
    "svar/<str:token>/spara/": ("respondent", POST, "/svar/{token}/spara/"),
    "svar/<str:token>/skicka-in/": ("respondent", POST, "/svar/{token}/skicka-in/"),
    "svar/<str:token>/kvitto/": ("respondent", GET, "/svar/{token}/kvitto/"),
    "kartlaggning/": ("editors", GET, "/kartlaggning/"),
    "kartlaggning/ny/": ("national", GET, "/kartlaggning/ny/"),
    "kartlaggning/<int:pk>/": ("editors", GET, "/kartlaggning/{wave}/"),
    "kartlaggning/<int:pk>/utskick/": ("national", POST, "/kartlaggning/{wave}/utskick/"),
    "kartlaggning/utskick/<int:pk>/": ("national", GET, "/kartlaggning/utskick/{mailing}/"),
    "kartlaggning/<int:pk>/saknas/": ("editors", GET, "/kartlaggning/{wave}/saknas/"),
    "kartlaggning/<int:pk>/inbjudan/<int:invitation>/vidarebefordra/": (
        "editors", POST, "/kartlaggning/{wave}/inbjudan/{invitation}/vidarebefordra/"),
    "kartlaggning/<int:pk>/svarsfrekvens.xlsx": ("editors", GET, "/kartlaggning/{wave}/svarsfrekvens.xlsx"),
    "kartlaggning/<int:pk>/svar.<str:fmt>": ("editors", GET, "/kartlaggning/{wave}/svar.csv"),
    "kartlaggning/<int:pk>/granska/": ("national", GET, "/kartlaggning/{wave}/granska/"),
    "kartlaggning/<int:pk>/las-in/": ("national", GET, "/kartlaggning/{wave}/las-in/"),
    "kartlaggning/svar/<int:pk>/granska/": ("national", GET, "/kartlaggning/svar/{response}/granska/"),
    "kartlaggning/formular/": ("national", GET, "/kartlaggning/formular/"),
    "kartlaggning/formular/<slug:code>/ny-version/": ("national", POST, "/kartlaggning/formular/enhet/ny-version/"),
    "kartlaggning/formular/version/<int:pk>.<str:fmt>": ("editors", GET, "/kartlaggning/formular/version/{form}.xml"),
    "stod/": ("logged_in", GET, "/stod/"),
    "stod/insatser/": ("support_readers", GET, "/stod/insatser/"),
    "stod/insatser/ny/": ("support_staff", GET, "/stod/insatser/ny/"),
    "stod/insatser/<int:pk>/": ("support_readers", GET, "/stod/insatser/{activity}/"),
    "stod/insatser/<int:pk>/andra/": ("support_staff", GET, "/stod/insatser/{activity}/andra/"),
    "stod/sjalvskattning/": ("support_readers", GET, "/stod/sjalvskattning/"),
    "stod/sjalvskattning/enhet/<int:unit>/": ("support_readers", GET, "/stod/sjalvskattning/enhet/{unit_a}/"),
    "stod/sjalvskattning/enhet/<int:unit>/ny/": ("unit_staff", POST, "/stod/sjalvskattning/enhet/{unit_a}/ny/"),
    "stod/sjalvskattning/omgang/<int:pk>/": ("support_readers", GET, "/stod/sjalvskattning/omgang/{round}/"),
    "stod/kunskapsbank/": ("logged_in", GET, "/stod/kunskapsbank/?q=v%C3%A5ld"),
    "stod/kunskapsbank/ny/": ("support_staff", GET, "/stod/kunskapsbank/ny/"),
    "stod/kunskapsbank/<slug:slug>/": ("logged_in", GET, "/stod/kunskapsbank/fraga-om-vald-pa-familjecentralen/"),
    "stod/kunskapsbank/<slug:slug>/andra/": ("support_staff", GET,
                                             "/stod/kunskapsbank/fraga-om-vald-pa-familjecentralen/andra/"),
    "stod/sammanstallning/": ("support_staff", GET, "/stod/sammanstallning/"),
    "oversikt/": ("everyone", GET, "/oversikt/"),
    "oversikt/enheter.geojson": ("everyone", GET, "/oversikt/enheter.geojson"),
    "oversikt/figur/<slug:figure_id>.svg": ("everyone", GET, "/oversikt/figur/per-plats.svg"),
    "rapporter/": ("everyone", GET, "/rapporter/"),
    "rapporter/ny/": ("editors", POST, "/rapporter/ny/"),
    "rapporter/<int:pk>/": ("national", GET, "/rapporter/{report}/"),
    "rapporter/<int:pk>/text/": ("national", GET, "/rapporter/{report}/text/"),
    "rapporter/<int:pk>/faststall/": ("national", POST, "/rapporter/{report}/faststall/"),
    "rapporter/<int:pk>/fil/": ("national", POST, "/rapporter/{report}/fil/"),
    "rapporter/<int:pk>/figur/<slug:figure_id>.svg": ("national", GET, "/rapporter/{report}/figur/figur-per-region.svg"),
    "rapporter/filer/<int:pk>/": ("national", GET, "/rapporter/filer/{report_file}/"),
    "<str:kind>/<str:code>/profil/": ("everyone", GET, "/kommun/1280/profil/"),
    "<str:kind>/<str:code>/profil/pdf/": ("logged_in", POST, "/kommun/1280/profil/pdf/"),
    "<str:kind>/<str:code>/profil/figur/<slug:figure_id>.svg": ("everyone", GET,
                                                                 "/region/12/profil/figur/figur-per-municipality.svg"),
    "i18n/setlang/": ("everyone", POST, "/i18n/setlang/"),
}
API_SAMPLES = {"api/v1/regions/<code>": "12", "api/v1/municipalities/<code>": "1280", "api/v1/units/<unit_id>": "{unit_a}",
               **{f"api/hsds/{kind}/<id>": f"{{hsds_{kind}}}" for kind in
                  ("services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms")}}
"""The APIs are open data for everyone; an endpoint with a placeholder is tried with an existing object's key.
``api/v1/`` itself is no endpoint (the API's pages are under it), so it answers 404 to everyone."""
HSDS_KINDS = ("services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms")


@pytest.fixture
def world(make_unit, make_user):
    from fcatlas.planning.scenarios import save_scenario
    from fcatlas.registry.models import ImportJob
    from fcatlas.reports.issuing import new_report, request_file
    from fcatlas.reports.scopes import NATIONAL
    from fcatlas.support.activities import save_activity
    from fcatlas.support.assessments import start_round
    from fcatlas.support.loading import load_support
    from fcatlas.support.team import grant_unit_staff
    from fcatlas.survey import mailing, tokens
    from fcatlas.survey.answering import open_response
    from fcatlas.survey.models import Audience, Response, ResponseStatus
    from fcatlas.survey.questionnaires import install_shipped
    from fcatlas.survey.waves import create_wave

    unit_a = make_unit(name="FC Rosengård", municipality="1280", latitude=55.585, longitude=13.04,
                       email="rosengard@exempel.se")
    unit_b = make_unit(name="FC Rinkeby", municipality="0180", latitude=59.388, longitude=17.93)
    users = {"reader": make_user("reader"), "municipal": make_user("municipal_coordinator", municipality="1280"),
             "regional": make_user("regional_coordinator", region="12"),
             "national": make_user("national_administrator"), "support": make_user("support_officer"),
             "unit_staff": make_user("reader", username="personal")}
    grant_unit_staff("personal", unit_a.pk)
    load_support()
    installed = {item.version.questionnaire.code: item.version for item in install_shipped()}
    today = dt.date.today()
    wave = create_wave(name="Kartläggning 2026", opens_on=today - dt.timedelta(days=1),
                       closes_on=today + dt.timedelta(days=30), unit_version=installed["enhet"],
                       organisation_version=installed["huvudman"])
    invitation = wave.invitations.get(audience=Audience.UNIT, unit=unit_a)
    response = open_response(invitation)
    # Sent in as the review page expects it (the answers themselves do not matter for who may see them).
    Response.objects.filter(pk=response.pk).update(status=ResponseStatus.SUBMITTED, submitted_at=timezone.now(),
                                                   receipt="K-MATRIS")
    scenario = save_scenario(name="Prov", description="", query="region=12&radie=2000&add=13.0,55.6", user=users["national"])
    report = new_report(NATIONAL, user=users["national"], year=2025)
    activity = save_activity(None, {"activity_type": "training", "held_on": "2026-02-10", "title": "Utbildning",
                                    "themes": ["violence"], "unit": str(unit_a.pk)}, users["support"])
    import_job = ImportJob.objects.create(token="x", filename="enheter.csv", rows=1000, requested_by=users["national"])
    values = {"import_job": import_job.pk, "unit_a": unit_a.pk, "unit_b": unit_b.pk, "wave": wave.pk, "invitation": invitation.pk,
              "response": response.pk, "token": tokens.link_token(invitation), "form": installed["enhet"].pk,
              "mailing": mailing.request_mailing(wave, "invitation", queue=False).pk, "scenario": scenario.pk,
              "report": report.pk, "report_file": request_file(file_format="xlsx", report=report, user=users["national"]).pk,
              "activity": activity.pk, "round": start_round(unit_a, users["unit_staff"]).pk,
              **{f"hsds_{kind}": Client().get(f"/api/hsds/{kind}").json()["contents"][0]["id"] for kind in HSDS_KINDS}}
    return users, values


def routes() -> list[str]:
    from django.urls import get_resolver

    return list(dict.fromkeys(_patterns(get_resolver().url_patterns)))


def outcome(response) -> str:
    assert response.status_code < 500, f"{response.status_code} from {response.request['PATH_INFO']}"
    if response.status_code in (403, 404):
        return "refused"
    if response.status_code == 302 and response["Location"].startswith("/konto/logga-in/"):
        return "refused"
    return "allowed"


def test_every_address_has_a_row_in_the_matrix():
    missing = [route for route in routes() if route not in MATRIX and not route.startswith(("api/", "admin/"))]
    assert missing == [], "add these addresses to MATRIX with who may use them"
    assert set(MATRIX) <= set(routes()), "MATRIX names addresses the site no longer has"


def test_every_role_is_allowed_or_refused_as_the_matrix_says(world):
    users, values = world
    wrong = []
    for route in routes():
        if route.startswith("admin/"):
            continue
        if route.startswith("api/"):
            path = "/" + (route.rsplit("<", 1)[0] + API_SAMPLES[route] if route in API_SAMPLES else route)
            rule, method = ("nobody" if route == "api/v1/" else "everyone"), GET
        else:
            rule, method, path = MATRIX[route]
        path = path.format(**values)
        # The APIs read no session (open data, no login): a visitor and a national administrator stand for all.
        for role in (("visitor", "national") if route.startswith("api/") else ROLES):
            client = Client()
            if role != "visitor":
                client.force_login(users[role])
            response = client.get(path) if method == GET else client.post(path, {})
            expected = "allowed" if role in RULES[rule] else "refused"
            if outcome(response) != expected:
                wrong.append(f"{method} {path} as {role}: {response.status_code}, expected {expected} ({rule})")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("role, own", [("municipal", False), ("regional", False), ("national", True)])
def test_a_coordinator_cannot_edit_a_unit_in_another_kommun_or_region(world, role, own):
    users, values = world
    client = Client()
    client.force_login(users[role])
    response = client.get(f"/enheter/{values['unit_b']}/andra/")
    assert (response.status_code == 200) is own


def test_a_foreign_or_forged_link_opens_no_answers(world):
    _, values = world
    client = Client()
    assert client.get(f"/svar/{values['token']}x/").status_code == 404
    assert client.get("/svar/eyJpIjo5OTl9:1:forged/").status_code == 404
