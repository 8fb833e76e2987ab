from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("nop/<int:procedure_id>/", views.apply, name="apply"),
    path("tra-cuu/", views.lookup, name="lookup"),
]
