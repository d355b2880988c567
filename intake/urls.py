from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("", views.start, name="start"),
    path("update/", views.update, name="update"),
    path("client/<uuid:client_id>/start/", views.desk_start, name="desk_start"),
    path("<uuid:public_id>/", views.outcome, name="outcome"),
    path("<uuid:public_id>/step/<int:number>/", views.step, name="step"),
    path("<uuid:public_id>/sent/", views.desk_done, name="desk_done"),
    path("<uuid:public_id>/previous/", views.prefill, name="prefill"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<uuid:public_id>/", views.review, name="review"),
    path("review/<uuid:public_id>/clearance/", views.clearance, name="clearance"),
    path("document/<uuid:public_id>/", views.document, name="document"),
]
