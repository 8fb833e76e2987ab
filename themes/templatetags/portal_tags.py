from django import template

from portal.formatting import format_money

register = template.Library()


@register.filter
def vnd(amount):
    """Render an amount of đồng as "1.234.567 đ"."""
    return format_money(amount)
