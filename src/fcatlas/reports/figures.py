"""A report's figures drawn as SVG with matplotlib: bar and line charts, and static maps from the shipped
boundaries (no tiles). Drawing is a pure function of the figure's data and the boundaries, and the SVG carries
no date or random id, so the same data always give the same file."""

import io
import json
from functools import lru_cache

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend is chosen before pyplot is imported)
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from fcatlas.formatting import format_number, format_percent  # noqa: E402
from fcatlas.geo import SWEREF99TM, WGS84  # noqa: E402
from fcatlas.planning.inputs import current_layer  # noqa: E402
from fcatlas.reference.models import Municipality  # noqa: E402
from fcatlas.reference.versions import reference_version  # noqa: E402

CLASS_STYLE = {
    "family_centre": {"color": "#1b7837", "marker": "o", "label": "Familjecentral"},
    "similar_service": {"color": "#2166ac", "marker": "D", "label": "Familjecentralsliknande verksamhet"},
    "not_qualifying": {"color": "#595959", "marker": "x", "label": "Uppfyller inte definitionen"},
}
SERIES_COLOURS = {"scope": "#2166ac", "nation": "#bdbdbd"}
CHOROPLETH_BREAKS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
CHOROPLETH_COLOURS = ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f")
"""ColorBrewer Purples, five classes (colour-blind safe), for shares between 0 and 1."""
MISSING_COLOUR = "#ffffff"
FONT = "DejaVu Sans"

plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "fcatlas", "font.family": FONT, "font.size": 9,
                     "axes.spines.top": False, "axes.spines.right": False})


def figure_svg(figure: dict) -> str:
    """The SVG text of one report figure (``kind`` bar, line or map)."""
    draw = {"bar": _bar, "line": _line, "map": _map}[figure["kind"]]
    fig = draw(figure)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "fcatlas"}, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _value_text(value, kind: str) -> str:
    if value is None:
        return "–"
    return format_percent(value) if kind == "share" else format_number(value)


def _bar(figure: dict) -> plt.Figure:
    categories, series = figure["categories"], figure["series"]
    stacked, kind = figure.get("stacked", False), figure["value_kind"]
    height = max(2.2, 0.28 * len(categories) * (1 if stacked else max(1, len(series) * 0.8)) + 0.9)
    fig, ax = plt.subplots(figsize=(6.3, height))
    positions = np.arange(len(categories))
    left = np.zeros(len(categories))
    bar_height = 0.75 if stacked else 0.8 / len(series)
    for i, one in enumerate(series):
        values = np.array([np.nan if v is None else v for v in one["values"]], dtype=float)
        colour = CLASS_STYLE.get(one["key"], {}).get("color") or SERIES_COLOURS.get(one["key"], "#2166ac")
        if stacked:
            ax.barh(positions, np.nan_to_num(values), left=left, height=bar_height, color=colour, label=one["label"],
                    hatch=["", "//", ".."][i % 3], edgecolor="white", linewidth=0.4)
            left += np.nan_to_num(values)
        else:
            offset = (i - (len(series) - 1) / 2) * bar_height
            bars = ax.barh(positions + offset, np.nan_to_num(values), height=bar_height, color=colour,
                           label=one["label"], edgecolor="#636363" if one["key"] == "nation" else colour, linewidth=0.4)
            if len(series) == 1 or one["key"] == "scope":
                for bar, value in zip(bars, values):
                    ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + _value_text(
                        None if np.isnan(value) else value, kind), va="center", fontsize=7.5)
    if stacked:
        for position, total in zip(positions, left):
            ax.text(total, position, " " + format_number(total), va="center", fontsize=7.5)
    ax.set_yticks(positions, categories)
    ax.invert_yaxis()
    if kind == "share":
        ax.set_xlim(0, 1.12)
        ax.xaxis.set_major_formatter(lambda x, _: format_percent(x))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(lambda x, _: format_number(x))
    if len(series) > 1:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(3, len(series)), frameon=False, fontsize=8)
    return fig


def _line(figure: dict) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(6.3, 2.8))
    years = figure["categories"]
    for one in figure["series"]:
        style = CLASS_STYLE.get(one["key"], {"color": "#2166ac", "marker": "o"})
        ax.plot(years, one["values"], color=style["color"], marker=style["marker"], markersize=3.5, label=one["label"],
                linewidth=1.5)
    ax.set_xticks(years[::2] if len(years) > 10 else years)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(lambda y, _: format_number(y))
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.5)
    return fig


@lru_cache(maxsize=32)
def _boundaries(version, kind: str, code: str) -> gpd.GeoSeries:
    """Kommun boundaries of the nation or a region, in SWEREF 99 TM, simplified below what the page shows."""
    municipalities = Municipality.objects.all() if kind == "national" else Municipality.objects.filter(
        region_id=code if kind == "region" else code[:2])
    rows = list(municipalities.values_list("code", "geometry"))
    shapes = shapely.from_geojson([json.dumps(geometry) for _, geometry in rows])
    series = gpd.GeoSeries(shapes, index=[c for c, _ in rows], crs=WGS84).to_crs(SWEREF99TM)
    return series.simplify(800 if kind == "national" else 150)


def _small_areas(municipality: str) -> gpd.GeoSeries:
    areas = current_layer().areas
    areas = areas[areas["municipality_code"].to_numpy() == municipality]
    return gpd.GeoSeries(areas.geometry.simplify(25).to_numpy(), index=areas["small_area_code"].to_numpy(),
                         crs=areas.crs).to_crs(SWEREF99TM)


def _class_of(value) -> int | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return min(int(value / 0.2), 4)


def _map(figure: dict) -> plt.Figure:
    scope = figure["scope"]
    national = scope["kind"] == "national"
    if figure["level"] == "small_area":
        shapes = _small_areas(scope["code"])
        outline = _boundaries(reference_version(), "municipality", scope["code"])
        outline = outline[outline.index == scope["code"]]
    else:
        shapes = _boundaries(reference_version(), scope["kind"], scope["code"])
        outline = None
    min_x, min_y, max_x, max_y = shapes.total_bounds
    width_in = 4.6 if national else 6.3
    fig, ax = plt.subplots(figsize=(width_in, min(9.2, max(3.5, width_in * (max_y - min_y) / (max_x - min_x)))))
    ax.set_axis_off()
    ax.set_aspect("equal")
    values = figure["values"]
    if values:
        classes = [_class_of(values.get(code)) for code in shapes.index]
        colours = [MISSING_COLOUR if c is None else CHOROPLETH_COLOURS[c] for c in classes]
        shapes.plot(ax=ax, color=colours, edgecolor="#636363", linewidth=0.25)
        missing = [i for i, c in enumerate(classes) if c is None]
        if missing:
            shapes.iloc[missing].plot(ax=ax, facecolor="none", edgecolor="#969696", hatch="////", linewidth=0.25)
        handles = [Patch(facecolor=colour, edgecolor="#636363", linewidth=0.4,
                         label=f"{format_percent(low)}–{format_percent(high)}")
                   for colour, low, high in zip(CHOROPLETH_COLOURS, CHOROPLETH_BREAKS, CHOROPLETH_BREAKS[1:])]
        if missing:
            handles.append(Patch(facecolor="white", edgecolor="#969696", hatch="////", label="Inga barn / uppgift saknas"))
        legend = ax.legend(handles=handles, title=figure["legend_title"], loc="upper left", frameon=False,
                           fontsize=7, title_fontsize=7.5, bbox_to_anchor=(0.0, 1.0) if not national else (0.0, 0.99))
        ax.add_artist(legend)
    else:
        shapes.plot(ax=ax, color="#f7f7f7", edgecolor="#969696", linewidth=0.3)
    if outline is not None:
        outline.boundary.plot(ax=ax, color="#252525", linewidth=0.8)
    points = figure["points"]
    if points:
        xy = gpd.GeoSeries(gpd.points_from_xy([p[0] for p in points], [p[1] for p in points]), crs=WGS84).to_crs(
            SWEREF99TM)
        kinds = np.array([p[2] for p in points])
        x, y = xy.x.to_numpy(), xy.y.to_numpy()
        markers = []
        for kind, style in CLASS_STYLE.items():
            chosen = kinds == kind
            if not chosen.any():
                continue
            filled = style["marker"] != "x"
            ax.scatter(x[chosen], y[chosen], s=9 if national else 22, marker=style["marker"],
                       facecolor=style["color"] if filled else style["color"],
                       edgecolor="white" if filled else None, linewidth=0.3 if filled else 0.9, zorder=3)
            markers.append(Line2D([], [], linestyle="none", marker=style["marker"], color=style["color"],
                                  markersize=5, label=f"{style['label']} ({format_number(int(chosen.sum()))})"))
        ax.legend(handles=markers, loc="lower right" if national else "lower left", frameon=True, framealpha=0.9,
                  edgecolor="#d9d9d9", fontsize=7)
    return fig
