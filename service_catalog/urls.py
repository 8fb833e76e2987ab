from django.urls import path

from . import views

app_name = "service_catalog"

urlpatterns = [
    path("don-vi/", views.agency_list, name="agencies"),
    path("don-vi/<str:reference>/", views.agency_detail, name="agency"),
    path("thu-tuc/<int:pk>/in/", views.checklist, name="checklist"),
    path("thu-tuc/<int:pk>/pdf/", views.checklist_pdf, name="checklist_pdf"),
]
