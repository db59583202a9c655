"""The national definition of a family centre, as a pure function.

- *familjecentral* (``family_centre``): mödrahälsovård, barnhälsovård, öppen förskola and förebyggande
  socialtjänst co-located at the unit;
- *familjecentralsliknande verksamhet* (``similar_service``): barnhälsovård plus at least one of öppen
  förskola or förebyggande socialtjänst;
- otherwise ``not_qualifying``.

The stricter flag ``fully_co_located`` says whether every core service the unit has runs its whole ordinary
operation at the unit (not only some hours). Every result carries its reason in Swedish.
"""

from collections.abc import Mapping
from dataclasses import dataclass

CORE_SERVICES = ("maternal_health", "child_health", "open_preschool", "preventive_social_services")
MUNICIPAL_CORE_SERVICES = ("open_preschool", "preventive_social_services")

SERVICE_NAMES = {
    "maternal_health": "mödrahälsovård",
    "child_health": "barnhälsovård",
    "open_preschool": "öppen förskola",
    "preventive_social_services": "förebyggande socialtjänst",
}

CLASSIFICATION_LABELS = {
    "family_centre": "Familjecentral",
    "similar_service": "Familjecentralsliknande verksamhet",
    "not_qualifying": "Uppfyller inte definitionen",
}


@dataclass(frozen=True)
class Classification:
    value: str
    reason: str
    fully_co_located: bool
    co_location_reason: str

    @property
    def label(self) -> str:
        return CLASSIFICATION_LABELS[self.value]


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]


def classify(services: Mapping[str, bool]) -> Classification:
    """Classify a unit from its services: service type → whether it is fully co-located at the unit."""
    present = [s for s in CORE_SERVICES if s in services]
    missing = [SERVICE_NAMES[s] for s in CORE_SERVICES if s not in services]
    if not missing:
        value, reason = "family_centre", "Har alla fyra grundverksamheter: " + _join(
            [SERVICE_NAMES[s] for s in CORE_SERVICES]) + "."
    elif "child_health" not in services:
        value, reason = "not_qualifying", "Saknar barnhälsovård, som alla familjecentraler och " \
            "familjecentralsliknande verksamheter måste ha."
    elif not any(s in services for s in MUNICIPAL_CORE_SERVICES):
        value, reason = "not_qualifying", "Har barnhälsovård men varken öppen förskola eller förebyggande socialtjänst."
    else:
        value, reason = "similar_service", "Saknar " + _join(missing) + " för att vara familjecentral."

    part_time = [SERVICE_NAMES[s] for s in present if not services[s]]
    if not present:
        co_located, co_location_reason = False, "Har ingen grundverksamhet på plats."
    elif part_time:
        co_located = False
        co_location_reason = _join(part_time).capitalize() + " finns bara på plats delar av tiden."
    else:
        co_located, co_location_reason = True, "Alla grundverksamheter finns på plats hela tiden."
    return Classification(value, reason, co_located, co_location_reason)
