from django.urls import path

from . import reports, views

app_name = "contributions"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("practice/", views.contribute, {"kind": "practice"}, name="practice"),
    path("resource/", views.contribute, {"kind": "resource"}, name="resource"),
    path("news/", views.contribute, {"kind": "news"}, name="news"),
    path("blog/", views.contribute, {"kind": "blog"}, name="blog"),
    path("event/", views.contribute, {"kind": "event"}, name="event"),
    path("<slug:kind>/<int:pk>/", views.contribute, name="edit"),
    path("<slug:kind>/<int:pk>/delete/", views.delete, name="delete"),
    path("report/<int:content_type_id>/<int:object_id>/", reports.report, name="report"),
]
