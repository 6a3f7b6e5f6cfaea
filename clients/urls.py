from django.urls import path

from . import measure_pages, views

urlpatterns = [
    path("me/", views.me, name="client-home"),
    path("me/measures/<int:schedule_id>/", measure_pages.measure_form, name="client-measure"),
]
