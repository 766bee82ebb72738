from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard_home, name="dashboard_home"),
    path("dashboard/<str:code>/", views.dashboard, name="dashboard"),
    path("dashboard/<str:code>/export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("dashboard/<str:code>/flows/", views.dashboard_flows, name="dashboard_flows"),
    path("dashboard/<str:code>/snapshots/", views.snapshots_take, name="snapshots_take"),
    path("targets/<str:code>/", views.targets, name="targets"),
    path("api/indicators/<str:code>/", views.indicators_json, name="indicators_json"),
    path("api/indicators/<str:code>/flows/", views.flows_json, name="flows_json"),
    path("quarterly/", views.quarterly, name="quarterly"),
    path("quarterly/<str:quarter>/build/", views.reports_build_all, name="reports_build_all"),
    path("quarterly/<str:quarter>/<str:code>/build/", views.report_build, name="report_build"),
    path(
        "quarterly/<str:quarter>/<str:code>/report.pdf",
        views.report_download,
        name="report_download",
    ),
]
