"""The public forms for contributing practices (members and, throttled, visitors), resources, news items,
blog posts and events."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model

from puente.core import uploads
from puente.core.text import paragraphs_to_html
from puente.events.forms import DateInput, TimeInput
from puente.events.models import Meeting
from puente.news.models import BlogPage, NewsPage
from puente.organizations.models import Membership
from puente.practices.models import Practice
from puente.resources.models import Resource
from puente.taxonomy.models import Country, Topic

TEXT_FIELDS = ("body", "results", "lessons")


def _organisation_label(organisation) -> str:
    if organisation.is_verified:
        return organisation.name
    return _("%(name)s (awaiting verification)") % {"name": organisation.name}


def member_organisations(field, user) -> None:
    """Limit an organisation choice to those the member belongs to, including one they registered that the
    secretariat has not verified yet: what names it waits in moderation until it is verified
    (``ModerationTask``)."""
    field.queryset = field.queryset.filter(pk__in=Membership.objects.filter(user=user).values("organisation"))
    field.label_from_instance = _organisation_label


class PracticeForm(forms.ModelForm):
    """A practice in the words of the person who did it. Long texts are plain paragraphs (stored as safe
    HTML); the secretariat can format them in the admin."""

    key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Practice
        fields = [
            "title",
            "summary",
            "body",
            "results",
            "lessons",
            "place",
            "country",
            "start_year",
            "end_year",
            "language",
            "organisations",
            "topics",
            "target_groups",
        ]
        help_texts = {
            "title": _("What was done, and where: “Municipal migrant help desk in Quilicura”."),
            "summary": _("Two or three sentences shown in lists and search results."),
            "body": _(
                "What the practice is, who took part, how it worked. Separate paragraphs with a blank line."
            ),
            "results": _("What changed, with figures where you have them."),
            "lessons": _("What others should know before doing the same."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3, "maxlength": 1200}),
            "body": forms.Textarea(attrs={"rows": 8}),
            "results": forms.Textarea(attrs={"rows": 4}),
            "lessons": forms.Textarea(attrs={"rows": 4}),
            "topics": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "organisations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.for_choices()
        self.fields["topics"].queryset = Topic.objects.for_choices()
        self.fields["summary"].max_length = 1200
        for name in TEXT_FIELDS:
            if self.instance.pk and not self.is_bound:
                self.initial[name] = html_to_paragraphs(getattr(self.instance, name))
        member = user is not None and user.is_authenticated
        if member:
            member_organisations(self.fields["organisations"], user)
            self.fields["organisations"].help_text = _("Organisations you belong to that took part.")
        else:
            del self.fields["organisations"]

    def clean_summary(self):
        return " ".join(self.cleaned_data["summary"].split())[:1200]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The end year cannot be before the start year."))
        for name in ("start_year", "end_year"):
            year = data.get(name)
            if year and not 1900 <= year <= 2100:
                self.add_error(name, _("Enter a year between 1900 and 2100."))
        for name in TEXT_FIELDS:
            if name in data:
                data[name] = paragraphs_to_html(data[name] or "")
        return data


class AnonymousPracticeForm(PracticeForm):
    """For visitors without an account: optional name and e-mail (never shown), and a field only robots
    fill in."""

    your_name = forms.CharField(label=_("Your name (not published)"), max_length=120, required=False)
    email = forms.EmailField(
        label=_("Your e-mail (optional, not published)"),
        required=False,
        help_text=_("Only to tell you whether the practice was published."),
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""


def html_to_paragraphs(value) -> str:
    from puente.search.text import html_to_text

    if not value:
        return ""
    parts = str(value).replace("</p>", "</p>\n\n").split("\n\n")
    return "\n\n".join(t for t in (html_to_text(p) for p in parts) if t)


class ResourceForm(forms.ModelForm):
    """A report, toolkit or other document: an uploaded file (checked by its content) or a link."""

    key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    upload = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=uploads.HELP_TEXT,
    )

    class Meta:
        model = Resource
        fields = [
            "title",
            "kind",
            "summary",
            "upload",
            "url",
            "published_on",
            "language",
            "organisations",
            "topics",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "topics": forms.CheckboxSelectMultiple,
            "organisations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["topics"].queryset = Topic.objects.for_choices()
        member_organisations(self.fields["organisations"], user)
        self.fields["upload"].widget.attrs["accept"] = uploads.ACCEPT_ATTRIBUTE
        self.order_fields(["title", "kind", "summary", "upload", "url"])

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            upload.name = uploads.generated_name(uploads.validate_document(upload))
        return upload

    def clean(self):
        data = super().clean()
        has_document = data.get("upload") or (self.instance.pk and self.instance.document_id)
        if not has_document and not data.get("url") and not self.errors:
            raise forms.ValidationError(_("Upload the document or give a link to it."))
        return data

    def save(self, commit=True):
        resource = super().save(commit=False)
        upload = self.cleaned_data.get("upload")
        if upload:
            Document = get_document_model()
            document = Document(title=resource.title[:255], file=upload, uploaded_by_user=self.user)
            document.save()
            resource.document = document
        if commit:
            resource.save()
            self.save_m2m()
        return resource


class ArticleForm(forms.ModelForm):
    """A news item or blog post by a member; published under the news or the blog once approved."""

    key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        fields = ["title", "intro", "body"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3}), "body": forms.Textarea(attrs={"rows": 10})}
        help_texts = {"body": _("Separate paragraphs with a blank line.")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk and not self.is_bound:
            self.initial["body"] = html_to_paragraphs(self.instance.body)

    def clean(self):
        data = super().clean()
        if "body" in data:
            data["body"] = paragraphs_to_html(data["body"] or "")
        return data

    def save(self, commit=True):
        article = super().save(commit=False)
        if not article.pk:
            from django.utils import timezone

            article.date = timezone.localdate()
            article.author = self.user.get_full_name() or self.user.username
        return article


class NewsForm(ArticleForm):
    class Meta(ArticleForm.Meta):
        model = NewsPage


class BlogForm(ArticleForm):
    class Meta(ArticleForm.Meta):
        model = BlogPage


class EventForm(forms.ModelForm):
    """An event a member proposes (a webinar, a conference, a local meeting): published in the events list and
    calendar once the secretariat approves it. Working groups' meetings are made by their coordinators."""

    key = forms.UUIDField(widget=forms.HiddenInput, required=False)
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
            "objective",
            "organisations",
            "topics",
        ]
        labels = {"objective": _("What the event is about")}
        help_texts = {
            "title": _("“Webinar: remittances and local development”."),
            "start_time": _(
                "Local time where the event takes place, or of the organisers for an online event."
            ),
            "time_zone": _("The time zone of the start and end times."),
            "place": _("Venue and city, for an event in person."),
            "objective": _("Who it is for, what will be discussed, how to take part."),
        }
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "objective": forms.Textarea(attrs={"rows": 6}),
            "topics": forms.CheckboxSelectMultiple,
            "organisations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.for_choices()
        self.fields["topics"].queryset = Topic.objects.for_choices()
        self.fields["objective"].required = True
        member_organisations(self.fields["organisations"], user)
        self.fields["organisations"].help_text = _("Organisations you belong to that organise the event.")

    def clean_date(self):
        from django.utils import timezone

        date = self.cleaned_data["date"]
        if date < timezone.localdate() and not (self.instance.pk and self.instance.date == date):
            raise forms.ValidationError(_("The event cannot be in the past."))
        return date

    def clean(self):
        data = super().clean()
        if not data.get("is_online") and not data.get("place") and "place" not in self.errors:
            self.add_error("place", _("Say where the event takes place, or tick “online”."))
        return data
