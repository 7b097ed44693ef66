from django import forms

COMMENT_HINT = (
    "Do not include your name, contact details or anything about your health. "
    "We cannot reply to comments here. To ask us something, send us an enquiry."
)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="How could we make this page better? (optional)",
        help_text=COMMENT_HINT,
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Your comment must be 1,000 characters or fewer"},
    )
