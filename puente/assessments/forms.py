from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from puente.taxonomy.models import Language

from .models import Competence, Framework, Round


class StartRoundForm(forms.ModelForm):
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.filter(versions__is_current=True).distinct(),
        label=_("Framework"),
        empty_label=None,
    )

    class Meta:
        model = Round
        fields = ["framework", "title", "year", "language"]
        help_texts = {"language": _("The language of the shared report.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["language"].choices = [c for c in Language.choices if c[0] != "other"]


class AnswerForm(forms.Form):
    """The questions of one criterion: level, competence, evidence, notes and a potential commitment each."""

    def __init__(self, *args, questions, levels, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        answers = answers or {}
        level_choices = [(str(level.level), f"{level.level}. {level.label}") for level in levels]
        self.level_descriptions = {str(level.level): level.description for level in levels}
        for question in self.questions:
            answer = answers.get(question.pk)
            self.fields[f"level_{question.pk}"] = forms.ChoiceField(
                label=_("Maturity level"),
                choices=level_choices,
                required=False,
                widget=forms.RadioSelect,
                initial=str(answer.level) if answer and answer.level else None,
            )
            self.fields[f"competence_{question.pk}"] = forms.ChoiceField(
                label=_("Who is competent"),
                choices=[("", _("Not assessed yet"))] + list(Competence.choices),
                required=False,
                initial=answer.competence if answer else "",
            )
            for name, label, value in (
                ("evidence", _("Evidence"), answer.evidence if answer else ""),
                ("notes", _("Notes"), answer.notes if answer else ""),
                (
                    "potential_commitment",
                    _("Potential commitment"),
                    answer.potential_commitment if answer else "",
                ),
            ):
                self.fields[f"{name}_{question.pk}"] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=5000,
                    initial=value,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def blocks(self):
        for question in self.questions:
            pk = question.pk
            yield {
                "question": question,
                "level": self[f"level_{pk}"],
                "competence": self[f"competence_{pk}"],
                "evidence": self[f"evidence_{pk}"],
                "notes": self[f"notes_{pk}"],
                "potential_commitment": self[f"potential_commitment_{pk}"],
            }

    def answers(self) -> dict[int, dict]:
        data = {}
        for question in self.questions:
            pk = question.pk
            level = self.cleaned_data.get(f"level_{pk}")
            data[pk] = {
                "level": int(level) if level else None,
                "competence": self.cleaned_data.get(f"competence_{pk}", ""),
                "evidence": self.cleaned_data.get(f"evidence_{pk}", ""),
                "notes": self.cleaned_data.get(f"notes_{pk}", ""),
                "potential_commitment": self.cleaned_data.get(f"potential_commitment_{pk}", ""),
            }
        return data
