"""RSS 2.0 and Atom feeds per topic ("Subscribe to Local Development")."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Topic
from .records import fetch_records, topic_records_query


class TopicRssFeed(Feed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return _("Puente: %(topic)s") % {"topic": topic.label}

    def link(self, topic):
        return reverse("taxonomy:topic", args=[topic.slug])

    def description(self, topic):
        return topic.description or _("New practices, commitments and resources on %(topic)s.") % {
            "topic": topic.label
        }

    def items(self, topic):
        return fetch_records(list(topic_records_query(topic)[:30]))

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at or item.first_published_at

    def item_author_name(self, item):
        return getattr(item, "submitter_display", "") or None

    def item_categories(self, item):
        return [t.label for t in item.topics.all()]


class TopicAtomFeed(TopicRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, topic):
        return self.description(topic)
