"""``{% page_figures page %}``: a page's illustrations (guide/figures.py)."""

from django import template

from radiology_guide.guide import figures

register = template.Library()


@register.inclusion_tag("includes/figure.html")
def page_figures(page):
    return {"figures": figures.for_page(page.slug)}
