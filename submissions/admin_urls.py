from django.urls import path

from .views import staff

app_name = "submissions_admin"

urlpatterns = [
    path("<int:pk>/", staff.ApplicationDetailView.as_view(), name="detail"),
    path("<int:pk>/tai-lieu/<int:document_id>/", staff.document_download, name="document"),
    path("<int:pk>/dinh-kem/<int:attachment_id>/", staff.attachment_download, name="attachment"),
    path("tiep-nhan/", staff.IntakeStartView.as_view(), name="intake"),
    path("tiep-nhan/<int:procedure_id>/", staff.IntakeFormView.as_view(), name="intake_form"),
    path("thong-ke/", staff.StatisticsView.as_view(), name="statistics"),
]
