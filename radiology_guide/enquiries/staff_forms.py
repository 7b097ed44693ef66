from datetime import timedelta

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.conf import settings
from django.utils import timezone

from radiology_guide.enquiries.forms import choice_label, topic_choices
from radiology_guide.enquiries.models import EnquiryLink

EXPIRY_CHOICES = [
    ("7", "In 7 days"),
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("never", "Never (for printed leaflets)"),
]


class EnquiryLinkForm(forms.ModelForm):
    topic = forms.ChoiceField(
        label="Which topic should the link open?",
        choices=[],
        error_messages={"required": "Select a topic", "invalid_choice": "Select a topic"},
    )
    expires = forms.ChoiceField(
        label="When should the link stop working?",
        choices=EXPIRY_CHOICES,
        initial=str(settings.ENQUIRY_LINK_DAYS) if str(settings.ENQUIRY_LINK_DAYS) in dict(EXPIRY_CHOICES) else "30",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = EnquiryLink
        fields = ["topic", "label"]
        labels = {"label": "Label (optional)"}
        help_texts = {
            "label": "For staff only, like 'Fibroid clinic leaflet'. Do not put patient details here.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [choice for choice in topic_choices() if choice[0] != "other"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("topic"),
            Field.text("label", field_width=30),
            Field.radios("expires", legend_size=Size.SMALL),
            Submit("create", "Create link"),
        )

    def save(self, user):
        link = super().save(commit=False)
        link.topic_title = choice_label(self.fields["topic"].choices, link.topic) or link.topic
        link.created_by = user
        expires = self.cleaned_data["expires"]
        link.expires_at = None if expires == "never" else timezone.now() + timedelta(days=int(expires))
        link.save()
        return link


class SendLinkForm(forms.Form):
    email = forms.EmailField(
        label="Patient's email address",
        help_text="We use this only to send the email. It is not stored.",
        error_messages={
            "required": "Enter the patient's email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.text("email", field_width=30), Submit("send", "Email the link"))
