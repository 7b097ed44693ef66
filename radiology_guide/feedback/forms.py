from django import forms
from django.utils.translation import gettext_lazy as _

COMMENT_HINT = _(
    "Do not include your name, contact details or anything about your health. "
    "We cannot reply to comments here. To ask us something, send us an enquiry."
)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("How could we make this page better? (optional)"),
        help_text=COMMENT_HINT,
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Your comment must be 1,000 characters or fewer")},
    )
