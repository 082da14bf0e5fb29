from django.urls import path

from puente.core import downloads

from . import views

app_name = "commitments"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("review/", views.review, name="review"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("asks/", views.asks, name="asks"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/send-back/", views.report_send_back, name="report_send_back"),
    path("reports/<int:pk>/evidence/", downloads.report_evidence, name="report_evidence"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/sign-off/", views.sign_off, name="sign_off"),
    path("<slug:slug>/submit/", views.submit, name="submit"),
    path("<slug:slug>/verify/", views.verify, name="verify"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/send-back/", views.send_back, name="send_back"),
    path("<slug:slug>/reports/new/", views.report_create, name="report_create"),
]
