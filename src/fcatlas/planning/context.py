"""Coverage for the atlas pages: the radius a visitor chose and the report for their place."""

from fcatlas.formatting import NO_BREAK_SPACE
from fcatlas.registry.models import Unit

from .services import DEFAULT_RADIUS_M, RADIUS_CHOICES_M, coverage_report


COVERAGE_COLOURS = ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f")
"""ColorBrewer Purples, 5 classes of the share of children 0–5 beyond the radius: 0–20 %, …, 80–100 %."""


def coverage_classes() -> list[tuple[str, str]]:
    return [(f"{20 * i}–{20 * (i + 1)}{NO_BREAK_SPACE}%", colour) for i, colour in enumerate(COVERAGE_COLOURS)]


def chosen_radius(request) -> int:
    try:
        radius = int(request.GET.get("radie", DEFAULT_RADIUS_M))
    except ValueError:
        return DEFAULT_RADIUS_M
    return radius if radius in RADIUS_CHOICES_M else DEFAULT_RADIUS_M


def coverage_context(request, *, municipality: str | None = None, region: str | None = None) -> dict:
    return {
        "coverage": coverage_report(municipality=municipality, region=region, radius_m=chosen_radius(request)),
        "radius_choices": RADIUS_CHOICES_M,
        "coverage_classes": coverage_classes(),
        "registry_synthetic": Unit.objects.filter(synthetic=True).exists(),
    }
