"""Generated bad input, shared by the fuzz tests (a few hundred cases in CI) and ``benchmarks/fuzz_inputs.py``
(tens of thousands): files for the importer and query strings for every page and API endpoint.

Each ``check_*`` function sends one case the way a person would and returns its outcome's name; it fails
(``AssertionError`` or the exception itself) on a crash, a 500, a partial write or an error without a place.
"""

import functools
import io
import json
import re
import string
from collections import Counter
from urllib.parse import quote, urlencode

from django.core.handlers.wsgi import WSGIRequest, get_bytes_from_wsgi
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from fcatlas.registry.importing import apply_import, plan_import
from fcatlas.registry.importing.planning import ImportRefused
from fcatlas.registry.models import Unit, UnitChange

OUTCOMES: Counter = Counter()
"""(what was sent, its outcome) → how many cases, for ``benchmarks/fuzz_inputs.py``'s table."""

# -- values people (and attackers) type ---------------------------------------------------------------------------

NASTY_TEXT = ["", " ", "\x00", "a\x00b", "\ud800", "\udfff", "ja", "nej", "Ja ", "JA", "x", "1", "0", "-1", "0,5",
              "1,5,5", "1.5e400", "1e309", "-1e309", "nan", "NaN", "inf", "-inf", "9" * 400, "-" + "9" * 60,
              "2021-02-30", "2021-13-01", "1899-12-31", "9999-12-31", "0000-00-00", "2021-03-01T25:00",
              "=1+1", "'=1+1", "+46", "@SUM(A1)", "<script>alert(1)</script>", "' OR 1=1 --", "Malmö", "1280",
              "0180", "Göteborg", "Stockholms stad", "mödrahälsovård, barnhälsovård", "bvc; öppen förskola",
              "barnmorska: 175", "barnmorska: 1e400", "barnmorska: nan", "bvc-sjuksköterska: -3", "barnmorska:",
              "55,6", "13,0", "6164000", "374000", "90", "-91", "181", "mån–fre 8–16", "mån 25–26", "sön 9–8",
              "sv, ar", "xx", "\u202eevil", "\ufeffnamn", "🙂" * 50, "å" * 20_000, "\r\n", "\t", '"', '""', ";", ","]

text = st.one_of(
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=40),
    st.text(alphabet=string.digits + ",.-eE +:", max_size=30),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


def _headers():
    from fcatlas.registry.importing import HEADER_INDEX
    return sorted(HEADER_INDEX)


COLUMN_NAMES = ["namn", "kommun", "kommunkod", "status", "bvc", "mvc", "öppen förskola", "socialtjänst",
                "huvudman bvc", "driftsform bvc", "latitud", "longitud", "sweref_n", "sweref_e", "postnummer",
                "öppnade", "stängde", "bemanning", "samordnare", "samordnare årsarbetare", "verksamheter",
                "arbetssätt", "målgrupper", "telefon", "e-post", "webbplats", "öppettider", "drop-in-tider",
                "språk", "barn från ålder", "barn till och med ålder", "externt id", "syntetisk", "version", ""]

column_names = st.one_of(st.sampled_from(COLUMN_NAMES), st.builds(lambda: None).flatmap(
    lambda _: st.sampled_from(_headers())), text)

random_tables = st.lists(column_names, min_size=1, max_size=8, unique=True).flatmap(
    lambda columns: st.tuples(st.just(columns), st.lists(st.lists(text, min_size=len(columns), max_size=len(columns)),
                                                         max_size=5)))

GOOD_VALUES = {
    "namn": ["Familjecentralen Fuzz", "Familjecentralen Ny", "Familjecentralen Solen", "Familjecentralen Månen"],
    "kommun": ["Malmö", "1280", "Malmö stad", "Malmö kommun"],
    "bvc": ["ja", "nej", "x", ""], "öppen förskola": ["ja", "x"], "mvc": ["ja", "nej", ""],
    "socialtjänst": ["ja", "nej", ""], "status": ["i drift", "planerad", "tillfälligt stängd"],
    "telefon": ["040-34 10 00", "+46 40 341000", ""], "e-post": ["info@exempel.se", ""],
    "öppettider": ["mån–fre 8–16", "tis 9.30–12", ""], "bemanning": ["barnmorska: 1,5", "bvc-sjuksköterska: 2", ""],
    "latitud": ["55,605", "55.59", ""], "longitud": ["13,0038", "13.01", ""], "öppnade": ["2019-08-15", ""],
    "språk": ["sv, ar", "svenska; arabiska", ""], "samordnare": ["ja", "nej"], "samordnare årsarbetare": ["0,5", ""],
}
"""Values the importer accepts, for files that are right but for a cell or two: those reach the writing step."""


@st.composite
def nearly_right_tables(draw) -> tuple[list[str], list[list[str]]]:
    extra = draw(st.lists(st.sampled_from(sorted(set(GOOD_VALUES) - {"namn", "kommun", "bvc", "longitud"})),
                          unique=True, max_size=6))
    columns = ["namn", "kommun", "bvc", *extra] + (["longitud"] if "latitud" in extra else [])
    names = draw(st.lists(st.sampled_from(GOOD_VALUES["namn"]), min_size=1, max_size=4, unique=True))
    rows = []
    for name in names:
        row = {column: draw(st.sampled_from(GOOD_VALUES[column])) for column in columns} | {"namn": name}
        if "latitud" in row and not row["latitud"]:
            row["longitud"] = ""
        elif "latitud" in row and not row["longitud"]:
            row["longitud"] = "13,0038"
        rows.append([row[column] for column in columns])
    for _ in range(draw(st.integers(0, 2))):  # a cell or two gone wrong
        row, column = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(columns) - 1))
        rows[row][column] = draw(text)
    return columns, rows


tables = st.one_of(random_tables, nearly_right_tables(), nearly_right_tables())

# -- files --------------------------------------------------------------------------------------------------------


def _truncated(data: bytes, per_mille: int) -> bytes:
    """The first ``per_mille`` thousandths of a file, as a broken upload leaves it."""
    return data[:len(data) * per_mille // 1000]


@st.composite
def csv_files(draw) -> tuple[str, bytes]:
    columns, rows = draw(tables)
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    lines = [delimiter.join(columns)] + [delimiter.join(row) for row in rows]
    if draw(st.booleans()):
        lines = ['"' + '"{0}"'.format(delimiter).join(c.replace('"', '""') for c in line.split(delimiter)) + '"'
                 for line in lines]
    content = draw(st.sampled_from(["\r\n", "\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
    errors = "surrogatepass" if encoding.startswith("utf-8") else "replace"
    data = content.encode(encoding, errors=errors)
    if draw(st.integers(0, 9)) == 0:
        data = _truncated(data, draw(st.integers(0, 999)))
    return draw(st.sampled_from(["enheter.csv", "ENHETER.CSV", "enheter.txt"])), data


def _sheet_text(value: str) -> str:
    """The text a spreadsheet program can hold: no lone surrogates, no control characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value.encode("utf-8", "replace").decode())


@st.composite
def xlsx_files(draw) -> tuple[str, bytes]:
    columns, rows = draw(tables)
    workbook = Workbook()
    sheet = workbook.active
    cell = st.one_of(text.map(_sheet_text), st.integers(-(2 ** 63), 2 ** 63),
                     st.floats(allow_nan=False, allow_infinity=False), st.dates(), st.booleans(), st.none())
    sheet.append([_sheet_text(column) for column in columns])
    for row in rows:
        sheet.append([draw(cell) if draw(st.integers(0, 19)) == 0 else _sheet_text(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if draw(st.integers(0, 9)) == 0:
        data = _truncated(data, draw(st.integers(0, 999)))
    return "enheter.xlsx", data


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=20)
coordinates = st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(), text, st.none()),
                       max_size=4)


@st.composite
def geojson_files(draw) -> tuple[str, bytes]:
    def feature():
        return st.fixed_dictionaries({
            "type": st.sampled_from(["Feature", "feature", "Point", 5]),
            "geometry": st.one_of(st.none(), json_values, st.fixed_dictionaries({
                "type": st.sampled_from(["Point", "LineString", "Polygon", "MultiPoint", "Cirkel"]),
                "coordinates": st.one_of(coordinates, st.lists(coordinates, max_size=3), json_values)})),
            "properties": st.one_of(st.none(), json_values, st.dictionaries(column_names, text, max_size=6),
                                    nearly_right_tables().map(lambda table: dict(zip(table[0], table[1][0])))),
        })

    def right_feature():
        return st.builds(lambda properties, lon, lat: {
            "type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties},
            nearly_right_tables().map(lambda table: dict(zip(table[0], table[1][0]))),
            st.floats(12.95, 13.05), st.floats(55.56, 55.62))

    document = draw(st.one_of(
        st.fixed_dictionaries({"type": st.just("FeatureCollection"), "features": st.lists(right_feature(), max_size=3)}),
        st.fixed_dictionaries({"type": st.sampled_from(["FeatureCollection", "Feature", "x"]),
                               "features": st.one_of(st.lists(feature(), max_size=4), json_values)}),
        json_values))
    data = json.dumps(document, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        data = _truncated(data, draw(st.integers(0, 999)))
    if draw(st.integers(0, 19)) == 0:
        data = b"[" * 100_000
    return draw(st.sampled_from(["enheter.geojson", "enheter.json"])), data


any_file = st.one_of(csv_files(), xlsx_files(), geojson_files(),
                     st.tuples(st.sampled_from(["x.csv", "x.xlsx", "x.geojson", "x.pdf", "x"]), st.binary(max_size=300)))


def _stored_state() -> tuple:
    return (Unit.objects.count(), UnitChange.objects.count(),
            sorted(Unit.objects.values_list("pk", "version")))


def check_import(user, filename: str, data: bytes) -> str:
    """Check and (if the check passes) import a file as ``user``: ``refused`` with every error placed and nothing
    written, or ``imported``."""
    outcome = _import_outcome(user, filename, data)
    OUTCOMES[(f"import {filename.rpartition('.')[2].lower() or '(no suffix)'}", outcome)] += 1
    return outcome


def _import_outcome(user, filename: str, data: bytes) -> str:
    before = _stored_state()
    plan = plan_import(data, filename, user=user)
    if plan.has_errors:
        for message in plan.file_errors:
            assert message.text.strip(), f"an empty file error for {filename}"
        for row in plan.error_rows:
            assert row.number >= 1
            for message in row.errors:
                assert message.text.strip() and message.column, f"an error without its column: {message}"
        assert _stored_state() == before, "a refused file wrote something"
        return "refused"
    try:
        apply_import(plan, user=user)
    except ImportRefused as refusal:
        assert str(refusal).strip()
        assert _stored_state() == before, "a refused import wrote something"
        return "refused at confirm"
    again = plan_import(data, filename, user=user)
    assert again.summary["create"] == again.summary["update"] == 0, \
        f"importing {filename} a second time would change {[(r.number, r.changed_fields) for r in again.rows]}"
    return "imported" if plan.count("create") or plan.count("update") else "nothing to import"


# -- query strings ------------------------------------------------------------------------------------------------

PAGE_PARAMETERS = ["radie", "ar", "region", "antal", "exakt", "niva", "sortera", "sida", "next", "format", "q", "lat",
                   "lon", "plats", "enheter", "kommun", "klass", "metod", "omradestyp"]
"""What the pages read from their query strings besides the unit list's filters and the priority weights."""


@functools.cache
def api_parameters() -> dict[str, tuple[str, ...]]:
    """{path pattern as Django routes it (``api/v1/units/<unit_id>``): its query parameters} from the OpenAPI schema."""
    from fcatlas.api.api import api

    schema = api.get_openapi_schema()
    return {path.removeprefix("/").replace("{", "<").replace("}", ">"): tuple(sorted(
        parameter["name"] for operation in operations.values() for parameter in operation.get("parameters", [])
        if parameter["in"] == "query")) for path, operations in schema["paths"].items()}


@functools.cache
def page_parameters() -> tuple[str, ...]:
    from fcatlas.analysis.priority import COMPONENTS
    from fcatlas.registry.views.units import FILTERS

    return tuple(sorted(set(FILTERS) | set(PAGE_PARAMETERS) | {f"vikt_{name}" for name in COMPONENTS}))


@functools.cache
def parameter_names() -> tuple[str, ...]:
    """Every query parameter a page or endpoint reads: the pages' own and every one in the OpenAPI schema."""
    return tuple(sorted({name for names in api_parameters().values() for name in names} | set(page_parameters())))


parameter_values = st.one_of(
    st.sampled_from(["", "\x00", "1\x00", "0", "-1", "1", "2", "25", "26", "500", "2000", "5000", "2015", "2025",
                     "9" * 30, "9" * 400, "-" + "9" * 30, "1e309", "nan", "inf", "12", "01", "14", "1280", "0180",
                     "9999", "omrade", "kommun", "region", "municipality", "csv", "xlsx", "geojson", "hsds", "true",
                     "false", "1,2", "13.0,55.6", "55.6,13.0", "13.0,55.6,extra", "abc,def", "1e400,1",
                     "<script>", "' OR 1=1 --", "%", "..", "\ud800"]),
    st.text(max_size=20),
    st.integers().map(str),
)


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # the admin is Django's own, behind its own login
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


PATH_VALUES = {"<str:code>": ["12", "1280", "99", "x%00"], "<code>": ["12", "1280", "99", "ab"],
               "<int:pk>": ["{unit}", "999999", "9" * 30], "<int:number>": ["{unit}", "999999", "9" * 30],
               "<unit_id>": ["{unit}", "999999", "9" * 30, "-1", "x"], "<str:token>": ["x", "eyJpIjoxfQ:1:x"],
               "<slug:code>": ["enhet", "x"], "<str:fmt>": ["csv", "xlsx", "xml", "x"],
               "<int:invitation>": ["1", "9" * 30], "<str:kind>": ["region", "x"],
               "<slug:figure_id>": ["per-plats", "x"], "<int:unit>": ["{unit}", "999999", "9" * 30],
               "<slug:slug>": ["fraga-om-vald-pa-familjecentralen", "x"]}


NOT_PAGES = re.compile(r"^/(api/v1|api/hsds|i18n|admin)/|\.(svg|geojson|csv|xlsx|xml|x)$|/(pdf|ta-bort|faststall|fil|"
                       r"spara|skicka-in|logga-ut|utskick|vidarebefordra)/$|%00")
"""Routes that are no page to look at: the APIs, files, figures, and the addresses forms post to."""


@functools.cache
def url_routes() -> dict[str, tuple[str, ...]]:
    """{every page and API endpoint's path with sample values: the query parameters it reads}
    (``{unit}`` stands for an existing unit's number)."""
    routes = {}
    for route in _patterns(get_resolver().url_patterns):
        variants = [route]
        for placeholder, values in PATH_VALUES.items():
            if placeholder in route:
                variants = [variant.replace(placeholder, value) for variant in variants for value in values]
        names = api_parameters().get(route, ()) if route.startswith("api/") else page_parameters()
        routes.update(("/" + variant, names) for variant in variants)
    return dict(sorted(routes.items()))


def url_paths() -> tuple[str, ...]:
    return tuple(url_routes())


@st.composite
def query_strings(draw) -> str:
    pairs = draw(st.lists(st.tuples(st.sampled_from(parameter_names()) | st.text(max_size=8), parameter_values),
                          max_size=6))
    if draw(st.integers(0, 9)) == 0:   # raw bytes that are no UTF-8, as a hand-made link may carry
        return "&".join(f"{quote(name.encode('utf-8', 'surrogatepass'))}={quote(draw(st.binary(max_size=8)))}"
                        for name, _ in pairs) or "a=%ff%fe"
    return urlencode([(name.encode("utf-8", "surrogatepass"), value.encode("utf-8", "surrogatepass"))
                      for name, value in pairs])


def check_request(client: Client, path: str, query: str) -> str:
    """GET a page or endpoint with a query string: never a 500. Returns the status class ("2xx", "4xx", …)."""
    response = client.get(path, QUERY_STRING=query)
    assert response.status_code < 500, f"{response.status_code} for {path}?{query}"
    if response.status_code == 400 and "\x00" in query.replace("%00", "\x00"):
        assert "otillåtet tecken" in response.content.decode("utf-8", "replace")
    outcome = f"{response.status_code // 100}xx"
    OUTCOMES[("GET " + ("API" if path.startswith("/api/") else "page"), outcome)] += 1
    return outcome


class _NamesRead(QueryDict):
    """A query dict that notes each name a view asks for, present or not (iterating it, as the NUL check does for
    every request, asks for no name)."""

    def __init__(self, *args, noted: set, **kwargs):
        super().__init__(*args, **kwargs)
        self.noted = noted

    def __getitem__(self, key):
        self.noted.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.noted.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self.noted.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self.noted.add(key)
        return super().__contains__(key)


def parameters_read(client: Client, path: str) -> set[str]:
    """The query parameters a page asks for when it is opened with none and with every one it might read."""
    noted: set[str] = set()

    def noting(request):
        query = get_bytes_from_wsgi(request.environ, "QUERY_STRING", "")
        return _NamesRead(query, encoding=request._encoding, noted=noted)

    original = WSGIRequest.__dict__["GET"]
    WSGIRequest.GET = property(noting)
    try:
        client.get(path)
        client.get(path, {name: "1" for name in page_parameters()})
    finally:
        WSGIRequest.GET = original
    return noted


def check_upload(client: Client, filename: str, data: bytes) -> str:
    """Upload a file on the import page (logged in as an editor): never a 500."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/enheter/import/", {"fil": SimpleUploadedFile(filename, data)})
    assert response.status_code < 500, f"{response.status_code} for an upload of {filename}"
    outcome = f"{response.status_code // 100}xx"
    OUTCOMES[("POST import page", outcome)] += 1
    return outcome


@st.composite
def submission_files(draw) -> tuple[str, bytes]:
    """ODK submissions (XML, also broken or hostile) and Kobo/ODK Central exports for the survey importer."""
    tags = st.sampled_from(["data", "enheten", "namn", "telefon", "samordnare", "samordnare_tid", "verksamheter",
                            "verksamheter_pa_plats", "program", "grupp", "grupp_namn", "grupp_antal", "meta",
                            "instanceID", "fcatlas_respondent", "x"])

    def element(depth: int) -> str:
        tag = draw(tags)
        if depth > 3 or draw(st.booleans()):
            return f"<{tag}>{_escape(draw(text))}</{tag}>"
        return f"<{tag}>" + "".join(element(depth + 1) for _ in range(draw(st.integers(0, 3)))) + f"</{tag}>"

    kind = draw(st.sampled_from(["right", "right", "xml", "xml", "hostile", "csv", "xlsx", "bytes"]))
    if kind == "right":  # a submission that is right but for a value or two: these reach the writing step
        values = {"namn": "Familjecentralen Fuzz", "telefon": "040-10 20 30", "samordnare": "nej",
                  "verksamheter_pa_plats": "child_health", "bvc_huvudman": "region", "grupp_namn": "Pappagrupp",
                  "grupp_antal": "8"}
        for key in draw(st.lists(st.sampled_from(sorted(values)), max_size=2, unique=True)):
            values[key] = draw(text)
        v = {key: _escape(value) for key, value in values.items()}
        instance = draw(st.uuids()) if draw(st.integers(0, 4)) else "inte-ett-uuid"
        data = (f'<data id="provformular" version="1"><fcatlas_respondent>enhet:{{unit}}</fcatlas_respondent>'
                f"<enheten><namn>{v['namn']}</namn><telefon>{v['telefon']}</telefon><samordnare>{v['samordnare']}"
                f"</samordnare></enheten><verksamheter><verksamheter_pa_plats>{v['verksamheter_pa_plats']}"
                f"</verksamheter_pa_plats><bvc><bvc_huvudman>{v['bvc_huvudman']}</bvc_huvudman></bvc></verksamheter>"
                f"<program><grupp><grupp_namn>{v['grupp_namn']}</grupp_namn><grupp_antal>{v['grupp_antal']}"
                f"</grupp_antal></grupp></program><meta><instanceID>uuid:{instance}</instanceID></meta></data>")
        return "inskick.xml", data.encode("utf-8", "surrogatepass")
    if kind == "xml":
        body = "".join(element(1) for _ in range(draw(st.integers(0, 4))))
        respondent = draw(st.sampled_from(["enhet:1", "enhet:2", "kommun:1280", "region:12", "", "x"]))
        data = (f'<data id="{draw(st.sampled_from(["provformular", "annat"]))}" version="1">'
                f"<fcatlas_respondent>{respondent}</fcatlas_respondent>{body}</data>").encode("utf-8", "surrogatepass")
        return "inskick.xml", _truncated(data, draw(st.integers(0, 999))) if draw(st.integers(0, 9)) == 0 else data
    if kind == "hostile":
        return "inskick.xml", b'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>' \
                              b"<data>&b;</data>"
    if kind in ("csv", "xlsx"):
        columns, rows = draw(tables)
        columns = [draw(st.sampled_from(["fcatlas_respondent", "enheten/namn", "enheten-telefon", "_uuid", "KEY",
                                         "_index", "program/grupp/grupp_namn"])) if i % 2 else column
                   for i, column in enumerate(columns)]
        if kind == "csv":
            return "export.csv", "\n".join(";".join(row) for row in [columns, *rows]).encode("utf-8", "surrogatepass")
        workbook = Workbook()
        workbook.active.append([_sheet_text(column) for column in columns])
        for row in rows:
            workbook.active.append([_sheet_text(value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return "export.xlsx", buffer.getvalue()
    return draw(st.sampled_from(["x.xml", "x.csv", "x.xlsx", "x.pdf"])), draw(st.binary(max_size=300))


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def check_survey_import(wave, version, filename: str, data: bytes, unit_pk: int) -> str:
    """Check (and when clean, import) a file of submissions: refused with reasons and nothing written, or imported.
    ``{unit}`` in the file stands for an invited unit's number."""
    from fcatlas.survey.interchange import apply_import, plan_import
    from fcatlas.survey.models import Response

    data = data.replace(b"{unit}", str(unit_pk).encode())
    before = Response.objects.count()
    plan = plan_import(wave, version, data, filename)
    if plan.has_errors:
        assert all(message.strip() for message in plan.messages)
        assert all(row.messages for row in plan.rows if row.action == "error")
        assert Response.objects.count() == before, "a refused file wrote something"
        outcome = "refused"
    else:
        outcome = "imported" if apply_import(plan).created else "nothing to import"
    OUTCOMES[(f"survey import {filename.rpartition('.')[2]}", outcome)] += 1
    return outcome
