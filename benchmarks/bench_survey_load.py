"""The survey and the public site under load, in production set-up: ``fcatlas serve --no-task-worker`` (gunicorn) on
PostgreSQL, both on loopback. 500 respondents, each with the personal link of a unit's invitation, open the shipped
questionnaire, answer it page by page as people do (a pause of 1–3 s between actions, the page's answers autosaved
as they type, "Spara och fortsätt" to the next page, the errors the server shows put right) and submit it; at the
same time 100 visitors read the map, "Hitta familjecentral", a unit's page and the API. Afterwards every response a
respondent submitted is looked up in the database: submitted, with the receipt the respondent was shown, and with
every answer the respondent last sent (the last autosaved comment above all) stored as sent.

Run: ``python benchmarks/bench_survey_load.py [--respondents 500] [--visitors 100] [--seconds 600]``. Needs the
``bench`` extra (locust) and a PostgreSQL server (``--database-url``, default
``postgres://postgres@127.0.0.1:5432/fcatlas_bench``; created if absent, its registry and survey emptied first; the
suite's database ``test`` is refused). Its own var dir: ``var/bench-survey``. ``--reuse`` keeps the registry loaded
by an earlier run (only the wave is made again). The run ends when every respondent has submitted, or after
``--seconds``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from bench_serving import free_port, load_registry, wait_for
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-survey"
BIN = Path(sys.executable).parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/fcatlas_bench"
TOKENS = WORK / "tokens.csv"
UNIT_IDS = WORK / "unit_ids.txt"
RECORDS = WORK / "respondents.jsonl"
SERVER_LOG = WORK / "gunicorn.log"
PUBLIC_P95_MS = 100
PUBLIC_P95_AIM_MS = 30
SPAWN_RATE = 20
"""People arrive 20 a second, not all in the same millisecond."""


# --- preparation (in child processes with Django set up) ------------------------------------------------------------

def fcatlas(*args: str, env: dict) -> None:
    subprocess.run([str(BIN / "fcatlas"), *args], env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)


def django_child(step: str, env: dict, *extra: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--step", step, *extra], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"step {step} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if name == "test":
        raise SystemExit("The database 'test' is the test suite's; give the benchmark its own (--database-url).")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def prepare_registry(env: dict, respondents: int) -> None:
    """The registry as ``make run`` loads it, plus synthetic units so that every respondent has a unit of its own."""
    fcatlas("migrate", "--no-input", env=env)
    django_child("empty", env)
    load_registry(env, respondents, WORK)


def _setup_django() -> None:
    import django

    django.setup()


def step_empty() -> dict:
    """An empty registry and survey (PostgreSQL keeps what earlier runs left; SQLite's new file would not)."""
    _setup_django()
    from fcatlas.registry.models import Unit, UnitChange
    from fcatlas.survey.models import Response, Wave

    Response.objects.all().delete()
    Wave.objects.all().delete()
    Unit.objects.all().delete()
    UnitChange.objects.all().delete()
    return {}


def step_make_wave(respondents: int) -> dict:
    """The shipped questionnaires installed, one open wave (earlier ones and their responses removed) and the
    personal links of ``respondents`` unit invitations (then kommun and region ones if there are too few units)."""
    import datetime as dt

    _setup_django()
    from fcatlas.registry.models import Unit
    from fcatlas.survey import tokens
    from fcatlas.survey.models import Audience, Invitation, Questionnaire, Response, Wave
    from fcatlas.survey.questionnaires import install_shipped
    from fcatlas.survey.waves import create_wave

    install_shipped()
    Response.objects.all().delete()
    Wave.objects.all().delete()

    def latest(code: str):
        return Questionnaire.objects.get(code=code).versions.order_by("-number").first()

    today = dt.date.today()
    wave = create_wave(name=f"Belastningsprov {dt.datetime.now():%Y-%m-%d %H.%M.%S}",
                       opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=60),
                       unit_version=latest("enhet"), organisation_version=latest("huvudman"))
    order = {Audience.UNIT: 0, Audience.MUNICIPALITY: 1, Audience.REGION: 2}
    invitations = sorted(Invitation.objects.filter(wave=wave), key=lambda i: (order[i.audience], i.pk))[:respondents]
    with TOKENS.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["token", "invitation", "audience"])
        for invitation in invitations:
            writer.writerow([tokens.link_token(invitation), invitation.pk, invitation.audience])
    UNIT_IDS.write_text("\n".join(str(pk) for pk in Unit.objects.order_by("pk").values_list("pk", flat=True)) + "\n")
    by_audience = {audience: sum(1 for i in invitations if i.audience == audience) for audience in order}
    return {"wave": wave.name, "links": len(invitations), "units": Unit.objects.count(),
            "by_audience": {str(k): v for k, v in by_audience.items()}}


def step_verify() -> dict:
    """Each respondent's record against the database: submitted with its receipt, every answer it last sent stored."""
    _setup_django()
    from fcatlas.survey import engine
    from fcatlas.survey.models import Response, ResponseStatus
    from fcatlas.survey.questionnaires import definition_of

    records = [json.loads(line) for line in RECORDS.read_text().splitlines() if line.strip()]
    result = {"respondents": len(records), "submitted": 0, "receipt_ok": 0, "not_submitted_in_db": 0,
              "receipt_wrong": 0, "unfinished": 0, "answers_checked": 0, "lost_answers": 0,
              "respondents_with_loss": 0, "chosen_checked": 0, "chosen_lost": 0, "examples": [],
              "problems": [], "seconds": sorted(record.get("seconds", 0) for record in records),
              "reconnects": sum(record.get("reconnects", 0) for record in records),
              "resent": sum(record.get("resent", 0) for record in records),
              "incomplete_submits": sum(record.get("incomplete_submits", 0) for record in records)}
    responses = {r.invitation_id: r for r in Response.objects.filter(
        invitation_id__in=[record["invitation"] for record in records]).select_related("version")}
    for record in records:
        response = responses.get(record["invitation"])
        if not record.get("receipt"):
            result["unfinished"] += 1
            if record.get("problem") and len(result["problems"]) < 10:
                result["problems"].append(f"invitation {record['invitation']}: {record['problem']}")
        else:
            result["submitted"] += 1
            if response is None or response.status != ResponseStatus.SUBMITTED:
                result["not_submitted_in_db"] += 1
                result["examples"].append(f"invitation {record['invitation']}: receipt {record['receipt']} shown, "
                                          f"status {getattr(response, 'status', 'no response')} stored")
            elif response.receipt != record["receipt"]:
                result["receipt_wrong"] += 1
                result["examples"].append(f"invitation {record['invitation']}: receipt {record['receipt']} shown, "
                                          f"{response.receipt} stored")
            else:
                result["receipt_ok"] += 1
        if response is None:
            if record["answers"]:
                result["lost_answers"] += len(record["answers"])
                result["respondents_with_loss"] += 1
                result["examples"].append(f"invitation {record['invitation']}: no response stored")
            continue
        definition = definition_of(response.version)
        evaluation = engine.evaluate(definition, response.answers)
        lost = 0
        for path, value in record["answers"].items():
            if not evaluation.applies(path):
                continue  # a later answer made the question not apply: the form removes its answer
            result["answers_checked"] += 1
            expected = engine.normalised_answer(definition, path, value)
            stored = engine.get_answer(response.answers, path)
            pending = record.get("pending", {})
            if stored != expected and not (path in pending and stored == engine.normalised_answer(
                    definition, path, pending[path])):
                lost += 1
                if len(result["examples"]) < 10:
                    result["examples"].append(f"invitation {record['invitation']}: {path} sent {expected!r}, "
                                              f"stored {stored!r}")
        chosen = record.get("chosen_path")
        if chosen and record.get("chosen_value") is not None:
            result["chosen_checked"] += 1
            if engine.get_answer(response.answers, chosen) != engine.normalised_answer(
                    definition, chosen, record["chosen_value"]):
                result["chosen_lost"] += 1
        result["lost_answers"] += lost
        result["respondents_with_loss"] += bool(lost)
    return result


# --- the run ---------------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def running(command: list[str], env: dict, base: str):
    with SERVER_LOG.open("ab") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                  cwd=ROOT)
        try:
            wait_for(base + "/", seconds=90)
            yield server
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def warm_up(base: str, unit_id: str) -> None:
    """Each worker's first answers build its caches (map layers, the postcode index): not what people see."""
    paths = ["/", "/hitta/?q=41319", "/api/v1/units.geojson", "/api/v1/municipalities.geojson", "/api/v1/coverage",
             f"/enheter/{unit_id}/"]
    for _ in range(6):
        for path in paths:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + path, timeout=120).read()


def run_locust(base: str, args, env: dict) -> Path:
    prefix = WORK / "locust"
    RECORDS.unlink(missing_ok=True)
    users = args.respondents + args.visitors
    locust_env = env | {"FCATLAS_BENCH_TOKENS": str(TOKENS), "FCATLAS_BENCH_UNIT_IDS": str(UNIT_IDS),
                        "FCATLAS_BENCH_RECORDS": str(RECORDS), "FCATLAS_BENCH_RESPONDENTS": str(args.respondents),
                        "FCATLAS_BENCH_VISITORS": str(args.visitors),
                        "FCATLAS_BENCH_PAUSE": f"{args.pause[0]},{args.pause[1]}"}
    with (WORK / "locust.log").open("w") as log:
        subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locust_survey.py"), "--headless",
                        "--users", str(users), "--spawn-rate", str(SPAWN_RATE), "--run-time", f"{args.seconds}s",
                        "--stop-timeout", "5", "--host", base, "--csv", str(prefix), "--only-summary",
                        "--loglevel", "WARNING"], env=locust_env, check=False, stdout=log, stderr=subprocess.STDOUT,
                       cwd=ROOT)
    return prefix


PUBLIC_PREFIX = "public:"


def report(prefix: Path, verified: dict, args, elapsed: float, server_problems: dict) -> Table:
    with open(f"{prefix}_stats.csv", newline="") as file:
        rows = [row for row in csv.DictReader(file)]
    table = Table(title=f"Survey + public site under load: {args.respondents} respondents, {args.visitors} visitors, "
                        f"{elapsed:.0f} s, gunicorn + PostgreSQL on loopback, {os.cpu_count()} cores shared with "
                        f"locust")
    for column in ("request", "count", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "target", "met?"):
        table.add_column(column, justify="left" if column in ("request", "target") else "right")

    def met(ok: bool) -> str:
        return "[green]yes[/green]" if ok else "[red]no[/red]"

    total_errors = 0
    for row in rows:
        if row["Name"] == "Aggregated":
            continue
        public = row["Name"].startswith(PUBLIC_PREFIX)
        errors = int(row["Failure Count"])
        total_errors += errors
        p95 = float(row["95%"])
        target = f"p95 ≤ {PUBLIC_P95_MS} ms (aim {PUBLIC_P95_AIM_MS}), 0 errors" if public else "0 errors"
        ok = errors == 0 and (not public or p95 <= PUBLIC_P95_MS)
        table.add_row(row["Name"], row["Request Count"], f"{float(row['Requests/s']):.1f}", f"{float(row['50%']):.0f}",
                      f"{p95:.0f}", f"{float(row['99%']):.0f}", str(errors), target, met(ok))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    table.add_section()
    table.add_row("all requests", total["Request Count"], f"{float(total['Requests/s']):.1f}",
                  f"{float(total['50%']):.0f}", f"{float(total['95%']):.0f}", f"{float(total['99%']):.0f}",
                  str(total_errors), "0 errors", met(total_errors == 0))
    table.add_row("server errors (5xx in the gunicorn log, tracebacks)", "", "", "", "", "",
                  f"{server_problems['5xx']} / {server_problems['tracebacks']}", "0",
                  met(server_problems["5xx"] + server_problems["tracebacks"] == 0))
    table.add_row("POSTs resent on a new connection (kept-alive one closed as sent)", str(verified["reconnects"]),
                  "", "", "", "", "", "not errors", "")
    table.add_section()
    submitted_ok = verified["receipt_ok"] == args.respondents
    table.add_row("respondents submitted, receipt stored as shown",
                  f"{verified['receipt_ok']} / {args.respondents}", "", "", "", "",
                  str(verified["not_submitted_in_db"] + verified["receipt_wrong"]), f"all {args.respondents}",
                  met(submitted_ok))
    table.add_row(f"lost answers: {verified['lost_answers']} (of {verified['answers_checked']} last sent, "
                  f"{verified['respondents_with_loss']} respondents)", "", "", "", "", "",
                  str(verified["lost_answers"]), "0 lost answers", met(verified["lost_answers"] == 0))
    table.add_row(f"last autosaved comment stored: {verified['chosen_checked'] - verified['chosen_lost']} / "
                  f"{verified['chosen_checked']}", "", "", "", "", "", str(verified["chosen_lost"]), "0 lost",
                  met(verified["chosen_lost"] == 0 and verified["chosen_checked"] > 0))
    return table


def server_log_problems() -> dict:
    text = SERVER_LOG.read_text(errors="replace") if SERVER_LOG.exists() else ""
    fivexx = len(re.findall(r'" 5\d\d ', text))
    tracebacks = text.count("Traceback (most recent call last)")
    first = ""
    if tracebacks:
        at = text.index("Traceback (most recent call last)")
        first = text[max(0, at - 300):at + 3000]
    return {"5xx": fivexx, "tracebacks": tracebacks, "first": first,
            "worker_timeouts": text.count("WORKER TIMEOUT")}


def failures(prefix: Path) -> list[str]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as file:
        return [f"{row['Occurrences']} × {row['Method']} {row['Name']}: {row['Error']}" for row in csv.DictReader(file)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=500)
    parser.add_argument("--visitors", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=600, help="the longest the run may take (it ends when every "
                                                                 "respondent has submitted)")
    parser.add_argument("--pause", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"),
                        help="seconds a person pauses between actions")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: serve's own choice)")
    parser.add_argument("--database-url", default=os.environ.get("FCATLAS_BENCH_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--reuse", action="store_true", help="keep the registry an earlier run loaded")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--links", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:
        result = {"empty": step_empty, "verify": step_verify,
                  "make-wave": lambda: step_make_wave(args.links)}[args.step]()
        print(json.dumps(result))
        return

    if urlparse(args.database_url).path.lstrip("/") == "test":
        raise SystemExit("The database 'test' is the test suite's; give the benchmark its own (--database-url).")
    ensure_database(args.database_url)
    env = os.environ | {"FCATLAS_VAR_DIR": str(WORK), "DJANGO_SETTINGS_MODULE": "fcatlas.settings",
                        "DATABASE_URL": args.database_url}
    env.pop("FCATLAS_DEBUG", None)
    if not args.reuse:
        shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    console = Console(width=200)
    started = time.monotonic()
    if not args.reuse:
        console.print("Loading the registry (reference data, demo, demand layer, synthetic units) …")
        prepare_registry(env, args.respondents)
    else:
        fcatlas("migrate", "--no-input", env=env)
    wave = django_child("make-wave", env, "--links", str(args.respondents))
    console.print(f"Wave {wave['wave']}: {wave['links']} personal links {wave['by_audience']}, "
                  f"{wave['units']} units ({time.monotonic() - started:.0f} s)")
    if wave["links"] < args.respondents:
        raise SystemExit(f"only {wave['links']} invitations for {args.respondents} respondents")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [str(BIN / "fcatlas"), "serve", "--port", str(port), "--no-task-worker"]
    if args.workers:
        serve += ["--workers", str(args.workers)]
    SERVER_LOG.unlink(missing_ok=True)
    with running(serve, env, base):
        warm_up(base, UNIT_IDS.read_text().split()[0])
        console.print(f"locust: {args.respondents} respondents + {args.visitors} visitors, {SPAWN_RATE}/s, "
                      f"at most {args.seconds} s …")
        began = time.monotonic()
        prefix = run_locust(base, args, env)
        elapsed = time.monotonic() - began
    verified = django_child("verify", env)
    problems = server_log_problems()
    console.print(report(prefix, verified, args, elapsed, problems))
    for line in failures(prefix)[:15]:
        console.print(f"  failure: {line}", highlight=False, markup=False)
    for line in verified["problems"]:
        console.print(f"  respondent stopped: {line}", highlight=False, markup=False)
    for line in verified["examples"][:10]:
        console.print(f"  lost or wrong: {line}", highlight=False, markup=False)
    if verified["seconds"]:
        seconds = verified["seconds"]
        console.print(f"  a respondent's whole questionnaire, pauses included: median "
                      f"{seconds[len(seconds) // 2]:.0f} s, longest {seconds[-1]:.0f} s; unfinished: "
                      f"{verified['unfinished']}", highlight=False)
    locust_log = (WORK / "locust.log").read_text(errors="replace")
    if "Traceback" in locust_log:
        console.print(f"  locust reported exceptions: see {WORK / 'locust.log'}", highlight=False)
    if problems["worker_timeouts"]:
        console.print(f"  gunicorn: {problems['worker_timeouts']} worker timeouts", highlight=False)
    if problems["first"]:
        console.print(f"  first traceback in {SERVER_LOG}:\n{problems['first']}", highlight=False, markup=False)
    console.print(f"Respondents' records: {RECORDS}; server log: {SERVER_LOG}; locust: {WORK / 'locust.log'}",
                  highlight=False)


if __name__ == "__main__":
    main()
