"""Forms for focal points (drafting commitments, reporting progress) and the secretariat (reasons)."""

import html
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext_lazy as _

from puente.core import uploads
from puente.taxonomy.models import CLAObjective

from .models import Commitment, CommitmentPriority, PriorityStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def text_to_html(text: str) -> str:
    """Plain text typed in a public form → safe paragraphs for a rich-text field."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def html_to_text(value: str) -> str:
    """The text of a rich-text overview for the plain text box: a blank line between paragraphs and lists,
    one line per list item (a commitment drafted from a self-assessment lists its competence analysis)."""
    value = re.sub(r"<br\s*/?>|</li>\s*", "\n", value or "")
    value = re.sub(r"</(?:p|ul|ol)>\s*", "\n\n", value)
    value = html.unescape(strip_tags(value))
    return re.sub(r"\n{3,}", "\n\n", value).strip()


class CommitmentForm(forms.ModelForm):
    overview_text = forms.CharField(
        label=_("Overview"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the local government commits to, and why. Separate paragraphs with a blank line."),
    )
    cla_objectives = forms.ModelMultipleChoiceField(
        queryset=CLAObjective.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Call to Local Action priority objectives"),
    )

    class Meta:
        model = Commitment
        fields = ["title", "summary", "mayor", "start_date", "end_date", "website", "language"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": _("For example: “Municipal Plan of Local Action with Migrants and Refugees 2023-2026”."),
            "summary": _("One or two sentences shown in listings."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["overview_text"].initial = html_to_text(self.instance.overview)
            self.fields["cla_objectives"].initial = list(self.instance.cla_objectives.all())

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data

    def save(self, commit=True):
        commitment = super().save(commit=False)
        commitment.overview = text_to_html(self.cleaned_data["overview_text"])
        if commit:
            commitment.save()
            commitment.cla_objectives.set(self.cleaned_data["cla_objectives"])
            commitment.save()
        return commitment


class PriorityForm(forms.ModelForm):
    class Meta:
        model = CommitmentPriority
        fields = ["text", "competence", "indicator", "unit", "baseline", "target"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        if (data.get("baseline") is not None or data.get("target") is not None) and not data.get("indicator"):
            self.add_error("indicator", _("Name the indicator that the baseline and target measure."))
        return data


class BasePriorityFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.has_changed()
        ]
        if not kept and not any(f.instance.pk for f in self.forms if not f.cleaned_data.get("DELETE")):
            raise ValidationError(_("Add at least one priority."))

    def save(self, commit=True):
        instances = super().save(commit=False)
        for obj in self.deleted_objects:
            obj.delete()
        for index, form in enumerate(self.forms):
            if form in self.deleted_forms or not form.instance.text:
                continue
            form.instance.sort_order = index
            if form.instance in instances or form.instance.pk:
                form.instance.save()
        return instances


PriorityFormSet = forms.inlineformset_factory(
    Commitment,
    CommitmentPriority,
    form=PriorityForm,
    formset=BasePriorityFormSet,
    extra=2,
    can_delete=True,
    max_num=30,
    absolute_max=30,  # a posted form count builds that many forms (Django's default cap is max_num + 1,000)
)


class SignOffForm(forms.Form):
    mayor = forms.CharField(label=_("Mayor who signed off"), max_length=255)
    signed_on = forms.DateField(label=_("Date of the sign-off"), widget=DateInput())

    def clean_signed_on(self):
        value = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The sign-off date cannot be in the future."))
        return value


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Sent to the focal points and shown to them."),
    )


class ReportForm(forms.Form):
    """A progress report: date, narrative and evidence, and one status/percent/value row per priority."""

    reporting_date = forms.DateField(label=_("Reporting date"), widget=DateInput())
    narrative = forms.CharField(
        label=_("What happened since the last report"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
    )
    evidence_links = forms.CharField(
        label=_("Evidence links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One web address per line."),
    )
    evidence_document = forms.FileField(
        label=_("Evidence document"),
        required=False,
        help_text=uploads.HELP_TEXT,
        widget=forms.FileInput(attrs={"accept": uploads.ACCEPT_ATTRIBUTE}),
    )

    def __init__(self, *args, priorities, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.priorities = list(priorities)
        existing = {row.priority_id: row for row in report.rows.all()} if report else {}
        if report:
            self.fields["reporting_date"].initial = report.reporting_date
            self.fields["narrative"].initial = report.narrative
            self.fields["evidence_links"].initial = report.evidence_links
        for priority in self.priorities:
            row = existing.get(priority.pk)
            self.fields[f"status_{priority.pk}"] = forms.ChoiceField(
                label=_("Status"),
                choices=PriorityStatus.choices,
                initial=row.status if row else priority.status,
            )
            self.fields[f"percent_{priority.pk}"] = forms.IntegerField(
                label=_("Percent complete"),
                min_value=0,
                max_value=100,
                initial=row.percent_complete if row else None,
                widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            )
            self.fields[f"value_{priority.pk}"] = forms.DecimalField(
                label=_("Indicator value"),
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=row.indicator_value if row else None,
                disabled=not priority.indicator,
            )

    def rows(self):
        """For the template: each priority with its three bound fields."""
        for priority in self.priorities:
            yield (
                priority,
                self[f"status_{priority.pk}"],
                self[f"percent_{priority.pk}"],
                self[f"value_{priority.pk}"],
            )

    def clean_evidence_links(self):
        lines = [line.strip() for line in self.cleaned_data["evidence_links"].splitlines() if line.strip()]
        validate = URLValidator(schemes=["http", "https"])
        for number, line in enumerate(lines, start=1):
            try:
                validate(line)
            except ValidationError as exc:
                raise ValidationError(
                    _("Line %(number)s is not a web address: %(line)s"),
                    params={"number": number, "line": line[:200]},
                ) from exc
        return "\n".join(lines)

    def clean_evidence_document(self):
        upload = self.cleaned_data.get("evidence_document")
        if upload:
            uploads.validate_document(upload)  # stored under a generated name (the field's ``upload_to``)
        return upload

    def row_data(self):
        from .services import RowData

        return [
            RowData(
                priority=priority,
                status=self.cleaned_data[f"status_{priority.pk}"],
                percent_complete=self.cleaned_data[f"percent_{priority.pk}"],
                indicator_value=self.cleaned_data.get(f"value_{priority.pk}"),
            )
            for priority in self.priorities
        ]
