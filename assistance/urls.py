from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "assistance"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="assistance:file_list"), name="index"),
    path("files/", views.file_list, name="file_list"),
    path("files/export.xlsx", views.file_export, name="file_export"),
    path("files/new/", views.file_create, name="file_create"),
    path("files/<int:pk>/", views.file_detail, name="file_detail"),
    path("files/<int:pk>/edit/", views.file_edit, name="file_edit"),
    path("files/<int:pk>/review/", views.file_review, name="file_review"),
    path("files/<int:pk>/lift-out/", views.file_lift_out, name="file_lift_out"),
    path("files/<int:pk>/documents/", views.evidence_upload, name="evidence_upload"),
    path("files/<int:pk>/model-worker/", views.model_worker_title_add, name="model_worker_add"),
    path("documents/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("grants/", views.grant_list, name="grant_list"),
    path("grants/export.xlsx", views.grant_export, name="grant_export"),
    path("grants/new/", views.grant_create, name="grant_create"),
    path("grants/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("grants/<int:pk>/edit/", views.grant_edit, name="grant_edit"),
    path("grants/<int:pk>/approve/", views.grant_approve, name="grant_approve"),
    path("grants/<int:pk>/reject/", views.grant_reject, name="grant_reject"),
    path("grants/<int:pk>/pay/", views.grant_pay, name="grant_pay"),
    path("programs/", views.program_list, name="program_list"),
    path("programs/<slug:code>/edit/", views.program_edit, name="program_edit"),
    path("budgets/new/", views.budget_set, name="budget_set"),
    path("deliveries/", views.delivery_list, name="delivery_list"),
    path("deliveries/new/", views.delivery_create, name="delivery_create"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/settle/", views.claim_settle, name="claim_settle"),
]
