"""Who did what, and no one gets in where they don't belong: login throttling and lockout, the audit log of
logins, failures, role changes and personal-data exports, the security headers, the request body limit, and
production settings that pass Django's deploy check."""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from fcatlas.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def log_in(client, username, password="lösen-ord-123"):
    return client.post("/konto/logga-in/", {"username": username, "password": password})


def test_logins_failures_and_logouts_are_in_the_audit_log(client, make_user):
    make_user("reader", username="karin")
    log_in(client, "karin", "fel")
    assert log_in(client, "karin").status_code == 302
    client.post("/konto/logga-ut/")
    events = [(e.action, e.username, e.ip_address) for e in AuditEvent.objects.exclude(action="role_granted").order_by("pk")]
    assert events == [("login_failed", "karin", "127.0.0.1"), ("login", "karin", "127.0.0.1"),
                      ("logout", "karin", "127.0.0.1")]


def test_five_failures_lock_the_name_out_for_a_while_in_swedish(client, make_user):
    make_user("reader", username="karin")
    for _ in range(4):
        assert log_in(client, "karin", "fel").status_code == 200
    response = log_in(client, "karin", "fel")
    assert response.status_code == 429
    assert "Inloggningen är spärrad en stund" in response.content.decode()
    response = log_in(client, "karin")  # the right password does not help during the lockout
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="locked_out", username="karin").exists()
    other = client.__class__()
    assert log_in(other, "annan", "fel").status_code == 200  # another name from the same address is not locked


def test_a_role_grant_and_its_removal_are_recorded(make_user):
    from django.contrib.auth.models import User

    User.objects.create_user("olle", password="lösen-ord-123")
    call_command("grant_role", "olle", "municipal_coordinator", "--kommun", "1280", stdout=io.StringIO())
    User.objects.get(username="olle").membership.delete()
    events = list(AuditEvent.objects.filter(username="olle").order_by("pk").values_list("action", "detail"))
    assert events == [("role_granted", "Kommunal samordnare för Malmö"), ("role_removed", "Kommunal samordnare")]


def test_every_page_carries_a_content_security_policy_without_inline_script(client):
    response = client.get("/hitta/")
    policy = response["Content-Security-Policy"]
    script = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script.split() == ["script-src", "'self'"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["Permissions-Policy"].startswith("geolocation=(self), camera=()")
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, make_user, settings):
    client.force_login(make_user("national_administrator"))
    response = client.generic("POST", "/enheter/import/", b"x" * 100, content_type="application/octet-stream",
                              CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413
    assert "Största tillåtna storlek är 12 MB" in response.content.decode()


def test_production_settings_pass_the_deploy_check(tmp_path):
    test_only = {"FCATLAS_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests set the latter for their server
    env = {key: value for key, value in os.environ.items() if key not in test_only} | {
        "FCATLAS_HTTPS": "1", "FCATLAS_SECRET_KEY": "k" * 20 + "Zx9-q" * 10, "FCATLAS_ALLOWED_HOSTS": "fcatlas.example.se",
        "FCATLAS_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "fcatlas.settings"}
    result = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_national_administrators_read_the_audit_log_in_the_admin_and_cannot_change_it(client, make_user):
    make_user("reader", username="karin")
    log_in(client, "karin", "fel")
    client.force_login(make_user("national_administrator"))
    page = client.get("/admin/accounts/auditevent/").content.decode()
    assert "Misslyckad inloggning" in page and "karin" in page
    event = AuditEvent.objects.get(action="login_failed")
    assert client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
