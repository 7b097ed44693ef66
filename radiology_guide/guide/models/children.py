"""What belongs to one site page: the comparison table's rows, the FAQs and
the glossary's terms. Publishing one is a change to its page's review
record, recorded by guide/publishing.py."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.html import strip_tags

from radiology_guide.guide.markdown import GlossaryLinker, image_problems, render_inline, render_markdown
from radiology_guide.guide.models.base import SyncedContent
from radiology_guide.guide.safety_rules import glossary_alias_problems, sedation_contradictions


def glossary_linker():
    return GlossaryLinker(
        (term.slug, term.words(), strip_tags(term.definition_html)) for term in GlossaryTerm.objects.all()
    )


class ChildContent(SyncedContent):
    """A row, FAQ or term that belongs to one site page (its review record)."""

    PARENT_SLUG = ""
    #: Fields written in Markdown (checked for images outside the library).
    MARKDOWN_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean(self):
        errors = {
            name: [message for _, message in image_problems(getattr(self, name))]
            # A glossary term is its definition's subject: "Sedation" and "you are still awake".
            + [message for _, message in sedation_contradictions(f"{getattr(self, 'term', '')} {getattr(self, name)}")]
            for name in self.MARKDOWN_FIELDS
        }
        errors["aliases"] = self.alias_problems()
        if any(errors.values()):
            raise ValidationError({name: messages for name, messages in errors.items() if messages})

    def alias_problems(self):
        return []


class ComparisonRow(ChildContent):
    PARENT_SLUG = "compare"
    FILE_FIELDS = ("feature", "diagnostic", "interventional", "order")
    MARKDOWN_FIELDS = ("diagnostic", "interventional")

    feature = models.CharField(max_length=120, unique=True)
    diagnostic = models.TextField(help_text="Markdown, kept short.")
    interventional = models.TextField(help_text="Markdown, kept short.")
    order = models.PositiveIntegerField(default=0)
    diagnostic_html = models.TextField(blank=True, editable=False)
    interventional_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["order", "feature"]

    def __str__(self):
        return self.feature

    def save(self, *args, linker=None, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def render(self, linker=None):
        self.diagnostic_html = render_inline(self.diagnostic)
        self.interventional_html = render_inline(self.interventional)


class FAQ(ChildContent):
    PARENT_SLUG = "faqs"
    FILE_FIELDS = ("group", "question", "anchor", "answer", "order")
    MARKDOWN_FIELDS = ("answer",)

    group = models.CharField(max_length=120)
    question = models.CharField(max_length=200)
    anchor = models.SlugField(max_length=80, unique=True, help_text="The link to this question: /faqs/#anchor")
    answer = models.TextField(help_text="Markdown.")
    order = models.PositiveIntegerField(default=0)
    answer_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["order"]
        verbose_name = "FAQ"

    def __str__(self):
        return self.question

    def save(self, *args, linker=None, **kwargs):
        self.render(linker or glossary_linker())
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("guide:faqs") + f"#{self.anchor}"

    def render(self, linker=None):
        # Prefixed ids: every answer shares the FAQ page. Terms link to the
        # glossary rather than open in place: 22 answers each repeating their
        # definitions took the page from 22 KB to 38 KB as sent, over the
        # 40 KB budget with its stylesheet (tests/browser/test_weight.py).
        self.answer_html = render_markdown(self.answer, linker, id_prefix=f"{self.anchor}-", explain=False).html


class GlossaryTerm(ChildContent):
    PARENT_SLUG = "glossary"
    FILE_FIELDS = ("term", "slug", "aliases", "definition")
    MARKDOWN_FIELDS = ("definition",)

    term = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    aliases = models.CharField(max_length=300, blank=True, help_text="Other words that link here, comma separated.")
    definition = models.TextField(help_text="Markdown: one or two short sentences.")
    definition_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    def save(self, *args, linker=None, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("guide:glossary") + f"#{self.slug}"

    def words(self):
        return [self.term, *(alias.strip() for alias in self.aliases.split(",") if alias.strip())]

    def alias_problems(self):
        """The glossary rule (guide/safety_rules.py) with this entry as edited."""
        others = GlossaryTerm.objects.exclude(pk=self.pk) if self.pk else GlossaryTerm.objects.all()
        terms = [(self.slug, self.term, self.words()[1:])]
        terms += [(term.slug, term.term, term.words()[1:]) for term in others]
        return [message for slug, message in glossary_alias_problems(terms) if slug == self.slug]

    @property
    def letter(self):
        return self.term[:1].upper()

    def render(self, linker=None):
        self.definition_html = render_markdown(self.definition).html
