"""How complete a unit's record is: the share of the questions the national mapping asks that are answered."""

QUESTIONS = {
    "namn": lambda r: bool(r["name"]),
    "besöksadress": lambda r: bool(r["street_address"]),
    "postnummer": lambda r: bool(r["postcode"]),
    "koordinater": lambda r: r["latitude"] is not None and r["longitude"] is not None,
    "öppningsdatum": lambda r: r["opened_on"] is not None,
    "verksamheter": lambda r: bool(r["services"]),
    "huvudman per verksamhet": lambda r: bool(r["services"]) and all(s.get("principal") for s in r["services"].values()),
    "målgrupper": lambda r: any(r[f] for f in ("serves_expectant_parents", "serves_parents", "serves_other_adults",
                                              "serves_newly_arrived")) or r["children_age_to"] is not None,
    "barnens åldrar": lambda r: r["children_age_from"] is not None and r["children_age_to"] is not None,
    "arbetssätt": lambda r: bool(r["working_methods"]),
    "samverkansavtal": lambda r: r["has_cooperation_agreement"] is not None,
    "styrgrupp": lambda r: r["has_steering_group"] is not None,
    "samordnare": lambda r: r["has_coordinator"] is not None,
    "budget": lambda r: bool(r["budget"]),
    "finansiering": lambda r: r["has_state_or_project_funding"] is not None,
    "bemanning": lambda r: bool(r["staffing"]),
    "öppettider": lambda r: bool(r["opening_hours"]),
    "kontakt": lambda r: bool(r["phone"] or r["email"]),
    "säkerställd": lambda r: r["assured_date"] is not None,
}


def missing_answers(record: dict) -> list[str]:
    return [question for question, answered in QUESTIONS.items() if not answered(record)]


def completeness(record: dict) -> float:
    """Share (0–1) of ``QUESTIONS`` answered in a normalised unit record."""
    return 1 - len(missing_answers(record)) / len(QUESTIONS)
