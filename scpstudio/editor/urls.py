from django.urls import path

from scpstudio.editor import library_views, views

app_name = "editor"
urlpatterns = [
    path("", views.editor, name="editor"),
    path("export/", views.export, name="export"),
    path("import/", views.import_policy, name="import"),
    path("save/", library_views.save, name="save"),
    path("draft/", library_views.draft, name="draft"),
    path("compare/", library_views.compare_draft, name="compare"),
]
