import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from puente.core import conflicts
from puente.core.access import can_edit_contribution, require
from puente.core.ratelimit import allow, client_ip
from puente.events.models import Meeting
from puente.news.models import BlogPage, NewsPage
from puente.practices.models import Practice
from puente.resources.models import Resource

from .forms import AnonymousPracticeForm, BlogForm, EventForm, NewsForm, PracticeForm, ResourceForm
from .models import Contribution
from .services import delete_record, index_page_for, restore_record, save_contribution

# Submissions per hour: members, and visitors without an account (per address).
MEMBER_LIMIT = (30, 3600)
VISITOR_LIMIT = (5, 3600)


def index(request):
    return render(request, "contributions/index.html")


KINDS = {
    # kind: (model, member form, visitor form or None when an account is needed, titles)
    "practice": (
        Practice,
        PracticeForm,
        AnonymousPracticeForm,
        (gettext_lazy("Share a practice"), gettext_lazy("Edit a practice")),
    ),
    "resource": (
        Resource,
        ResourceForm,
        None,
        (gettext_lazy("Share a resource"), gettext_lazy("Edit a resource")),
    ),
    "news": (NewsPage, NewsForm, None, (gettext_lazy("Write a news item"), gettext_lazy("Edit a news item"))),
    "blog": (BlogPage, BlogForm, None, (gettext_lazy("Write a blog post"), gettext_lazy("Edit a blog post"))),
    "event": (Meeting, EventForm, None, (gettext_lazy("Announce an event"), gettext_lazy("Edit an event"))),
}


def contribute(request, kind, pk=None):
    """Submit a record (a practice, also by visitors; a resource, news item, blog post or event), or edit one
    (its submitter and its organisations' editors). "Preview" shows it without saving; "Save draft" keeps it
    private; "Submit" sends it to moderation. An edit carries the revision it was loaded from: when someone
    else saved the record meanwhile, nothing is saved and the form comes back with this person's input, what
    changed, and the new version to save over consciously."""
    if kind not in KINDS:
        raise Http404
    model, member_form, visitor_form, titles = KINDS[kind]
    if pk is None and issubclass(model, Page) and index_page_for(model) is None:
        raise Http404  # no news or blog index on this site yet: nowhere to put one
    user = request.user
    if not user.is_authenticated and (pk is not None or visitor_form is None):
        return redirect_to_login(request.get_full_path())
    instance = record = version = loaded = conflict = None
    if pk is not None:
        record = get_object_or_404(model, pk=pk)
        require(can_edit_contribution(user, record))
        instance = record.get_latest_revision_as_object() if record.latest_revision_id else record
        loaded = conflicts.posted_version(request.POST) if request.method == "POST" else None
        version = loaded if loaded is not None else conflicts.current_version(record)
    form_class = member_form if user.is_authenticated else visitor_form
    preview = None
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, instance=instance, user=user)
        action = request.POST.get("action")
        if action not in ("preview", "draft", "submit") or (action == "draft" and not user.is_authenticated):
            action = "submit"
        if form.is_valid():
            if action == "preview":
                preview = form.cleaned_data
            elif not _allowed(request):
                form.add_error(
                    None, _("Too many submissions from you in the last hour. Please try again later.")
                )
                status = 429
            else:
                try:
                    save_contribution(
                        form,
                        user,
                        form.cleaned_data.get("key"),
                        submit=action == "submit",
                        email=form.cleaned_data.get("email", ""),
                        loaded_revision=loaded,
                    )
                except conflicts.EditConflict as exc:
                    conflict, version, status = exc.changes, conflicts.current_version(record), 409
                else:
                    if action == "submit":
                        messages.success(
                            request, _("Thank you. The secretariat will review it before it is published.")
                        )
                    else:
                        messages.success(request, _("Your draft has been saved. Only you can see it."))
                    if user.is_authenticated:
                        return redirect("contributions:mine")
                    return redirect("contributions:index")
    else:
        form = form_class(instance=instance, user=user, initial={"key": uuid.uuid4()})
    context = {
        "form": form,
        "preview": preview,
        "editing": instance is not None,
        "record": instance,
        "kind": kind,
        "heading": titles[1] if instance is not None else titles[0],
        "version": version,
        "conflict": conflict,
    }
    return render(request, "contributions/form.html", context, status=status)


def _allowed(request) -> bool:
    if request.user.is_authenticated:
        return allow("contribute", f"user-{request.user.pk}", *MEMBER_LIMIT)
    return allow("contribute", f"ip-{client_ip(request)}", *VISITOR_LIMIT)


@login_required
def mine(request):
    """Everything the member submitted, where it stands, and why."""
    contributions = list(
        Contribution.objects.filter(submitter=request.user)
        .select_related("content_type")
        .order_by("-updated_at")
    )
    by_type: dict = {}
    for contribution in contributions:
        by_type.setdefault(contribution.content_type_id, []).append(contribution.object_id)
    objects = {}
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        for obj in model.objects.filter(pk__in=ids):
            objects[content_type_id, obj.pk] = obj
    kinds = {ContentType.objects.get_for_model(model).pk: kind for kind, (model, *_rest) in KINDS.items()}
    rows = []
    for contribution in contributions:
        record = objects.get((contribution.content_type_id, contribution.object_id))
        if record is not None:
            link = record.url if isinstance(record, Page) else record.get_absolute_url()
            rows.append((contribution, record, kinds.get(contribution.content_type_id), link))
    return render(request, "contributions/mine.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, kind, pk):
    """Delete (softly) a record one may edit; restorable from My contributions for 30 days. GET asks to
    confirm first (it goes offline at once); the POST from that page deletes."""
    if kind not in KINDS:
        raise Http404
    record = get_object_or_404(KINDS[kind][0], pk=pk)
    require(can_edit_contribution(request.user, record))
    if request.method == "GET":
        if record.deleted_at is not None:
            return redirect("contributions:mine")
        return render(request, "contributions/delete_confirm.html", {"record": record, "kind": kind})
    if request.POST.get("restore"):
        restore_record(record)
        messages.success(request, _("“%(title)s” has been restored.") % {"title": record})
    elif record.deleted_at is None:
        delete_record(record, request.user)
        messages.success(
            request,
            _("“%(title)s” has been deleted. You can restore it here for 30 days.") % {"title": record},
        )
    return redirect("contributions:mine")
