from django.urls import path

from scpstudio.editor import views

app_name = "editor"
urlpatterns = [
    path("", views.editor, name="editor"),
    path("export/", views.export, name="export"),
    path("import/", views.import_policy, name="import"),
]
