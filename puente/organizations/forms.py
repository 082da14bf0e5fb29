from django import forms
from django.utils.translation import gettext_lazy as _

from puente.taxonomy.models import Country

from .models import MembershipRole, Organisation


class OrganisationRegistrationForm(forms.ModelForm):
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
