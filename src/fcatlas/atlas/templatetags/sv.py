from django import template

from fcatlas.formatting import format_number, format_percent

register = template.Library()


@register.filter
def number(value, decimals=0):
    return format_number(value, int(decimals))


@register.filter
def percent(value, decimals=0):
    return format_percent(value, int(decimals))


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
