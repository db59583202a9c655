import base64

from django import template

from fcatlas.formatting import format_distance

register = template.Library()


@register.filter
def distance(metres) -> str:
    return format_distance(float(metres))


@register.filter
def css_string(text) -> str:
    """Text safe inside a double-quoted CSS string (the page headers of the PDF)."""
    return "".join(ch for ch in str(text).replace("\\", "\\\\").replace('"', '\\"') if ch >= " " and ch not in "<>")


@register.filter
def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
