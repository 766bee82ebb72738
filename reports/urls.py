from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard_home, name="dashboard_home"),
    path("dashboard/<str:code>/", views.dashboard, name="dashboard"),
    path("dashboard/<str:code>/export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("dashboard/<str:code>/snapshots/", views.snapshots_take, name="snapshots_take"),
    path("targets/<str:code>/", views.targets, name="targets"),
    path("api/indicators/<str:code>/", views.indicators_json, name="indicators_json"),
]
