from django import template

from .. import presentation

register = template.Library()


@register.filter
def time_limit(channel):
    """Render a channel's time limit: "5 ngày làm việc", or the published text when unparsed."""
    return presentation.format_time_limit(channel)


@register.filter
def time_limit_summary(channels):
    """Render the shortest time limit of a list of channels, for listings."""
    return presentation.time_limit_summary(channels)


@register.filter
def fee(channel):
    """Render a channel's fee as "50.000 đ", or the published text when it states no amount."""
    return presentation.format_fee(channel)


@register.filter
def fee_summary(channels):
    """Render the known fee amounts of a list of channels, for listings."""
    return presentation.fee_summary(channels)
