"""Recording support activities: one function checks and saves every activity (form or file) and keeps the
saved version; the rows of the activities table and its file are built here too."""

import re
from datetime import date

from django.db import transaction

from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Unit

from .models import Revision, SupportActivity
from .revisions import check_current, keep
from .vocabulary import ActivityType, ParticipantRole, Theme, theme_label

REGSO_CODE = re.compile(r"^\d{4}R\d{3}$")
MAX_PARTICIPANTS = 10_000
ACTIVITY_FIELDS = ("activity_type", "held_on", "title", "description", "themes", "participants", "region",
                   "municipality", "unit", "small_area_code", "follow_up_on", "outcome")


class ActivityError(ValueError):
    """What is wrong with an activity a person saved: {field: Swedish message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _date(text: str, label: str, errors: dict, field: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = f"{label} ska skrivas ÅÅÅÅ-MM-DD, till exempel 2026-03-14, inte ”{text}”."
        return None


def checked_values(raw: dict) -> dict:
    """The model values of a form's fields, checked; :class:`ActivityError` names every field that is wrong.
    ``raw``: strings, ``themes`` a list of codes and ``participants`` {role: text}."""
    errors = {}
    activity_type = (raw.get("activity_type") or "").strip()
    if activity_type not in ActivityType.values:
        errors["activity_type"] = "Välj vilken typ av stöd det var."
    held_on = _date(raw.get("held_on"), "Datum", errors, "held_on")
    if held_on is None and "held_on" not in errors:
        errors["held_on"] = "Skriv datumet då stödet gavs."
    title = (raw.get("title") or "").strip()
    if not title:
        errors["title"] = "Skriv en rubrik, till exempel ”Dialogmöte om våldsrutiner”."
    themes = list(dict.fromkeys(code for code in raw.get("themes") or [] if code))
    if not themes:
        errors["themes"] = "Välj minst ett tema."
    elif unknown := [code for code in themes if code not in Theme.values]:
        errors["themes"] = f"Okänt tema ”{unknown[0]}”."
    participants = {}
    for role, text in (raw.get("participants") or {}).items():
        text = str(text or "").strip()
        if not text:
            continue
        label = ParticipantRole(role).label if role in ParticipantRole.values else role
        if role not in ParticipantRole.values:
            errors["participants"] = f"Okänd deltagarroll ”{role}”."
        elif not text.isdigit() or int(text) > MAX_PARTICIPANTS:
            errors[f"participants_{role}"] = f"Antalet {label.lower()} ska vara ett heltal från 0 till " \
                                             f"{MAX_PARTICIPANTS}, inte ”{text}”."
        elif int(text):
            participants[role] = int(text)
    region, municipality, unit = _target(raw, errors)
    small_area_code = (raw.get("small_area_code") or "").strip().upper()
    if small_area_code:
        if not REGSO_CODE.match(small_area_code):
            errors["small_area_code"] = (f"Områdets RegSO-kod ska vara fyra siffror, R och tre siffror, till "
                                         f"exempel 1280R012, inte ”{small_area_code}”.")
        elif municipality and small_area_code[:4] != municipality.code:
            errors["small_area_code"] = (f"Området {small_area_code} ligger inte i {municipality.name} "
                                         f"(kommunkod {municipality.code}).")
    follow_up_on = _date(raw.get("follow_up_on"), "Uppföljningsdatum", errors, "follow_up_on")
    if follow_up_on and held_on and follow_up_on < held_on:
        errors["follow_up_on"] = "Uppföljningen kan inte vara före datumet då stödet gavs."
    if errors:
        raise ActivityError(errors)
    return {"activity_type": activity_type, "held_on": held_on, "title": title,
            "description": (raw.get("description") or "").strip(), "themes": themes, "participants": participants,
            "region": region, "municipality": municipality, "unit": unit, "small_area_code": small_area_code,
            "follow_up_on": follow_up_on, "outcome": (raw.get("outcome") or "").strip()}


def _target(raw: dict, errors: dict):
    """The region, kommun and unit the support was given to: the most specific one chosen decides the others."""
    region_code, municipality_code, unit_text = (str(raw.get(name) or "").strip()
                                                 for name in ("region", "municipality", "unit"))
    unit = municipality = region = None
    if unit_text:
        unit = Unit.objects.filter(pk=int(unit_text)).select_related("municipality").first() \
            if unit_text.isdigit() else None
        if unit is None:
            errors["unit"] = f"Det finns ingen enhet med nummer ”{unit_text}”."
            return None, None, None
        if municipality_code and municipality_code != unit.municipality_id:
            errors["unit"] = f"{unit.name} ligger inte i den valda kommunen."
        municipality_code = unit.municipality_id
    if municipality_code:
        municipality = Municipality.objects.filter(code=municipality_code).first()
        if municipality is None:
            errors["municipality"] = f"Det finns ingen kommun med kod ”{municipality_code}”."
            return None, None, None
        if region_code and region_code != municipality.region_id:
            errors["municipality"] = f"{municipality.name} ligger inte i den valda regionen."
        region_code = municipality.region_id
    if not region_code:
        errors["region"] = "Välj vilken region, kommun eller enhet stödet gavs till."
        return None, None, None
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        errors["region"] = f"Det finns ingen region med kod ”{region_code}”."
    return region, municipality, unit


def _snapshot(activity: SupportActivity) -> dict:
    data = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    for name in ("region", "municipality", "unit"):
        data[name] = getattr(activity, f"{name}_id")
    for name in ("held_on", "follow_up_on"):
        data[name] = data[name].isoformat() if data[name] else None
    return data


@transaction.atomic
def save_activity(activity: SupportActivity | None, raw: dict, user, *, revision: str | None = None
                  ) -> SupportActivity:
    """Create or change an activity and keep the saved version in its history. A change must name the
    ``revision`` its form was opened at (``revisions.StaleEdit`` if it is not the newest)."""
    values = checked_values(raw)
    if activity is None:
        activity = SupportActivity(recorded_by=user)
    else:
        check_current(Revision.Kind.ACTIVITY, activity, revision)
    for name, value in values.items():
        setattr(activity, name, value)
    activity.save()
    keep(Revision.Kind.ACTIVITY, activity.pk, user, _snapshot(activity))
    return activity


def form_values(activity: SupportActivity) -> dict:
    """An activity's values as the form shows them."""
    return {"activity_type": activity.activity_type, "held_on": activity.held_on.isoformat(),
            "title": activity.title, "description": activity.description, "themes": activity.themes,
            "participants": {role: str(count) for role, count in activity.participants.items()},
            "region": activity.region_id, "municipality": activity.municipality_id or "",
            "unit": str(activity.unit_id or ""), "small_area_code": activity.small_area_code,
            "follow_up_on": activity.follow_up_on.isoformat() if activity.follow_up_on else "",
            "outcome": activity.outcome}


ACTIVITY_HEADERS = ("Nummer", "Datum", "Typ av stöd", "Rubrik", "Teman", "Region", "Kommun", "Enhet",
                    "Område (RegSO)", "Deltagare", *(role.label for role in ParticipantRole),
                    "Uppföljning", "Resultat")


def activity_row(activity: SupportActivity) -> list:
    return [activity.pk, activity.held_on.isoformat(), activity.get_activity_type_display(), activity.title,
            "; ".join(theme_label(code) for code in activity.themes), activity.region.name,
            activity.municipality.name if activity.municipality_id else "",
            activity.unit.name if activity.unit_id else "", activity.small_area_code, activity.participant_count,
            *(activity.participants.get(role, 0) for role in ParticipantRole.values),
            activity.follow_up_on.isoformat() if activity.follow_up_on else "", activity.outcome]


def filtered(activities, *, region: str = "", municipality: str = "", theme: str = "", activity_type: str = ""):
    if region:
        activities = activities.filter(region_id=region)
    if municipality:
        activities = activities.filter(municipality_id=municipality)
    if activity_type:
        activities = activities.filter(activity_type=activity_type)
    found = list(activities)
    return [activity for activity in found if theme in activity.themes] if theme else found
