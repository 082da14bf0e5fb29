from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.start, name="start"),
    path("frameworks/<slug:slug>/", views.framework, name="framework"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/criteria/<int:criterion_id>/", views.answer, name="answer"),
    path(
        "<int:pk>/criteria/<int:criterion_id>/commitment/",
        views.commitment_from_gap,
        name="commitment_from_gap",
    ),
]
