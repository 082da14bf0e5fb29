"""Front-end forms for coordinators. Validation lives on the models (``clean``), so the admin agrees."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import ActionItem, AgendaItem, Decision, Meeting


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class MeetingForm(forms.ModelForm):
    """A meeting's details; its agenda is the ``AgendaFormSet`` on the same page."""

    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    class Meta:
        model = Meeting
        fields = [
            "title",
            "date",
            "start_time",
            "end_time",
            "time_zone",
            "is_online",
            "online_url",
            "place",
            "country",
            "capacity",
            "waitlist_size",
            "objective",
        ]
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "objective": forms.Textarea(attrs={"rows": 4}),
        }

    def save(self, commit=True):
        meeting = super().save(commit=False)
        if not meeting.slug:
            base = slugify(f"{meeting.title}-{meeting.date:%Y-%m-%d}")[:100] or "meeting"
            slug, n = base, 1
            while Meeting.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            meeting.slug = slug
        if commit:
            meeting.save()
        return meeting


class OrderedInlineFormSet(forms.BaseInlineFormSet):
    """Saves rows in the order they appear on the page (``Orderable.sort_order``)."""

    def save(self, commit=True):
        objects = super().save(commit=commit)
        if commit:
            kept = [
                form.instance
                for form in self.forms
                if form.instance.pk is not None and form not in self.deleted_forms
            ]
            for index, obj in enumerate(kept):
                if obj.sort_order != index:
                    obj.sort_order = index
                    obj.save(update_fields=["sort_order"])
        return objects


MAX_ROWS = 100

AgendaFormSet = inlineformset_factory(
    Meeting,
    AgendaItem,
    formset=OrderedInlineFormSet,
    fields=["start_time", "end_time", "title", "speakers", "duration_minutes"],
    widgets={"start_time": TimeInput(), "end_time": TimeInput()},
    extra=2,
    can_delete=True,
    # A posted form count builds that many forms: cap it (Django's default cap is 2,000).
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
)

DecisionFormSet = inlineformset_factory(
    Meeting,
    Decision,
    formset=OrderedInlineFormSet,
    fields=["text"],
    widgets={"text": forms.Textarea(attrs={"rows": 2})},
    extra=2,
    can_delete=True,
    # A posted form count builds that many forms: cap it (Django's default cap is 2,000).
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
)

ActionItemFormSet = inlineformset_factory(
    Meeting,
    ActionItem,
    formset=OrderedInlineFormSet,
    fields=["title", "owner", "due_date", "status"],
    widgets={"due_date": DateInput()},
    extra=2,
    can_delete=True,
    # A posted form count builds that many forms: cap it (Django's default cap is 2,000).
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
)


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 10})}


class AttendanceForm(forms.Form):
    """One row per organisation: present, and how many people came."""

    def __init__(self, *args, organisations, recorded, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        for organisation in self.organisations:
            current = recorded.get(organisation.pk)
            self.fields[f"present_{organisation.pk}"] = forms.BooleanField(
                label=_("%(name)s was present") % {"name": organisation.name},
                required=False,
                initial=current.present if current else False,
            )
            self.fields[f"participants_{organisation.pk}"] = forms.IntegerField(
                label=_("Participants from %(name)s") % {"name": organisation.name},
                required=False,
                min_value=0,
                max_value=10000,
                initial=current.participants if current else None,
            )

    def rows(self):
        """``(organisation, present field, participants field)`` for the template."""
        return [(o, self[f"present_{o.pk}"], self[f"participants_{o.pk}"]) for o in self.organisations]

    def cleaned_rows(self):
        return [
            (o, self.cleaned_data[f"present_{o.pk}"], self.cleaned_data[f"participants_{o.pk}"])
            for o in self.organisations
        ]
