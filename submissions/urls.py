from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [path("tra-cuu/", views.lookup, name="lookup")]
