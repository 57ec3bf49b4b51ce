from django.urls import path

from catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.service_list, name="services"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<str:name>/", views.action_detail, name="action"),
    path("condition-keys/", views.condition_key_list, name="condition-keys"),
    path("apis/", views.api_list, name="apis"),
    path("services/<slug:prefix>/", views.action_list, name="service"),
]
