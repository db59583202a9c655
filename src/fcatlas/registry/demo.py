"""The demo registry: a deterministic, seeded, *synthetic* set of family centres.

No public list of real family centres is available offline, so ``demo_records`` builds one from the real
reference data (kommun boundaries and populations, tätorter, postcodes, the Police's vulnerable areas),
calibrated to the published figures of the 2023 national mapping (Folkhälsomyndigheten and Socialstyrelsen,
see data/SOURCES.md and ../shared/data/centres/REPORT_FIGURES.md, rows 1.1–1.10):

- exactly 246 units in exactly 158 kommuner and 18 of the 21 regions, none in Uppsala (03), Gotland (09) or
  Blekinge (10);
- kommuner drawn with probability rising with their population, bigger kommuner get several units;
- about a third (82 of 246) inside or within 1 km of one of the Police's 2023 vulnerable areas, standing in for
  "areas with socioeconomic challenges" (SCB's area types are not in the shipped data); the rest at real tätorter
  of the kommun, more than 1 km from every 2023 area;
- children mainly 0–6 (0–5 in Region Stockholm, as its family-centre assignment says).

Everything else (services, principals, governance, staffing, dates, addresses) is plausible but invented.
Every record says so: ``synthetic=True``, ``source="synthetic_demo"`` and ``source_detail`` "Syntetisk demodata,
frö N (fcatlas load-demo)". Street addresses are fictitious ("Exempelgatan 12"), as are private and non-profit
provider names (they all contain "Exempel").

``demo_records`` is pure (files in, records out, the same seed gives the same records); ``load_demo`` writes them
through ``editing.save_unit`` in one transaction, so a second run changes nothing.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer

from fcatlas.datafiles import DataFileError, read_csv, read_features

from . import schedules
from .working_methods import INITIAL_WORKING_METHODS

DEFAULT_SEED = 2023
EXTERNAL_ID_PREFIX = "demo-"
SOURCE = "synthetic_demo"
SOURCE_DETAIL = "Syntetisk demodata, frö {seed} (fcatlas load-demo)"

# Calibration to the 2023 national mapping (REPORT_FIGURES.md 1.1, 1.3–1.5, 1.9).
UNITS = 246
MUNICIPALITIES = 158
EXCLUDED_REGIONS = ("03", "09", "10")  # Uppsala, Gotland, Blekinge: no unit in 2023
NEAR_UNITS = 82  # "en tredjedel" of 246
VULNERABLE_LIST_YEAR = 2023
NEAR_DISTANCE_M = 1000.0

# How the generator places points (EPSG:3006 metres).
_NEAR_BUFFER_M = 700.0  # near units: inside the area or at most this far outside it
_FAR_MARGIN_M = 1100.0  # other units: at least this far from every 2023 area
_JITTER_SIGMA_M = 250.0
_JITTER_MAX_M = 600.0
_MIN_SPACING_M = 600.0
_KOMMUN_TOLERANCE_M = 2000.0
_POPULATION_EXPONENT = 0.8  # P(kommun chosen) rises with population**0.8
_EXTRA_UNITS_EXPONENT = 1.2  # extra units go to kommuner with probability rising faster than population

_TO_SWEREF = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
_TO_WGS84 = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)

PRIVATE_PROVIDERS = ("Exempelvården AB", "Exempelhälsan AB", "Familjehälsan Exempel AB", "Vårdcentralen Exempel AB")
NON_PROFIT_PROVIDERS = ("Exempelföreningen för familjestöd", "Stiftelsen Exempelhjälpen", "Exempelkyrkans familjearbete")
PRIVATE_CONTRACTORS = ("Exempelpedagogerna AB", "Exempelomsorg AB")
STREETS = ("Exempelgatan", "Exempelvägen", "Exempeltorget", "Exempelallén", "Exempelstigen", "Exempelplan")
NICKNAMES = ("Solstrålen", "Regnbågen", "Humlan", "Nyckelpigan", "Blåklockan", "Vitsippan", "Lärkan", "Ekorren",
             "Kotten", "Trollsländan", "Linden", "Ängen", "Källan", "Fyren", "Bikupan", "Sjöstjärnan", "Maskrosen",
             "Gläntan", "Tallkotten", "Skogsgläntan", "Måsen", "Svalan", "Tussilagon", "Näckrosen")
OPENING_HOURS = (
    "mån–fre 8.30–16.30", "mån–fre 8.00–16.00", "mån–tors 8.00–16.30, fre 8.00–15.00",
    "mån–fre 9.00–15.00", "mån, tis, tors 9.00–16.00, ons 9.00–18.00, fre 9.00–13.00",
    "mån–fre 8.00–17.00", "tis–fre 9.00–15.30", "mån–tors 8.30–16.00, fre 8.30–12.00",
)
DROP_IN_HOURS = ("mån, ons, fre 9.00–12.00", "tis, tors 9.30–12.00", "mån–fre 9.00–12.00", "tis 13.00–16.00, tors 9.00–12.00")
ACCESSIBILITY = ("Entré i markplan utan trappsteg, hiss, tillgänglig toalett och parkering för rörelsehindrade.",
                 "Ramp vid entrén, dörröppnare och tillgänglig toalett.",
                 "Entré i markplan; toaletten är inte anpassad för rullstol.",
                 "Hiss till andra våningen; barnvagnsparkering i entrén.")
LANGUAGE_CHOICES = ("ar", "so", "fa", "prs", "ti", "en", "ku", "pl", "uk", "bs", "fi", "es")
"""Languages staff may speak besides Swedish (invented, more of them near vulnerable areas)."""
# Working methods: (code, weight in general, weight near vulnerable areas).
_METHOD_WEIGHTS = {
    "parenting_support": (3, 3), "parenting_programme_abc": (2, 2), "parenting_programme_cop": (1, 1),
    "parent_groups": (5, 4), "extended_home_visits": (1, 4), "language_reading": (3, 4),
    "violence_routine_questions": (3, 3), "honour_violence_prevention": (0.5, 2),
    "father_partner_groups": (2, 2), "gender_equal_parenting": (2, 2), "open_activities": (5, 5),
    "health_promotion": (3, 3), "society_orientation": (0.5, 3), "counselling_drop_in": (2, 2),
    "interpreter_support": (0.5, 3),
}
assert set(_METHOD_WEIGHTS) == {code for code, *_ in INITIAL_WORKING_METHODS}


class DemoDataError(DataFileError):
    """A data file is missing or unusable, or the calibration cannot be met; the message says which."""


# --------------------------------------------------------------------------------------------------- inputs

@dataclass
class _Kommun:
    code: str
    name: str
    organisation: str  # "Stockholms stad", from organisationsnamn.csv
    region: str
    population: int
    polygon: shapely.Geometry  # EPSG:3006
    tatorter: list[dict] = field(default_factory=list)


@dataclass
class _Area:
    name: str
    kommun: str
    category: str
    polygon: shapely.Geometry  # EPSG:3006


@dataclass
class _Inputs:
    kommuner: dict[str, _Kommun]
    areas: list[_Area]  # the 2023 list
    postcodes: dict[str, list[tuple[str, str]]]  # kommun → [(postcode, locality)], sorted
    region_names: dict[str, str]


def _to_sweref(geometry: dict) -> shapely.Geometry:
    geom = shapely.geometry.shape(geometry)
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_SWEREF.transform(xy[:, 0], xy[:, 1])))


def vulnerable_area_polygons(data_dir: Path, year: int = VULNERABLE_LIST_YEAR) -> list[tuple[dict, shapely.Geometry]]:
    """The Police's vulnerable areas of one list year: (properties, polygon in EPSG:3006)."""
    path = Path(data_dir) / "geo" / "polisen_utsatta_omraden_panel_2015_2023.geojson"
    return [(f["properties"], _to_sweref(f["geometry"])) for f in read_features(path)
            if int(f["properties"]["ar"]) == year and f["geometry"]]


def _load_inputs(data_dir: Path) -> _Inputs:
    data_dir = Path(data_dir)
    geo, pop = data_dir / "geo", data_dir / "pop"
    population = {r["kommun_kod"]: int(r["folkmangd_2023_12_31"])
                  for r in read_csv(pop / "kommun_befolkning_2020_2024.csv")}
    names = {(r["typ"], r["kod"]): r["organisation"] for r in read_csv(geo / "organisationsnamn.csv")}
    kommuner = {}
    for f in read_features(geo / "kommuner.geojson"):
        p = f["properties"]
        code = p["kommun_kod"]
        if code not in population:
            raise DemoDataError(f"kommun_befolkning_2020_2024.csv: kommun {code} saknas")
        kommuner[code] = _Kommun(code, p["kommun_namn"], names[("kommun", code)], p["lan_kod"], population[code],
                                 _to_sweref(f["geometry"]))
    seen = set()
    for row in read_csv(pop / "tatorter_2020.csv"):
        if row["tatort_kod"] in seen or row["kommun_kod"] not in kommuner:
            continue  # the file repeats some rows
        seen.add(row["tatort_kod"])
        kommuner[row["kommun_kod"]].tatorter.append({
            "code": row["tatort_kod"], "name": row["tatort_namn"], "population": int(row["folkmangd"]),
            "area_m2": float(row["landareal_ha"] or 0) * 1e4,
            "x": float(row["x_sweref99tm"]), "y": float(row["y_sweref99tm"]),
        })
    for k in kommuner.values():
        k.tatorter.sort(key=lambda t: t["code"])
    areas = [_Area(p["namn"], p["kommun_kod"], p["kategori"], polygon)
             for p, polygon in vulnerable_area_polygons(data_dir)]
    areas.sort(key=lambda a: (a.kommun, a.name))
    postcodes = defaultdict(list)
    for row in read_csv(geo / "postnummer_till_kommun.csv"):
        postcodes[row["municipality_code"]].append((row["postal_code"], row["locality"]))
    for codes in postcodes.values():
        codes.sort()
    region_names = {code: name for (kind, code), name in names.items() if kind == "region"}
    return _Inputs(kommuner, areas, dict(postcodes), region_names)


# --------------------------------------------------------------------------------------------------- places

def _weights(values: Sequence[float], exponent: float) -> np.ndarray:
    w = np.asarray(values, dtype=float) ** exponent
    return w / w.sum()


def _choose_kommuner(inputs: _Inputs, forced: list[str], rng: np.random.Generator) -> list[str]:
    """``MUNICIPALITIES`` kommuner: the forced ones, one per uncovered eligible region, the rest by population."""
    eligible = sorted(c for c, k in inputs.kommuner.items() if k.region not in EXCLUDED_REGIONS)
    chosen = list(dict.fromkeys(forced))
    regions = sorted({inputs.kommuner[c].region for c in eligible})
    for region in regions:
        if any(inputs.kommuner[c].region == region for c in chosen):
            continue
        candidates = [c for c in eligible if inputs.kommuner[c].region == region]
        chosen.append(str(rng.choice(candidates, p=_weights(
            [inputs.kommuner[c].population for c in candidates], _POPULATION_EXPONENT))))
    rest = [c for c in eligible if c not in chosen]
    missing = MUNICIPALITIES - len(chosen)
    if missing < 0 or missing > len(rest):
        raise DemoDataError(f"Kan inte välja {MUNICIPALITIES} kommuner ({len(chosen)} är redan givna).")
    chosen += [str(c) for c in rng.choice(rest, size=missing, replace=False, p=_weights(
        [inputs.kommuner[c].population for c in rest], _POPULATION_EXPONENT))]
    return sorted(chosen)


def _area_allocation(areas: list[_Area], rng: np.random.Generator) -> list[int]:
    """Which area each of the ``NEAR_UNITS`` units lies at: especially vulnerable areas are more likely,
    and an area's weight falls with every unit it already has."""
    weight = np.array([{"Särskilt utsatt område": 3.0, "Riskområde": 2.0}.get(a.category, 1.0) for a in areas])
    picks = []
    for _ in range(NEAR_UNITS):
        i = int(rng.choice(len(areas), p=weight / weight.sum()))
        picks.append(i)
        weight[i] *= 0.3
    return sorted(picks)


class _Placer:
    """Draws points (EPSG:3006) that keep their distance from each other and respect the placement rules."""

    def __init__(self, inputs: _Inputs, rng: np.random.Generator):
        self.inputs, self.rng = inputs, rng
        self.area_union = shapely.union_all([a.polygon for a in inputs.areas])
        for k in inputs.kommuner.values():
            shapely.prepare(k.polygon)
        shapely.prepare(self.area_union)
        self.placed: list[tuple[float, float]] = []

    def _spaced(self, x: float, y: float, spacing: float) -> bool:
        return all((x - px) ** 2 + (y - py) ** 2 >= spacing ** 2 for px, py in self.placed)

    def _in_kommun(self, kommun: _Kommun, x: float, y: float, tolerance: float = 0.0) -> bool:
        point = shapely.Point(x, y)
        return kommun.polygon.contains(point) or (tolerance > 0 and kommun.polygon.distance(point) <= tolerance)

    def _accept(self, x: float, y: float) -> tuple[float, float]:
        self.placed.append((x, y))
        return x, y

    def _uniform_in(self, polygon: shapely.Geometry) -> tuple[float, float]:
        minx, miny, maxx, maxy = polygon.bounds
        for _ in range(10_000):
            x, y = self.rng.uniform(minx, maxx), self.rng.uniform(miny, maxy)
            if polygon.contains(shapely.Point(x, y)):
                return float(x), float(y)
        point = polygon.representative_point()
        return point.x, point.y

    def near(self, area: _Area) -> tuple[float, float]:
        """Inside the area (three in four) or in a ring up to ``_NEAR_BUFFER_M`` outside it, in its kommun."""
        kommun = self.inputs.kommuner[area.kommun]
        ring = area.polygon.buffer(_NEAR_BUFFER_M).intersection(kommun.polygon)
        for attempt in range(400):
            zone = area.polygon if self.rng.random() < 0.75 else ring
            x, y = self._uniform_in(zone)
            spacing = _MIN_SPACING_M / 2 if attempt < 200 else 0.0
            if self._in_kommun(kommun, x, y) and self._spaced(x, y, spacing):
                return self._accept(x, y)
        point = area.polygon.representative_point()
        return self._accept(point.x, point.y)

    def far(self, kommun: _Kommun, tatort: dict | None, previous_at_tatort: int) -> tuple[float, float]:
        """Near a tätort of the kommun (a small jitter for its first unit, spread over the tätort for the next
        ones), inside the kommun and more than ``_FAR_MARGIN_M`` from every 2023 vulnerable area."""
        def ok(x, y, spacing, tolerance=0.0):
            return (self._in_kommun(kommun, x, y, tolerance) and self._spaced(x, y, spacing)
                    and self.area_union.distance(shapely.Point(x, y)) > _FAR_MARGIN_M)

        if tatort is not None:
            radius = max(1000.0, 0.6 * np.sqrt(tatort["area_m2"] / np.pi))
            for attempt in range(300):
                if previous_at_tatort == 0 and attempt < 100:
                    dx, dy = np.clip(self.rng.normal(0, _JITTER_SIGMA_M, 2), -_JITTER_MAX_M, _JITTER_MAX_M)
                else:
                    r = radius * (1 + attempt / 100) * np.sqrt(self.rng.random())
                    angle = self.rng.uniform(0, 2 * np.pi)
                    dx, dy = r * np.cos(angle), r * np.sin(angle)
                x, y = tatort["x"] + float(dx), tatort["y"] + float(dy)
                tolerance = _KOMMUN_TOLERANCE_M if attempt >= 200 else 0.0
                if ok(x, y, _MIN_SPACING_M, tolerance):
                    return self._accept(x, y)
        for attempt in range(2000):
            x, y = self._uniform_in(kommun.polygon)
            if ok(x, y, _MIN_SPACING_M if attempt < 1000 else 0.0):
                return self._accept(x, y)
        raise DemoDataError(f"Hittar ingen plats i {kommun.name} mer än {_FAR_MARGIN_M:.0f} m från utsatta områden.")


def _short_place_name(name: str, kommun_name: str, rng: np.random.Generator) -> str:
    """A usable place name from a tätort name ("Upplands Väsby och Sollentuna") or an area name
    ("Rinkeby / Tensta", "Rosengård söder om Amiralsgatan")."""
    name = re.sub(r"\s+söder om .*$", "", re.sub(r"\s*\(.*?\)", "", name))
    parts = [p.strip() for p in re.split(r"\s*/\s*|,\s*|\s+och\s+", name) if p.strip()]
    if kommun_name in parts:
        return kommun_name
    return str(rng.choice(parts)) if parts else kommun_name


# --------------------------------------------------------------------------------------------------- content

def _pick(rng: np.random.Generator, options: dict):
    """One key of ``options`` ({value: weight})."""
    keys = list(options)
    w = np.array([options[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=w / w.sum()))]


def _maybe(rng: np.random.Generator, value_true: float, value_false: float, missing: float) -> bool | None:
    return _pick(rng, {True: value_true, False: value_false, None: missing})


def _fte(value: float) -> float:
    return round(round(value * 20) / 20, 2) or 0.05


def _services(classification: str, kommun: _Kommun, region_org: str, near: bool,
              rng: np.random.Generator) -> dict:
    stockholm = kommun.region == "01"
    if classification == "family_centre":
        core = ["maternal_health", "child_health", "open_preschool", "preventive_social_services"]
    elif classification == "similar_service":
        core = _pick(rng, {
            ("child_health", "open_preschool"): 45, ("child_health", "open_preschool", "preventive_social_services"): 25,
            ("child_health", "preventive_social_services"): 8, ("maternal_health", "child_health", "open_preschool"): 17,
            ("maternal_health", "child_health", "preventive_social_services"): 5,
        })
    else:
        core = _pick(rng, {("maternal_health", "child_health"): 5, ("child_health",): 2,
                           ("open_preschool", "preventive_social_services"): 3})
    services = {}
    health_private = 0.5 if stockholm else 0.15
    for kind in core:
        if kind in ("maternal_health", "child_health"):
            principal = "private" if rng.random() < health_private else "region"
            if principal == "private":
                form = _pick(rng, {"choice_scheme": 85, "contracted": 15})
                provider = str(rng.choice(PRIVATE_PROVIDERS))
            else:
                form = _pick(rng, {"own_management": 80, "choice_scheme": 20})
                provider = region_org
            part_time = {"maternal_health": 0.18, "child_health": 0.04}[kind]
        else:
            principal = _pick(rng, {"municipality": 88, "non_profit": 8, "private": 4} if kind == "open_preschool"
                              else {"municipality": 95, "non_profit": 5})
            form = "own_management" if principal == "municipality" else "contracted"
            provider = {"municipality": kommun.organisation, "non_profit": str(rng.choice(NON_PROFIT_PROVIDERS)),
                        "private": str(rng.choice(PRIVATE_CONTRACTORS))}[principal]
            part_time = {"open_preschool": 0.08, "preventive_social_services": 0.22}[kind]
        services[kind] = {"principal": principal, "operating_form": form, "provider_name": provider,
                          "fully_co_located": bool(rng.random() >= part_time)}
    others = {
        "family_counselling": (0.15, {"municipality": 80, "private": 20}),
        "dental_care": (0.10, {"region": 75, "private": 25}),
        "library": (0.12, {"municipality": 100}),
        "sfi": (0.22 if near else 0.05, {"municipality": 80, "private": 20}),
        "psychologist": (0.15, {"region": 85, "private": 15}),
        "civil_society": (0.30 if near else 0.12, {"non_profit": 100}),
    }
    for kind, (probability, principals) in others.items():
        if rng.random() >= probability:
            continue
        principal = _pick(rng, principals)
        provider = {"municipality": kommun.organisation, "region": region_org,
                    "private": str(rng.choice(PRIVATE_PROVIDERS)),
                    "non_profit": str(rng.choice(NON_PROFIT_PROVIDERS))}[principal]
        form = "own_management" if principal in ("region", "municipality") else "contracted"
        services[kind] = {"principal": principal, "operating_form": form, "provider_name": provider,
                          "fully_co_located": bool(rng.random() < 0.4)}
    return services


def _working_methods(services: dict, near: bool, newly_arrived: bool, rng: np.random.Generator) -> list[str]:
    codes = list(_METHOD_WEIGHTS)
    w = np.array([_METHOD_WEIGHTS[c][1 if near else 0] for c in codes], dtype=float)
    if "open_preschool" not in services:
        w[codes.index("open_activities")] *= 0.1
    if "preventive_social_services" not in services:
        w[codes.index("counselling_drop_in")] *= 0.2
        w[codes.index("extended_home_visits")] *= 0.2
    if newly_arrived:
        w[codes.index("society_orientation")] *= 3
        w[codes.index("interpreter_support")] *= 3
    n = int(rng.integers(2, 8))  # 2–7
    return sorted(str(c) for c in rng.choice(codes, size=n, replace=False, p=w / w.sum()))


def _staffing(services: dict, coordinator_fte: float | None, rng: np.random.Generator) -> dict:
    if rng.random() < 0.06:
        return {}  # not answered
    ranges = {"maternal_health": ("midwife", 0.5, 2.5), "child_health": ("child_health_nurse", 1.0, 4.0),
              "open_preschool": ("preschool_teacher", 1.0, 3.0),
              "preventive_social_services": ("social_worker", 0.5, 2.0), "psychologist": ("psychologist", 0.2, 1.0)}
    staffing = {}
    for kind, (profession, low, high) in ranges.items():
        if kind in services:
            share = 1.0 if services[kind]["fully_co_located"] else 0.4
            staffing[profession] = _fte(rng.uniform(low, high) * share)
    if "child_health" in services and rng.random() < 0.7:
        staffing["physician"] = _fte(rng.uniform(0.1, 0.4))
    if coordinator_fte:
        staffing["coordinator"] = coordinator_fte
    if rng.random() < 0.15:
        staffing["other"] = _fte(rng.uniform(0.2, 1.0))
    return dict(sorted(staffing.items()))


def _random_date(rng: np.random.Generator, first: date, last: date) -> date:
    return first + timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _exact_counts(total: int, shares: dict, rng: np.random.Generator) -> list:
    """``total`` values with exactly round(share × total) of each (the first key takes the rest), shuffled."""
    counts = {k: round(s * total) for k, s in shares.items()}
    first = next(iter(shares))
    counts[first] = total - sum(v for k, v in counts.items() if k != first)
    values = [k for k, n in counts.items() for _ in range(n)]
    return [values[i] for i in rng.permutation(total)]


# --------------------------------------------------------------------------------------------------- records

def demo_records(data_dir: Path, seed: int = DEFAULT_SEED) -> list[dict]:
    """The demo registry for ``seed``: unit records in the format of ``editing.unit_record``.

    Pure and deterministic: reads the shipped data files, the same seed gives identical records.
    """
    return [dict(r, services={k: dict(v) for k, v in r["services"].items()}, working_methods=list(r["working_methods"]),
                 staffing=dict(r["staffing"])) for r in _demo_records(str(Path(data_dir).resolve()), int(seed))]


@lru_cache(maxsize=4)
def _demo_records(data_dir: str, seed: int) -> tuple[dict, ...]:
    inputs = _load_inputs(Path(data_dir))
    rng = np.random.default_rng(seed)
    areas = [a for a in inputs.areas if inputs.kommuner[a.kommun].region not in EXCLUDED_REGIONS]
    if not areas:
        raise DemoDataError(f"Inga utsatta områden från {VULNERABLE_LIST_YEAR} utanför de uteslutna regionerna.")

    # 1. Where: units at vulnerable areas, then kommuner, then tätort units per kommun.
    near_picks = [areas[i] for i in _area_allocation(areas, rng)]
    kommun_codes = _choose_kommuner(inputs, sorted({a.kommun for a in near_picks}), rng)
    per_kommun = Counter(a.kommun for a in near_picks)
    far_counts = Counter({c: 1 for c in kommun_codes if per_kommun[c] == 0})
    extra = UNITS - NEAR_UNITS - sum(far_counts.values())
    if extra < 0:
        raise DemoDataError("För många kommuner för antalet enheter.")
    weights = _weights([inputs.kommuner[c].population for c in kommun_codes], _EXTRA_UNITS_EXPONENT)
    far_counts.update(str(c) for c in rng.choice(kommun_codes, size=extra, p=weights))

    placer = _Placer(inputs, rng)
    places = []  # (kommun, x, y, near, place name)
    for area in near_picks:
        x, y = placer.near(area)
        places.append((area.kommun, x, y, True, _short_place_name(area.name, inputs.kommuner[area.kommun].name, rng)))
    for code in sorted(far_counts):
        kommun = inputs.kommuner[code]
        used = Counter()
        for _ in range(far_counts[code]):
            tatort = None
            if kommun.tatorter:
                tatort = kommun.tatorter[int(rng.choice(len(kommun.tatorter), p=_weights(
                    [t["population"] for t in kommun.tatorter], 1.0)))]
            key = tatort["code"] if tatort else code
            x, y = placer.far(kommun, tatort, used[key])
            used[key] += 1
            place = _short_place_name(tatort["name"], kommun.name, rng) if tatort else kommun.name
            places.append((code, x, y, False, place))

    # 2. What: classification, status with exact counts; then every unit's content.
    classes = _exact_counts(UNITS, {"family_centre": 0.62, "similar_service": 0.34, "not_qualifying": 0.04}, rng)
    statuses = _exact_counts(UNITS, {"active": 0.955, "planned": 0.025, "temporarily_closed": 0.02}, rng)
    lon, lat = _TO_WGS84.transform([p[1] for p in places], [p[2] for p in places])
    used_names: set[str] = set()
    records = []
    for i, (code, _x, _y, near, place) in enumerate(places):
        kommun = inputs.kommuner[code]
        records.append(_record(inputs, kommun, place, near, classes[i], statuses[i],
                               round(float(lat[i]), 6), round(float(lon[i]), 6), used_names, seed, rng))

    records.sort(key=lambda r: (r["municipality_id"], r["name"]))
    for number, record in enumerate(records, start=1):
        record["external_id"] = f"{EXTERNAL_ID_PREFIX}{number:04d}"
    return tuple(records)


def _slug(place: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", place.casefold().translate(str.maketrans("åäöé", "aaoe"))).strip("-")


def _phone(rng: np.random.Generator) -> str:
    """One of the numbers PTS (Post- och telestyrelsen) reserves for fiction, 070-174 06 05 – 070-174 06 99:
    nobody is ever called."""
    return f"070-174 06 {int(rng.integers(5, 100)):02d}"


def _languages(near: bool, newly_arrived: bool, rng: np.random.Generator) -> list[str]:
    extra = int(rng.integers(2, 5)) if near or newly_arrived else int(rng.integers(0, 3))
    return sorted({"sv", *rng.choice(LANGUAGE_CHOICES, size=extra, replace=False).tolist()})


def _name(place: str, used: set[str], rng: np.random.Generator) -> str:
    """"Familjecentralen Rosengård" for the first unit at a place, "Familjecentralen Humlan, Rosengård" after."""
    prefix = _pick(rng, {"Familjecentralen": 80, "Familjens hus": 12, "Familjecentral": 8})
    name = f"{prefix} {place}"
    if place in used:
        for nickname in rng.permutation(NICKNAMES):
            name = f"Familjecentralen {nickname}, {place}"
            if name not in used:
                break
    used.update({place, name})
    return name


def _postcode(inputs: _Inputs, kommun: _Kommun, place: str, rng: np.random.Generator) -> tuple[str, str]:
    codes = inputs.postcodes.get(kommun.code, [])
    if not codes:
        return "", kommun.name
    for wanted in (place, kommun.name):
        matching = [c for c in codes if c[1].casefold() == wanted.casefold()]
        if matching:
            return matching[int(rng.integers(len(matching)))]
    return codes[int(rng.integers(len(codes)))]


def _record(inputs: _Inputs, kommun: _Kommun, place: str, near: bool, classification: str, status: str,
            latitude: float, longitude: float, used_names: set[str], seed: int, rng: np.random.Generator) -> dict:
    region_org = inputs.region_names[kommun.region]
    services = _services(classification, kommun, region_org, near, rng)
    postcode, locality = _postcode(inputs, kommun, place, rng)

    newly_arrived = bool(rng.random() < (0.75 if near else 0.25))
    age_to = _pick(rng, {5: 70, 6: 30} if kommun.region == "01" else {6: 70, 5: 30})
    age_from = 0
    if rng.random() < 0.10:  # an explicit, wider range
        age_to = int(rng.choice([7, 10, 12, 17]))
    if rng.random() < 0.03:  # not answered
        age_from = age_to = None

    has_coordinator = _maybe(rng, 62, 30, 8)
    # Quarter steps: exact in binary floating point, which Unit.coordinator_fte (2 decimals) needs after
    # editing.normalised turns it into a float (0.4 would become Decimal("0.4000") and fail validation).
    coordinator_fte = float(rng.choice([0.25, 0.5, 0.5, 0.75, 1.0])) if has_coordinator else None

    if status == "planned":
        opened_on = None
    else:
        last = date(2020, 12, 31) if status == "temporarily_closed" else date(2025, 6, 30)
        if rng.random() < 0.5:  # about half existed at the 2008 mapping (131 units)
            opened_on = _random_date(rng, date(1995, 1, 1), date(2008, 12, 31))
        else:
            opened_on = _random_date(rng, date(2009, 1, 1), last)
    assured_date = None
    if rng.random() < 0.85:
        first = max(opened_on or date(2023, 1, 1), date(2023, 1, 1))
        assured_date = _random_date(rng, first, max(first, date(2025, 12, 31))).isoformat()

    record = {
        "external_id": None,
        "name": _name(place, used_names, rng),
        "status": status,
        "opened_on": opened_on.isoformat() if opened_on else None,
        "closed_on": None,
        "street_address": f"{rng.choice(STREETS)} {int(rng.integers(1, 60))}",
        "postcode": postcode,
        "locality": locality,
        "municipality_id": kommun.code,
        "latitude": latitude,
        "longitude": longitude,
        "serves_expectant_parents": "maternal_health" in services or bool(rng.random() < 0.3),
        "serves_parents": bool(rng.random() < 0.97),
        "children_age_from": age_from,
        "children_age_to": age_to,
        "serves_other_adults": bool(rng.random() < 0.55),
        "serves_newly_arrived": newly_arrived,
        "has_cooperation_agreement": _maybe(rng, 72, 18, 10),
        "has_steering_group": _maybe(rng, 65, 25, 10),
        "has_coordinator": has_coordinator,
        "coordinator_fte": coordinator_fte,
        "budget": _pick(rng, {"separate": 70, "shared": 18, "": 12}),
        "has_state_or_project_funding": _maybe(rng, 18, 67, 15),
        "opening_hours": [] if rng.random() < 0.07 else schedules.parse(str(rng.choice(OPENING_HOURS))),
        "drop_in_hours": (schedules.parse(str(rng.choice(DROP_IN_HOURS)))
                          if "open_preschool" in services and rng.random() < 0.8 else []),
        "phone": _phone(rng) if rng.random() < 0.9 else "",
        "email": f"{_slug(place)}.familjecentral@exempel.se" if rng.random() < 0.8 else "",
        "website": f"https://exempel.se/familjecentral/{_slug(place)}" if rng.random() < 0.6 else "",
        "languages": _languages(near, newly_arrived, rng),
        "accessibility": "" if rng.random() < 0.3 else str(rng.choice(ACCESSIBILITY)),
        "source": SOURCE,
        "source_detail": SOURCE_DETAIL.format(seed=seed),
        "synthetic": True,
        "assured_date": assured_date,
    }
    record["services"] = dict(sorted(services.items()))
    record["working_methods"] = _working_methods(services, near, newly_arrived, rng)
    record["staffing"] = _staffing(services, coordinator_fte, rng)
    return record


# --------------------------------------------------------------------------------------------------- measuring

def distances_to_vulnerable_areas(records: Sequence[dict], data_dir: Path,
                                  year: int = VULNERABLE_LIST_YEAR) -> np.ndarray:
    """Each record's distance in metres (EPSG:3006) to the nearest of the Police's areas of ``year`` (0 inside);
    NaN for a record without coordinates."""
    polygons = [polygon for _, polygon in vulnerable_area_polygons(data_dir, year)]
    union = shapely.union_all(polygons)
    lon = np.array([r["longitude"] if r["longitude"] is not None else np.nan for r in records], dtype=float)
    lat = np.array([r["latitude"] if r["latitude"] is not None else np.nan for r in records], dtype=float)
    x, y = _TO_SWEREF.transform(lon, lat)
    distances = shapely.distance(shapely.points(np.column_stack([x, y])), union)
    return np.where(np.isnan(lon) | np.isnan(lat), np.nan, distances)


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    created: int
    updated: int
    unchanged: int
    removed: int
    skipped: list[str]
    """Demo units a person has edited since they were generated: left as the person left them."""
    units: int
    municipalities: int
    regions: int
    near_vulnerable: int
    classifications: dict[str, int]

    @property
    def near_vulnerable_share(self) -> float:
        return self.near_vulnerable / self.units if self.units else 0.0


def _edited_by_people(units) -> set[int]:
    """The demo units whose newest change came from anything but the demo generator (a person, an import)."""
    from .models import UnitChange

    newest: dict[int, str] = {}
    for number, source in UnitChange.objects.filter(unit__in=list(units)).order_by("unit_number", "version") \
            .values_list("unit_number", "source"):
        newest[number] = source
    return {number for number, source in newest.items() if source != SOURCE}


def load_demo(data_dir: Path, seed: int = DEFAULT_SEED,
              on_progress: Callable[[int, int], None] = lambda done, total: None) -> DemoSummary:
    """Synchronise the demo units (synthetic, external id ``demo-NNNN``) with ``demo_records(data_dir, seed)``.

    One transaction: new units are created, changed ones updated (a new version and history row), identical ones
    left alone, and demo units no longer generated removed (their history kept). Only units that are synthetic
    *and* have a ``demo-`` external id are touched, and never one that a person has edited since it was generated
    (those are listed in ``skipped``). ``on_progress(done, total)`` is called after each unit.
    """
    from django.db import transaction

    from .editing import remove_unit, save_unit
    from .models import Unit

    records = demo_records(data_dir, seed)
    wanted = {r["external_id"] for r in records}
    total = len(records) + 1
    created = updated = unchanged = 0
    skipped: list[str] = []
    with transaction.atomic():
        existing = {u.external_id: u for u in Unit.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)}
        real = sorted(eid for eid, u in existing.items() if not u.synthetic and eid in wanted)
        if real:
            raise DemoDataError(f"Enheter som inte är syntetiska har demo-id: {', '.join(real[:5])}. "
                                "Byt deras externa id innan demodata läses in.")
        edited = _edited_by_people(existing.values())
        for done, record in enumerate(records, start=1):
            unit = existing.get(record["external_id"])
            if unit is not None and unit.pk in edited:
                skipped.append(f"{unit.name} ({unit.external_id})")
                on_progress(done, total)
                continue
            result = save_unit(unit, record, source=SOURCE, source_detail=record["source_detail"],
                               expected_version=unit.version if unit else None)
            if result.created:
                created += 1
            elif result.changed:
                updated += 1
            else:
                unchanged += 1
            on_progress(done, total)
        stale = [u for eid, u in existing.items() if u.synthetic and eid not in wanted and u.pk not in edited]
        for unit in stale:
            remove_unit(unit, source=SOURCE, source_detail=f"Ingår inte i demodata med frö {seed}",
                        expected_version=unit.version)
        removed = len(stale)
        on_progress(total, total)
        classifications = Counter(Unit.objects.filter(synthetic=True, external_id__in=wanted)
                                  .values_list("classification", flat=True))

    near = int(np.sum(distances_to_vulnerable_areas(records, data_dir) <= NEAR_DISTANCE_M))
    return DemoSummary(
        seed=seed, created=created, updated=updated, unchanged=unchanged, removed=removed, skipped=skipped,
        units=len(records),
        municipalities=len({r["municipality_id"] for r in records}),
        regions=len({r["municipality_id"][:2] for r in records}),
        near_vulnerable=near,
        classifications={k: classifications.get(k, 0) for k in ("family_centre", "similar_service", "not_qualifying")},
    )
