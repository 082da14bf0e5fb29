from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.index, name="index"),
    path("register/", views.register, name="register"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/requests/<int:pk>/", views.decide, name="decide"),
    path("<slug:slug>/members/<int:pk>/", views.change_member, name="change_member"),
]
