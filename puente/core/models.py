"""Pieces shared by the record types, and the home and standard editorial pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, LockableMixin, Page, RevisionMixin, WorkflowMixin
from wagtail.search import index


class PublishedQuerySet(models.QuerySet):
    """One definition of "published" for every moderated record type: pages, feeds and exports use it."""

    def published(self):
        return self.filter(live=True, deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)


class ModeratedRecord(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, models.Model):
    """Abstract base for records that go through drafts, revisions and Wagtail moderation workflows.

    Deleting is soft: ``deleted_at`` hides the record everywhere at once, and it can be restored for
    ``KEEP_DELETED_DAYS``; ``manage.py purge_deleted`` removes it for good after that."""

    KEEP_DELETED_DAYS = 30

    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True

    def with_content_json(self, content):
        """A revision's version keeps the record's deletion: publishing a revision (a scheduled one, say) never
        brings a deleted record back."""
        obj = super().with_content_json(content)
        obj.deleted_at = self.deleted_at
        return obj

    @property
    def is_published(self) -> bool:
        """The single-record form of ``PublishedQuerySet.published()``."""
        return self.live and self.deleted_at is None


class HomePage(Page):
    """The site's root page: an introduction and the latest practices, commitments and meetings.

    Its children are the standard pages (About), the news and blog indexes and the programme pages.
    """

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    max_count = None
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from puente.commitments.models import Commitment
        from puente.events.models import Meeting
        from puente.practices.models import Practice
        from puente.taxonomy.models import Topic

        context = super().get_context(request, *args, **kwargs)
        context["latest_practices"] = Practice.objects.published().for_list()[:4]
        context["latest_commitments"] = Commitment.objects.published().for_list()[:4]
        context["meetings"] = Meeting.objects.published().for_list().order_by("-date")[:3]
        context["topics"] = Topic.objects.all()
        return context


class StandardPage(Page):
    """A plain editorial page (About, Contact, Terms)."""

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")
