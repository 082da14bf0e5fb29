from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.index, name="index"),
    path("calendar.ics", views.public_ics, name="public_ics"),
    path("calendar/", views.calendar_today, name="calendar_today"),
    path("calendar/<int:year>/<int:month>/", views.calendar_month, name="calendar"),
    path("time-zone/", views.time_zone, name="time_zone"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/calendar.ics", views.meeting_ics, name="ics"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/cancel/", views.cancel, name="cancel"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/minutes/", views.minutes, name="minutes"),
    path("<slug:slug>/attendance/", views.attendance, name="attendance"),
    path("<slug:slug>/attendees.csv", views.attendees_csv, name="attendees_csv"),
]
