"""Forms for a member's own profile."""

from django import forms
from django.utils.translation import gettext_lazy as _

from puente.core import uploads
from puente.taxonomy.models import Country, Topic

from .models import Profile, SpokenLanguage


class ProfileForm(forms.ModelForm):
    """The profile with the account's name, and the languages as checkboxes."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=SpokenLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Profile
        fields = ["photo", "job_title", "country", "topics", "affiliations", "bio", "is_listed", "show_email"]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "affiliations": forms.Textarea(attrs={"rows": 3}),
            "bio": forms.Textarea(attrs={"rows": 5}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        if self.instance.pk:
            self.fields["languages"].initial = self.instance.languages
        self.fields["country"].queryset = Country.objects.for_choices()
        self.fields["topics"].queryset = Topic.objects.for_choices()
        self.order_fields(["first_name", "last_name", "job_title", "photo", "country", "languages"])

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):  # a new upload (ImageField has checked it is an image)
            if getattr(photo, "image", None) is not None and photo.image.format not in ("PNG", "JPEG"):
                raise forms.ValidationError(_("Upload a PNG or JPEG photo."))
            # Name and content against the allow-list; stored under a generated name (served from MEDIA_URL).
            photo.name = uploads.generated_name(uploads.validate_document(photo, kinds=uploads.IMAGES))
        return photo

    def save(self, commit=True):
        profile = super().save(commit=False)
        profile.user = self.user
        self.user.first_name = self.cleaned_data["first_name"].strip()
        self.user.last_name = self.cleaned_data["last_name"].strip()
        if commit:
            self.user.save(update_fields=["first_name", "last_name"])
            profile.save()
            self.save_m2m()
            profile.set_languages(self.cleaned_data["languages"])
        return profile
