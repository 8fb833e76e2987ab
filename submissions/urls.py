from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("nop/<int:procedure_id>/", views.apply, name="apply"),
    path("bien-nhan/<str:token>/", views.receipt, name="receipt"),
    path("bo-sung/<str:token>/", views.supplement, name="supplement"),
    path("tra-cuu/", views.lookup, name="lookup"),
]
