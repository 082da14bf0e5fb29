from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index


class ArticleIndexPage(Page):
    """Abstract index of dated articles; lists its live children, newest first, paginated."""

    intro = models.TextField(_("introduction"), blank=True)
    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from puente.core.views import page_number

        context = super().get_context(request, *args, **kwargs)
        articles = self.article_model.objects.child_of(self).published().order_by("-first_published_at")
        context["articles"] = Paginator(articles, 20).get_page(page_number(request))
        return context


class ArticleQuerySet(PageQuerySet):
    def published(self):
        """Live and not deleted: what visitors see (the same definition as the records')."""
        return self.live().filter(deleted_at__isnull=True)


ArticleManager = PageManager.from_queryset(ArticleQuerySet)


class ArticlePage(Page):
    """Abstract dated article with an introduction and a rich-text body.

    Deleting is soft, as for records: ``deleted_at`` takes it off the site at once (its URL answers 404), it
    waits under Moderation → Deleted items for ``KEEP_DELETED_DAYS``, then ``purge_deleted`` removes it."""

    KEEP_DELETED_DAYS = 30

    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False, db_index=True)
    objects = ArticleManager()

    date = models.DateField(_("date"))
    author = models.CharField(_("author"), max_length=255, blank=True)
    intro = models.TextField(_("introduction"))
    body = RichTextField(_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("author"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return self.url or ""

    def serve(self, request, *args, **kwargs):
        if self.deleted_at is not None:
            raise Http404
        return super().serve(request, *args, **kwargs)


class NewsIndexPage(ArticleIndexPage):
    """The news section; its children are ``NewsPage``s."""

    subpage_types = ["news.NewsPage"]
    parent_page_types = ["core.HomePage"]

    @property
    def article_model(self):
        return NewsPage

    class Meta:
        verbose_name = _("news index")


class NewsPage(ArticlePage):
    """A news item published by the secretariat or a member."""

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")


class BlogIndexPage(ArticleIndexPage):
    """The blog; its children are ``BlogPage``s."""

    subpage_types = ["news.BlogPage"]
    parent_page_types = ["core.HomePage"]

    @property
    def article_model(self):
        return BlogPage

    class Meta:
        verbose_name = _("blog index")


class BlogPage(ArticlePage):
    """A blog post: opinion, field notes or an interview."""

    parent_page_types = ["news.BlogIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("blog post")
