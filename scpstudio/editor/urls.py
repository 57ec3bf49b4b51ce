from django.urls import path

from scpstudio.editor import views

app_name = "editor"
urlpatterns = [
    path("", views.editor, name="editor"),
    path("export/", views.export, name="export"),
    path("import/", views.import_policy, name="import"),
    path("save/", views.save, name="save"),
    path("draft/", views.draft, name="draft"),
    path("compare/", views.compare_draft, name="compare"),
]
