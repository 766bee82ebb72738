from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("federations/", include("federations.urls")),
    path("imports/", include("imports.urls")),
    path("membership/", include("membership.urls")),
    path("assistance/", include("assistance.urls")),
    path("reports/", include("reports.urls")),
    path("activities/", include("activities.urls")),
    path("users/", include("users.urls")),
    path("admin/", admin.site.urls),
]
