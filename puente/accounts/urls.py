from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/", views.edit_profile, name="edit_profile"),
    path("<str:username>/", views.profile, name="profile"),
]
