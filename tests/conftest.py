import email
import email.policy
import socket
import time
from pathlib import Path

import pytest
from django.conf import settings

from fcatlas.reference.loading import load_reference

REPO_DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def shipped_demand():
    """The demand layer built from the shipped SCB files, once per test run (``attrs["seconds"]``: build time)."""
    from fcatlas.analysis.demand import build_shipped_demand

    started = time.perf_counter()
    layer = build_shipped_demand(REPO_DATA)
    layer.attrs["seconds"] = time.perf_counter() - started
    return layer


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, shipped_demand):
    """Every database test starts from the real shipped reference geography and the shipped demand layer."""
    from fcatlas.planning.inputs import demand_path, install_demand

    with django_db_blocker.unblock():
        load_reference(settings.DATA_DIR)
    if not demand_path().exists():
        install_demand(shipped_demand)


@pytest.fixture(autouse=True)
def fresh_answer_cache():
    """Each test starts with no cached answers: a test's rolled-back registry can recur with the same version
    (unit count and newest history row) in the next test, which production never sees."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def make_unit(db):
    """Create a unit through the registry's one way of saving (classified, versioned, with history)."""
    from fcatlas.registry.editing import save_unit

    def make(name="Familjecentralen Exempel", municipality="1280", services=("child_health", "open_preschool"),
             source="manual_edit", **fields):
        record = {"name": name, "municipality_id": municipality, "latitude": None, "longitude": None,
                  "services": {kind: {"principal": "region" if "health" in kind else "municipality"}
                               for kind in services}} | fields
        return save_unit(None, record, source=source).unit

    return make


@pytest.fixture
def run_worker(monkeypatch):
    """The task runner's worker, once through the queue. It closes stale connections between tasks, which here
    would close the test's own transaction, so that step is left out."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.fixture
def make_user(db):
    """A logged-in-able user with a role: national_administrator, regional_coordinator (region),
    municipal_coordinator (municipality) or reader."""
    from django.contrib.auth.models import User

    from fcatlas.accounts.models import Membership

    def make(role="reader", region=None, municipality=None, username=None):
        user = User.objects.create_user(username or f"{role}-{region or municipality or 'x'}", password="lösen-ord-123")
        Membership.objects.create(user=user, role=role, region_id=region, municipality_id=municipality)
        return user

    return make


class Inbox:
    """What a real SMTP server on loopback received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp_inbox(settings):
    """An SMTP server (aiosmtpd) on a free loopback port, with Django's mail sent to it by SMTP."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    yield handler
    controller.stop()
