"""The question bank and the rounds in Wagtail's admin.

Staff edit frameworks, versions, maturity levels, domains, criteria and questions as snippets. A version on
which rounds have been answered is frozen (the models refuse changes and this module refuses deletions);
"New version from this one" copies it into a new current version to edit.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Criterion, Domain, Framework, FrameworkVersion, MaturityLevel, Question, Round


class FrameworkViewSet(SnippetViewSet):
    model = Framework
    icon = "list-ol"
    list_display = ["name_en", "slug"]
    search_fields = ["name_en", "name_es", "name_fr"]


class VersionViewSet(SnippetViewSet):
    model = FrameworkVersion
    icon = "history"
    list_display = ["framework", "number", "is_current", "created_at"]
    list_filter = ["framework", "is_current"]
    panels = [FieldPanel("framework"), FieldPanel("number"), FieldPanel("is_current")]


class LevelViewSet(SnippetViewSet):
    model = MaturityLevel
    icon = "list-ol"
    list_display = ["version", "level", "label_en"]
    list_filter = ["version"]


class DomainViewSet(SnippetViewSet):
    model = Domain
    icon = "folder-open-inverse"
    list_display = ["version", "number", "name_en"]
    list_filter = ["version"]
    search_fields = ["name_en", "name_es", "name_fr"]


class CriterionViewSet(SnippetViewSet):
    model = Criterion
    icon = "tick-inverse"
    list_display = ["domain", "number", "name_en", "taxonomy"]
    list_filter = ["domain__version"]
    search_fields = ["name_en", "name_es", "name_fr"]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    list_display = ["criterion", "number", "text_en"]
    list_filter = ["criterion__domain__version", "criterion"]
    search_fields = ["text_en", "text_es", "text_fr"]


class RoundViewSet(SnippetViewSet):
    model = Round
    icon = "doc-full"
    list_display = ["title", "organisation", "year", "version", "status", "summary_public"]
    list_filter = ["status", "version", "summary_public"]
    search_fields = ["title"]
    panels = [FieldPanel("title"), FieldPanel("year"), FieldPanel("language"), FieldPanel("summary_public")]


class AssessmentsViewSetGroup(SnippetViewSetGroup):
    items = (
        FrameworkViewSet,
        VersionViewSet,
        LevelViewSet,
        DomainViewSet,
        CriterionViewSet,
        QuestionViewSet,
        RoundViewSet,
    )
    menu_label = gettext_lazy("Self-assessments")
    menu_icon = "list-ol"
    menu_order = 202


register_snippet(AssessmentsViewSetGroup)


def _version_of(instance) -> FrameworkVersion | None:
    if isinstance(instance, FrameworkVersion):
        return instance
    if isinstance(instance, MaturityLevel | Domain):
        return instance.version
    if isinstance(instance, Criterion):
        return instance.domain.version
    if isinstance(instance, Question):
        return instance.criterion.domain.version
    return None


@hooks.register("before_delete_snippet")
def refuse_deleting_frozen_content(request, instances):
    """Questions, criteria, domains and levels of a version with rounds stay, so old results stay readable."""
    for instance in instances:
        version = _version_of(instance)
        if version is not None and version.is_frozen:
            messages.error(
                request,
                _(
                    "“%(item)s” belongs to %(version)s, on which rounds have been answered: it cannot be deleted."
                )
                % {"item": instance, "version": version},
            )
            return redirect(request.META.get("HTTP_REFERER") or reverse("wagtailadmin_home"))
    return None


@hooks.register("register_snippet_listing_buttons")
def new_version_button(snippet, user, next_url=None):
    if isinstance(snippet, FrameworkVersion) and user.has_perm("assessments.add_frameworkversion"):
        yield MenuItem(
            _("New version from this one"),
            reverse("assessments_copy_version", args=[snippet.pk]),
            icon_name="copy",
            priority=50,
        )


def copy_version(request, pk):
    """Confirm, then copy a version (scale, domains, criteria, questions) into a new current version."""
    if not request.user.has_perm("assessments.add_frameworkversion"):
        raise PermissionDenied
    version = get_object_or_404(FrameworkVersion.objects.select_related("framework"), pk=pk)
    if request.method == "POST":
        new = version.copy()
        messages.success(
            request,
            _("Version %(number)s of %(framework)s has been created and is now current. Edit its questions.")
            % {"number": new.number, "framework": version.framework},
        )
        return redirect(
            reverse("wagtailsnippets_assessments_question:list") + f"?criterion__domain__version={new.pk}"
        )
    return TemplateResponse(request, "assessments/admin/copy_version.html", {"version": version})


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("assessments/versions/<int:pk>/copy/", copy_version, name="assessments_copy_version")]
