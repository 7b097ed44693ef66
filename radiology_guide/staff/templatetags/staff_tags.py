from django import template

register = template.Library()


@register.filter
def timedelta_hours(value):
    """A duration as staff say it: '3 hours', '2 days 4 hours'."""
    hours = round(value.total_seconds() / 3600)
    if hours < 1:
        return f"{round(value.total_seconds() / 60)} minutes"
    days, hours = divmod(hours, 24)
    parts = [f"{days} day{'s' if days != 1 else ''}"] if days else []
    if hours or not parts:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    return " ".join(parts)
