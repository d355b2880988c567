from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("<slug:slug>/", views.article, name="article"),
]
