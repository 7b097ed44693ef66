"""Links to other websites: only http(s) addresses are ever rendered as links."""

from django import template

from radiology_guide.guide.safety import is_web_link

register = template.Library()


@register.filter
def web_link(url):
    """True when ``url`` may go in an href (never javascript:, data: and the like)."""
    return is_web_link(url)
