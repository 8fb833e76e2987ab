from django.urls import path

from . import views

app_name = "submissions_slips"

urlpatterns = [
    path("<int:pk>/xin-loi/<int:letter_id>.pdf", views.apology_pdf, name="apology_pdf"),
    path("<int:pk>/xin-loi/<int:letter_id>/", views.ApologyIssueView.as_view(), name="apology_issue"),
    path("<int:pk>/<slug:kind>.pdf", views.slip_pdf, name="pdf"),
    path("so-theo-doi/", views.RegisterView.as_view(), name="register"),
]
