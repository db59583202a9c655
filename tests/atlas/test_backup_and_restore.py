"""`fcatlas backup` writes every table and `fcatlas restore` brings every row back as it was, on SQLite and
PostgreSQL; a file of another schema version is refused with a Swedish message and changes nothing."""

import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command

from fcatlas.atlas.backup import backed_up_models
from fcatlas.registry.models import Unit
from fcatlas.support.library import search

pytestmark = pytest.mark.django_db


def every_table() -> dict[str, list[dict]]:
    return {model._meta.label: list(model._base_manager.order_by("pk").values()) for model in backed_up_models()}


@pytest.fixture
def filled(client, make_unit, make_user):
    from fcatlas.support.loading import load_support

    unit = make_unit(name="FC Rosengård", latitude=55.585, longitude=13.04, phone="040-12 34 56")
    make_unit(name="FC Lund", municipality="1281")
    make_user("regional_coordinator", region="12", username="karin")
    client.post("/konto/logga-in/", {"username": "karin", "password": "fel"})  # an audit row and an axes row
    load_support()
    return unit


def test_a_restore_brings_every_table_back_as_it_was(filled, tmp_path, make_user):
    before = every_table()
    assert sum(map(len, before.values())) > 500  # the reference geography is in it too
    path = tmp_path / "fcatlas.backup.json.gz"
    out = io.StringIO()
    call_command("backup", "-o", str(path), stdout=out)
    assert f"{len(before)} tabeller" in out.getvalue()

    Unit.objects.filter(pk=filled.pk).delete()
    make_user("reader", username="efter")
    assert every_table() != before

    call_command("restore", str(path), "--yes", stdout=out)
    assert "Återställt från" in out.getvalue()
    assert every_table() == before
    assert [a.slug for a in search("våld")]  # the full-text index follows the restored articles
    make_user("reader", username="ny")  # the sequences go on after the restored rows


def test_a_backup_of_another_schema_is_refused_and_nothing_changes(filled, tmp_path):
    path = tmp_path / "old.json.gz"
    call_command("backup", "-o", str(path), stdout=io.StringIO())
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        header, *tables = handle.read().splitlines()
    header = json.loads(header)
    header["schema"] = [name for name in header["schema"] if name != "support.0002_article_search"]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join([json.dumps(header), *tables]) + "\n")
    Unit.objects.filter(pk=filled.pk).delete()
    before = every_table()
    with pytest.raises(CommandError, match=r"annan version av databasens schema \(här finns migreringar som filen "
                                           r"saknar: support.0002_article_search\)"):
        call_command("restore", str(path), "--yes", stdout=io.StringIO())
    assert every_table() == before


def test_a_file_that_is_no_backup_is_refused(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("namn;kommun\n", encoding="utf-8")
    with pytest.raises(CommandError, match="är ingen säkerhetskopia från fcatlas"):
        call_command("restore", str(path), "--yes", stdout=io.StringIO())
