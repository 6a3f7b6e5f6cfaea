from django.urls import path

from . import plan_views, views

urlpatterns = [
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert-page"),
    path("alerts/<int:alert_id>/follow-up/", views.follow_up_add, name="alert-page-follow-up"),
    path("clients/<int:client_id>/safety-plan/", plan_views.plan_edit, name="client-safety-plan"),
]
