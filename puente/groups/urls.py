from django.urls import path

from . import views

app_name = "groups"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/calendar.ics", views.calendar_ics, name="ics"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/meetings/new/", views.new_meeting, name="new_meeting"),
]
