"""Where the support programme's activities landed on the real areas: the RegSO each activity concerned (its
own area code, or the area its unit lies in), that area's SCB area type and the Police's category, and the
support each kommun and area has had — for the "where next" list and the summary to the government."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from fcatlas.analysis.police import DEFAULT_LIST_YEAR, police_column
from fcatlas.analysis.priority import CHALLENGED_AREA_TYPES
from fcatlas.analysis.small_areas import small_area_of_points
from fcatlas.geo import to_sweref
from fcatlas.support.models import SupportActivity

from .inputs import current_layer


@dataclass(frozen=True)
class ActivityPlace:
    small_area_code: str | None
    small_area_name: str | None
    area_type: int | None
    police_category: str | None

    @property
    def challenged(self) -> bool:
        return self.area_type in CHALLENGED_AREA_TYPES

    @property
    def police_listed(self) -> bool:
        return bool(self.police_category)

    @property
    def priority_area(self) -> bool:
        """In one of SCB's area types 1–2 or in the Police's list: the areas the remit says to put first."""
        return self.challenged or self.police_listed


NO_AREA = ActivityPlace(None, None, None, None)


def activity_places(activities, year: int = DEFAULT_LIST_YEAR) -> dict[int, ActivityPlace]:
    """{activity pk: its area}; an activity given to a whole kommun or region without an area has none."""
    activities = list(activities)
    codes = {activity.pk: activity.small_area_code for activity in activities if activity.small_area_code}
    located = [activity for activity in activities if activity.pk not in codes and activity.unit_id
               and activity.unit.latitude is not None]
    areas = current_layer().areas
    if located:
        xy = np.column_stack(to_sweref(np.array([a.unit.longitude for a in located]),
                                       np.array([a.unit.latitude for a in located])))
        found = small_area_of_points(xy, areas)
        codes |= {activity.pk: code for activity, code in zip(located, found) if code is not None}
    column = police_column(year)
    facts = {row.small_area_code: row for row in areas.loc[areas["small_area_code"].isin(set(codes.values())),
                                                            ["small_area_code", "name", "area_type", column]]
             .itertuples(index=False)}
    places = {}
    for activity in activities:
        area = facts.get(codes.get(activity.pk))
        if area is None:
            places[activity.pk] = NO_AREA
            continue
        category = getattr(area, column)
        places[activity.pk] = ActivityPlace(
            small_area_code=area.small_area_code, small_area_name=area.name,
            area_type=None if pd.isna(area.area_type) else int(area.area_type),
            police_category=None if category is None or pd.isna(category) else str(category))
    return places


@dataclass
class SupportHad:
    count: int = 0
    participants: int = 0
    latest: date | None = None
    types: tuple[str, ...] = ()

    def add(self, activity: SupportActivity) -> None:
        self.count += 1
        self.participants += activity.participant_count
        self.latest = max(filter(None, (self.latest, activity.held_on)))
        label = activity.get_activity_type_display()
        if label not in self.types:
            self.types = (*self.types, label)


def support_had(year: int = DEFAULT_LIST_YEAR) -> tuple[dict[str, SupportHad], dict[str, SupportHad]]:
    """The support each kommun has had (given to it or a unit in it) and each area (by its code or its unit's)."""
    activities = list(SupportActivity.objects.select_related("unit").order_by("held_on", "pk"))
    places = activity_places(activities, year)
    by_municipality, by_area = defaultdict(SupportHad), defaultdict(SupportHad)
    for activity in activities:
        if activity.municipality_id:
            by_municipality[activity.municipality_id].add(activity)
        code = places[activity.pk].small_area_code
        if code:
            by_area[code].add(activity)
    return dict(by_municipality), dict(by_area)
