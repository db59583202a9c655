"""The people of ``bench_survey_load.py``.

``Respondent``: one per personal link (``FCATLAS_BENCH_TOKENS``, a CSV of token, invitation, audience). Opens the link,
goes through the questionnaire page by page as a browser with JavaScript does — the page's form read from its HTML,
the answers it still needs given a few at a time and autosaved (``/svar/<token>/spara/``: the whole form, a new
``_save_id``, the last ``_revision``), then "Spara och fortsätt" (``_action=next``); when the server shows errors
it puts them right and tries again — then submits and reads its receipt number. Registry-prefilled answers stay as
they are; required questions left empty and answers the server flags get a valid answer; on the page with the
``comments`` question it types a comment in three autosaves. It pauses ``FCATLAS_BENCH_PAUSE`` seconds (default
1–3) between actions. At the end it appends its record to ``FCATLAS_BENCH_RECORDS`` (JSON lines): the invitation,
the receipt shown, the last value it sent for every question and the last autosaved comment, for the benchmark to
check against the database.

``Visitor``: reads the public pages and the API (``/``, "Hitta familjecentral", the map layers, the coverage
figures, a unit's page), pausing 1–3 s between requests.

When every respondent is done the run stops.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import random
import re
import time
import uuid
from html.parser import HTMLParser
from urllib.parse import urlencode

import gevent
from geventhttpclient.response import HTTPConnectionClosed
from locust import FastHttpUser, between, task
from locust.exception import StopUser

PAUSE = tuple(float(x) for x in os.environ.get("FCATLAS_BENCH_PAUSE", "1,3").split(","))
RESPONDENTS = int(os.environ.get("FCATLAS_BENCH_RESPONDENTS", "500"))
VISITORS = int(os.environ.get("FCATLAS_BENCH_VISITORS", "100"))
RECORDS = os.environ.get("FCATLAS_BENCH_RECORDS", "respondents.jsonl")
with open(os.environ.get("FCATLAS_BENCH_TOKENS", "tokens.csv"), newline="") as _file:
    LINKS = list(csv.DictReader(_file))
with open(os.environ.get("FCATLAS_BENCH_UNIT_IDS", "unit_ids.txt")) as _file:
    UNIT_IDS = _file.read().split()
_next_link = itertools.count()
_finished = 0
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
MAX_AUTOSAVES_PER_PAGE = 5
FILLS_PER_AUTOSAVE = 4
MAX_TRIES_PER_PAGE = 6
CLOSED = (HTTPConnectionClosed, ConnectionResetError, BrokenPipeError)
NO_ANSWER_RESENDS = 2
NO_ANSWER_PAUSE = 5.0
"""The survey's script sends a save that got no answer again after 5 s."""
CHOSEN = "comments"
"""The question whose last autosaved value is checked on its own (the last page of both shipped questionnaires)."""


class Page(HTMLParser):
    """The answer form of one page as a browser holds it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.hidden_inputs: dict[str, str] = {}
        self.fields: list[str] = []
        self.values: dict[str, list[str]] = {}
        self.kinds: dict[str, tuple] = {}
        self.choices: dict[str, list[str]] = {}
        self.questions: dict[str, dict] = {}
        self.hidden_paths: set[str] = set()
        self._question = self._select = self._textarea = None
        self._error: list[str] | None = None
        self._text: list[str] = []
        self.feed(html)
        self.close()
        found = re.search(r"Sida (\d+) av (\d+)", html)
        self.number, self.total = (int(found.group(1)), int(found.group(2))) if found else (0, 0)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        path = a.get("data-path")
        if path is not None:
            if "hidden" in a:
                self.hidden_paths.add(path)
            if "question" in classes:
                self._question = path
                self.questions[path] = {"required": False, "error": ""}
        if tag == "span" and self._question:
            if "required" in classes:
                self.questions[self._question]["required"] = True
            elif "field-error" in classes and "hidden" not in a:
                self._error = []
        elif tag == "input":
            name, kind, value = a.get("name") or "", a.get("type") or "text", a.get("value") or ""
            if kind == "hidden":
                if name == "_fields":
                    self.fields.append(value)
                else:
                    self.hidden_inputs[name] = value
            elif kind in ("radio", "checkbox"):
                self.kinds[name] = (kind,)
                self.choices.setdefault(name, []).append(value)
                self.values.setdefault(name, [])
                if "checked" in a:
                    self.values[name].append(value)
            elif name.startswith("/"):
                self.kinds[name] = ("text", kind, a.get("inputmode") or "")
                self.values[name] = [value]
        elif tag == "select":
            self._select = a.get("name")
            self.kinds[self._select], self.choices[self._select], self.values[self._select] = ("dropdown",), [], [""]
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if value:
                self.choices[self._select].append(value)
                if "selected" in a:
                    self.values[self._select] = [value]
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []
            self.kinds[self._textarea] = ("textarea",)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.values[self._textarea] = ["".join(self._text)]
            self._textarea = None
        elif tag == "span" and self._error is not None:
            self.questions[self._question]["error"] = "".join(self._error).strip()
            self._error = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)
        if self._error is not None:
            self._error.append(data)

    def hidden(self, path: str) -> bool:
        return any(path == p or path.startswith(p + "/") or path.startswith(p + "[") for p in self.hidden_paths)

    def value(self, path: str) -> str:
        return " ".join(v for v in self.values.get(path, []) if v)

    def encoded(self, **extra: str) -> list[tuple[str, str]]:
        """What ``new FormData(form)`` holds (plus ``extra``), as the browser sends it."""
        data = [("csrfmiddlewaretoken", self.hidden_inputs.get("csrfmiddlewaretoken", "")),
                ("_revision", self.hidden_inputs.get("_revision", "")),
                ("_save_id", self.hidden_inputs.get("_save_id", ""))]
        data += [("_fields", path) for path in self.fields]
        for path in self.fields:
            kind = self.kinds.get(path, ("text",))[0]
            values = self.values.get(path, [])
            if kind in ("radio", "checkbox"):
                data += [(path, value) for value in values]
            else:
                data.append((path, values[0] if values else ""))
        return data + list(extra.items())


def _name(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path.rsplit("/", 1)[-1])


def candidates(page: Page, path: str) -> list[list[str]]:
    """Valid answers to try, best first, for a question of the shipped questionnaires (or any like them)."""
    kind = page.kinds.get(path, ("text", "text", ""))
    name = _name(path)
    if kind[0] in ("radio", "dropdown"):
        return [[choice] for choice in page.choices.get(path, [])]
    if kind[0] == "checkbox":
        return [[choice] for choice in page.choices.get(path, []) if choice != "inget"] + [["inget"]]
    input_type, inputmode = (kind[1], kind[2]) if len(kind) == 3 else ("text", "")
    if inputmode == "numeric":
        options = ["2020", "1995"] if "year" in name else ["1", "2", "0", "5", "2020"]
    elif inputmode == "decimal":
        options = ["0,5", "1", "0,25", "2"]
    elif input_type == "date":
        options = ["2020-01-01", "2015-06-01"]
    elif input_type == "email" or "email" in name:
        options = ["enkat@exempel.se"]
    elif input_type == "tel" or "phone" in name:
        options = ["08-123 45 67"]
    elif input_type == "url" or "website" in name:
        options = ["https://www.exempel.se/familjecentralen"]
    elif "postcode" in name:
        options = ["123 45"]
    else:
        options = [f"Svar om {name.replace('_', ' ')}", "Ja", "1"]
    return [[option] for option in options]


class Respondent(FastHttpUser):
    fixed_count = RESPONDENTS
    wait_time = between(*PAUSE)
    network_timeout = connection_timeout = 180.0

    def on_start(self):
        self.written = False
        number = next(_next_link)
        if number >= len(LINKS):
            self.record = None
            raise StopUser()
        link = LINKS[number]
        self.link = f"/svar/{link['token']}/"
        self.record = {"invitation": int(link["invitation"]), "audience": link["audience"], "receipt": None,
                       "answers": {}, "pending": {}, "chosen_path": None, "chosen_value": None,
                       "started": time.time(), "pages": 0, "autosaves": 0, "resent": 0, "reconnects": 0,
                       "incomplete_submits": 0, "problem": None}
        self.tries: dict[str, int] = {}

    def on_stop(self):
        global _finished
        if self.written or self.record is None:
            return
        self.written = True
        self.record["seconds"] = round(time.time() - self.record["started"], 1)
        with open(RECORDS, "a") as file:
            file.write(json.dumps(self.record, ensure_ascii=False) + "\n")
        _finished += 1
        if _finished >= min(RESPONDENTS, len(LINKS)):
            gevent.spawn_later(2, self.environment.runner.quit)

    @task
    def answer_the_questionnaire(self):
        try:
            self.journey()
        except StopUser:
            raise
        except Exception as error:  # noqa: BLE001 - any surprise is recorded with the respondent
            self.record["problem"] = f"{type(error).__name__}: {error}"
        raise StopUser()

    # --- requests ---

    def _request(self, method: str, url: str, name: str, expect: tuple[int, ...] = (200,),
                 data: list[tuple[str, str]] | None = None, headers: dict | None = None):
        """One request as a browser makes it.

        A request that meets a kept-alive connection the server closes at that moment (gunicorn closes one idle for
        2 s; people pause 1–3 s) is sent again at once on a new connection, as browsers do, and counted apart
        (``reconnects``), not as an error: locust's client does so by itself for a GET, not for a POST. Any other
        request that gets no answer is an error, and is sent again after 5 s as it was, as the survey's script
        does for an autosave (the same ``_save_id``: the server applies it once)."""
        body = urlencode(data) if data is not None else None
        headers = (FORM if data is not None else {}) | (headers or {})
        tries, self.reconnected = 0, False
        while True:
            sent = time.perf_counter()
            with self.client.request(method, url, name=name, data=body, headers=headers, catch_response=True,
                                     allow_redirects=False) as response:
                if response.status_code in expect:
                    response.success()
                    return response
                if response.status_code != 0:
                    response.failure(f"HTTP {response.status_code}: {(response.text or '')[:300]}")
                    raise RuntimeError(f"{method} {name}: HTTP {response.status_code}")
                error = getattr(response, "error", None)
                if isinstance(error, CLOSED) and time.perf_counter() - sent < 1 and not self.reconnected:
                    response._report_request = lambda: None  # resent below; the answer to that is what counts
                    self.record["reconnects"] += 1
                    self.reconnected = True
                    continue
                response.failure(f"no answer ({type(error).__name__}: {error})")
            tries += 1
            if tries > NO_ANSWER_RESENDS:
                raise RuntimeError(f"{method} {name}: no answer after {tries} tries")
            self.record["resent"] += 1
            gevent.sleep(NO_ANSWER_PAUSE)

    def _get(self, url: str, name: str) -> str:
        return self._request("GET", url, name).text

    def _post(self, url: str, data: list[tuple[str, str]], name: str, expect: tuple[int, ...]):
        return self._request("POST", url, name, expect, data)

    def _sending(self, page: Page) -> None:
        """What this save says, until the server confirms it (a save without an answer may or may not be stored)."""
        self.record["pending"] = {path: page.value(path) for path in page.fields}

    def _confirmed(self) -> None:
        self.record["answers"].update(self.record["pending"])
        self.record["pending"] = {}

    def autosave(self, page: Page) -> None:
        self.wait()
        data = page.encoded()
        data[2] = ("_save_id", str(uuid.uuid4()))
        self._sending(page)
        result = self._request("POST", self.link + "spara/", "survey: autosave (POST /svar/<token>/spara/)",
                               (200,), data, {"X-Requested-With": "fetch"}).json()
        self._confirmed()
        self.record["autosaves"] += 1
        page.hidden_inputs["_revision"] = str(result["revision"])
        page.hidden_paths = set(result["hidden"])
        for path in page.fields:
            if path in page.questions:
                if path in result["errors"]:
                    page.questions[path]["error"] = result["errors"][path]
                elif path in result["answered"]:
                    page.questions[path]["error"] = ""

    # --- answering ---

    def needed(self, page: Page) -> list[str]:
        """The questions on the page a person would still answer or correct."""
        paths = []
        for path in page.fields:
            question = page.questions.get(path)
            if question is None or page.hidden(path) or _name(path) == CHOSEN:
                continue
            if question["error"] or (question["required"] and not page.value(path)):
                paths.append(path)
        return paths

    def optional(self, page: Page) -> list[str]:
        """Visible text questions left empty that need no answer."""
        return [path for path in page.fields if path in page.questions and not page.hidden(path)
                and not page.value(path) and page.kinds.get(path, ("",))[0] in ("text", "textarea")
                and _name(path) != CHOSEN]

    def give(self, page: Page, path: str) -> None:
        options = candidates(page, path)
        if not options:
            return
        at = self.tries.get(path, -1) + 1
        current = page.values.get(path, [])
        if page.value(path) and options[min(at, len(options) - 1)] == current:
            at += 1
        self.tries[path] = at
        page.values[path] = options[at % len(options)]

    def answer_page(self, number: int, html: str) -> str:
        """Answer one page until the server moves on; returns where it sends the respondent."""
        url = f"{self.link}sida/{number}/"
        for _ in range(MAX_TRIES_PER_PAGE):
            page = Page(html)
            for saves in range(MAX_AUTOSAVES_PER_PAGE):
                needed = self.needed(page)
                if not needed and saves == 0 and self.record["chosen_value"] is None:
                    needed = self.optional(page)[:1]  # people answer an optional question now and then
                if not needed:
                    break
                for path in needed[:FILLS_PER_AUTOSAVE]:
                    self.give(page, path)
                self.autosave(page)
            chosen = next((path for path in page.fields if _name(path) == CHOSEN and not page.hidden(path)), None)
            if chosen and self.record["chosen_value"] is None:
                words = f"Hälsningar från enkätprovet, inbjudan {self.record['invitation']}, {uuid.uuid4().hex[:8]}"
                for typed in (words[:10], words[:25], words):  # as a person types, a save now and then
                    page.values[chosen] = [typed]
                    self.autosave(page)
                self.record["chosen_path"], self.record["chosen_value"] = chosen, words
            self.wait()
            self._sending(page)
            moved = self._post(url, page.encoded(_action="next"), "survey: next page (POST /svar/<token>/sida/N/)",
                               (200, 302))
            self._confirmed()
            if moved.status_code == 302:
                self.record["pages"] += 1
                return moved.headers["Location"]
            html = moved.text  # the page again, with the server's errors: put them right
        raise RuntimeError(f"page {number} not accepted after {MAX_TRIES_PER_PAGE} tries")

    def answer_pages(self, number: int) -> None:
        """From page ``number`` on to the overview."""
        while True:
            self.wait()
            html = self._get(f"{self.link}sida/{number}/", "survey: page (GET /svar/<token>/sida/N/)")
            location = self.answer_page(number, html)
            found = re.search(r"/sida/(\d+)/$", location)
            if not found:
                return
            number = int(found.group(1))

    def journey(self) -> None:
        overview = self._get(self.link, "survey: open the link (GET /svar/<token>/)")
        self.answer_pages(1)
        for _ in range(3):
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', overview)
            self.wait()
            sent = self._post(self.link + "skicka-in/", [("csrfmiddlewaretoken", csrf.group(1) if csrf else "")],
                              "survey: submit (POST /svar/<token>/skicka-in/)", (302,))
            if sent.headers["Location"].endswith("/kvitto/"):
                receipt = self._get(self.link + "kvitto/", "survey: receipt (GET /svar/<token>/kvitto/)")
                number = re.search(r'id="receipt-number">([^<]+)<', receipt)
                self.record["receipt"] = number.group(1).strip() if number else None
                return
            self.record["incomplete_submits"] += 1  # the overview marks the pages still to do
            overview = self._get(self.link + "?ofullstandigt=1", "survey: open the link (GET /svar/<token>/)")
            for missing in re.findall(r'/sida/(\d+)/">[^<]*</a>\s*<span class="section-state has-errors"', overview):
                self.answer_pages(int(missing))
        raise RuntimeError("the server did not accept the answers as complete")


PUBLIC_PATHS = ("/", "/hitta/?q=41319", "/api/v1/units.geojson", "/api/v1/municipalities.geojson", "/api/v1/coverage",
                "/enheter/<id>/")
"""What a visitor reads: the start page's map, find-a-centre, the three API layers and a unit's page."""


class Visitor(FastHttpUser):
    fixed_count = VISITORS
    wait_time = between(1, 3)

    @task
    def public_path(self):
        """One of ``PUBLIC_PATHS``, each as often as the others; a unit's page for a unit drawn at random."""
        path = random.choice(PUBLIC_PATHS)
        with self.client.get(path.replace("<id>", random.choice(UNIT_IDS)), name=f"public: {path}",
                             headers={"Accept-Encoding": "gzip"}, catch_response=True) as response:
            if response.status_code in (200, 304):
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")

