"""A new rubric version keeps old rounds readable and comparable on the criteria that carry over, and a published
version never changes."""

import json
import shutil
from pathlib import Path

import pytest

from fcatlas.support.assessments import save_answers, start_round
from fcatlas.support.loading import LoadError, load_rubric, load_support
from fcatlas.support.models import Rubric
from fcatlas.support.scoring import criterion_keys
from fcatlas.support.team import grant_unit_staff

pytestmark = pytest.mark.django_db
SHIPPED = Path(__file__).resolve().parents[2] / "data" / "support"


def second_version(directory: Path) -> Path:
    content = json.loads((SHIPPED / "sjalvskattning-v1.json").read_text(encoding="utf-8"))
    content["version"], content["published_on"] = 2, "2027-01-01"
    older_children = next(theme for theme in content["themes"] if theme["code"] == "older_children")
    older_children["criteria"] = [{"key": "older_children.school", "text": "Familjecentralen samverkar med skolan.",
                                   "levels": ["Ingen samverkan.", "Ibland.", "Regelbundet.", "Regelbundet och uppföljt."]}]
    path = directory / "sjalvskattning-v2.json"
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def test_rounds_on_two_versions_compare_on_the_shared_criteria(client, make_user, make_unit, tmp_path):
    shutil.copy(SHIPPED / "kunskapsbank.json", tmp_path)
    shutil.copy(SHIPPED / "sjalvskattning-v1.json", tmp_path)
    load_support(tmp_path)
    unit = make_unit(name="FC Rosengård")
    staff = make_user("reader", username="personal")
    grant_unit_staff("personal", unit.pk)
    first = start_round(unit, staff)
    save_answers(first, {key: {"level": "2"} for key in criterion_keys(first.rubric.definition)}, "", staff, complete=True,
                 revision="")  # a new round has no saved version yet
    assert load_rubric(second_version(tmp_path)) is True
    second = start_round(unit, staff)
    assert second.rubric.version == 2
    save_answers(second, {key: {"level": "3"} for key in criterion_keys(second.rubric.definition)}, "", staff,
                 complete=True, revision="")
    client.force_login(staff)
    page = client.get(f"/stod/sjalvskattning/enhet/{unit.pk}/").content.decode()
    assert "Jämförelsen gäller de 15 av 16 kriterier som finns i båda omgångarnas mall (version 1 och 2)." in page
    assert "+1,0 (bättre)" in page
    old_round = client.get(f"/stod/sjalvskattning/omgang/{first.pk}/").content.decode()
    assert "version 1" in old_round and "Familjer med barn över sex år har något att komma till" in old_round


def test_a_published_version_is_never_changed(tmp_path):
    load_support()
    path = second_version(tmp_path)
    content = json.loads(path.read_text(encoding="utf-8"))
    content["version"] = 1
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(LoadError, match="version 1 finns redan med annat innehåll"):
        load_rubric(path)
    assert Rubric.objects.get().definition["themes"][6]["criteria"][0]["key"] == "older_children.offer"
