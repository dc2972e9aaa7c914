"""Number formatting for the report tables: readable, and the same on every table."""
from django import template

register = template.Library()


@register.filter
def cell(value):
    """1234567 -> '1,234,567'; 12.3456 -> '12.35'; None -> '–'."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return value


@register.filter
def cell_kind(value):
    """'num' for numbers (right-aligned in the tables), 'text' otherwise."""
    return "num" if isinstance(value, (int, float)) and not isinstance(value, bool) or value is None else "text"
