from django.urls import path

from intake.views import outcome, questionnaire, therapist

app_name = "intake"

urlpatterns = [
    path("", questionnaire.start, name="start"),
    path("update/", questionnaire.update, name="update"),
    path("client/<uuid:client_id>/start/", questionnaire.desk_start, name="desk_start"),
    path("<uuid:public_id>/", outcome.outcome, name="outcome"),
    path("<uuid:public_id>/step/<int:number>/", questionnaire.step, name="step"),
    path("<uuid:public_id>/sent/", questionnaire.desk_done, name="desk_done"),
    path("<uuid:public_id>/previous/", questionnaire.prefill, name="prefill"),
    path("review/", therapist.review_queue, name="review_queue"),
    path("review/<uuid:public_id>/", therapist.review, name="review"),
    path("review/<uuid:public_id>/clearance/", therapist.clearance, name="clearance"),
    path("document/<uuid:public_id>/", therapist.document, name="document"),
]
