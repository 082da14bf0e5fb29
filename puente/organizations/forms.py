from django import forms
from django.utils.translation import gettext_lazy as _

from puente.core.text import paragraphs_to_html
from puente.taxonomy.models import Country

from .models import MembershipRole, Organisation

DESCRIPTION_MAX_LENGTH = 5000


class OrganisationRegistrationForm(forms.ModelForm):
    """A member registers an organisation. The description is plain text in a textarea (the admin's
    rich-text editor needs the admin's scripts): whatever is typed is escaped and stored as paragraphs."""

    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the organisation does. Separate paragraphs with a blank line."),
    )

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "country", "city", "website", "description"]
        help_texts = {"name": _("The official name, as the organisation writes it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.for_choices()
        self.fields["country"].required = True

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if Organisation.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("An organisation with this name is already registered: ask to join it instead.")
            )
        return name

    def clean_description(self):
        return paragraphs_to_html(self.cleaned_data["description"])


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the administrators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("refuse", _("Refuse"))])
    reason = forms.CharField(label=_("Reason (sent to the person)"), required=False, max_length=1000)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)
