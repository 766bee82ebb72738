from django.urls import path

from . import views

app_name = "federations"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("new/", views.federation_create_view, name="create"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/children/", views.children, name="children"),
    path("<str:code>/edit/", views.federation_edit_view, name="edit"),
]
