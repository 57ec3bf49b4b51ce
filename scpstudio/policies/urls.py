"""The policy library's pages, included at `policies/`."""

from django.urls import path

from scpstudio.policies import views, views_pack

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("templates/", views.templates, name="templates"),
    path("pack/", views_pack.pack_page, name="pack"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/rename/", views.rename, name="rename"),
    path("<int:pk>/duplicate/", views.duplicate, name="duplicate"),
    path("<int:pk>/share/", views.share, name="share"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/versions/<int:number>/restore/", views.restore, name="restore"),
]
