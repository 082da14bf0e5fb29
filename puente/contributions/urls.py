from django.urls import path

from . import reports, views

app_name = "contributions"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("practice/", views.practice, name="practice"),
    path("practice/<int:pk>/", views.practice, name="practice_edit"),
    path("report/<int:content_type_id>/<int:object_id>/", reports.report, name="report"),
]
