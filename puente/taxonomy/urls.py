from django.urls import path

from . import feeds, views

app_name = "taxonomy"
urlpatterns = [
    path("", views.topic_list, name="topic_list"),
    path("<slug:slug>/", views.topic_detail, name="topic"),
    path("<slug:slug>/feed/rss/", feeds.TopicRssFeed(), name="topic_rss"),
    path("<slug:slug>/feed/atom/", feeds.TopicAtomFeed(), name="topic_atom"),
]
