from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("calendar/", views.activity_calendar, name="calendar"),
    path("export.xlsx", views.activity_export, name="export"),
    path("figures/", views.activity_figures, name="figures"),
    path("new/", views.activity_create, name="create"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/delete/", views.activity_delete, name="delete"),
    path("<int:pk>/participants/", views.participant_add, name="participant_add"),
    path(
        "<int:pk>/participants/<int:participation_pk>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<int:pk>/check-in/", views.activity_check_in, name="check_in"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo_view, name="photo"),
    path("<int:pk>/photos/<int:photo_pk>/delete/", views.photo_delete, name="photo_delete"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
]
