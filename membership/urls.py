from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "membership"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="membership:enterprise_list"), name="index"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/export.xlsx", views.enterprise_export, name="enterprise_export"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/found/", views.enterprise_found, name="enterprise_found"),
    path("enterprises/<int:pk>/upgrade/", views.enterprise_upgrade, name="enterprise_upgrade"),
    path("enterprises/<int:pk>/members/new/", views.member_register, name="member_register"),
    path("members/", views.member_list, name="member_list"),
    path("members/export.xlsx", views.member_export, name="member_export"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/transfer/", views.member_transfer, name="member_transfer"),
    path("members/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("members/<int:pk>/reveal-id/", views.member_reveal_id, name="member_reveal_id"),
]
