from django import template

from fcatlas.formatting import format_distance, format_number, format_percent

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


@register.filter
def distance(metres):
    return format_distance(metres)


@register.filter
def complement(share):
    return 1 - share
