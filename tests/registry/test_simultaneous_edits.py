"""Two people saving the same unit at the same moment: one save, one 409 with the input kept — on both databases."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from fcatlas.reference.loading import load_reference
from fcatlas.registry.editing import unit_record
from fcatlas.registry.forms import UnitForm
from fcatlas.registry.models import Unit, UnitChange


def form_data(unit: Unit, **changes) -> dict:
    """What the edit form posts back when the editor changes nothing but ``changes``."""
    form = UnitForm(initial=UnitForm.initial_from_record(unit_record(unit)) | {"version": unit.version})
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    return data | changes


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_edits_give_one_save_and_one_conflict_never_a_crash(make_user, make_unit):
    load_reference(settings.DATA_DIR)
    unit = make_unit(name="Familjecentralen Samtidig", municipality="1280")
    editor = make_user("national_administrator")
    names = ["Familjecentralen Första", "Familjecentralen Andra"]
    posts = {name: form_data(unit, name=name) for name in names}
    start_together = threading.Barrier(len(names))

    def save(name):
        client = Client(raise_request_exception=False)
        client.force_login(editor)
        start_together.wait()
        try:
            response = client.post(f"/enheter/{unit.pk}/andra/", posts[name])
            return response.status_code, response.content.decode()
        finally:
            connection.close()

    with ThreadPoolExecutor(len(names)) as pool:
        outcomes = dict(zip(names, pool.map(save, names)))

    assert sorted(status for status, _ in outcomes.values()) == [302, 409]
    loser = next(name for name, (status, _) in outcomes.items() if status == 409)
    winner = next(name for name in names if name != loser)
    assert "Någon annan har sparat ändringar" in outcomes[loser][1]
    assert f'value="{loser}"' in outcomes[loser][1], "the refused editor's input is shown again"
    unit.refresh_from_db()
    assert (unit.name, unit.version) == (winner, 2)
    assert list(UnitChange.objects.filter(unit=unit).values_list("version", flat=True).order_by("version")) == [1, 2]
    assert Unit.objects.count() == 1
