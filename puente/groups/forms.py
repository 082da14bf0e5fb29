from django import forms
from django.utils.translation import gettext_lazy as _

from puente.organizations.models import Organisation


class MemberAddForm(forms.Form):
    """Add a member organisation to a working group."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation"), empty_label=_("Choose an organisation")
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.exclude(groups=group).select_related("country").order_by("name")
        )
        self.fields["organisation"].label_from_instance = lambda o: (
            f"{o.name} ({o.country.label})" if o.country_id else o.name
        )


class MemberRemoveForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
