from django.urls import path

from scpstudio.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.editor, name="editor"),
    path("export/", views.export, name="export"),
    path("import/", views.import_policy, name="import"),
]
