from django.urls import path

from . import views

app_name = "users"

urlpatterns = [
    path("", views.user_list, name="list"),
    path("new/", views.user_create_view, name="create"),
    path("<int:pk>/", views.user_detail, name="detail"),
    path("<int:pk>/edit/", views.user_edit_view, name="edit"),
    path("<int:pk>/password/", views.user_password_view, name="password"),
    path("<int:pk>/unlock/", views.user_unlock_view, name="unlock"),
    path("<int:pk>/roles/add/", views.role_add_view, name="role_add"),
    path("<int:pk>/roles/<int:role_pk>/remove/", views.role_remove_view, name="role_remove"),
]
