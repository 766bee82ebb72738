from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:kind>/", views.upload, name="upload"),
    path("<str:kind>/template.xlsx", views.template_download, name="template"),
    path("<str:kind>/<slug:token>/", views.preview, name="preview"),
    path("<str:kind>/<slug:token>/confirm/", views.confirm, name="confirm"),
    path("<str:kind>/<slug:token>/errors.xlsx", views.errors_download, name="errors"),
]
