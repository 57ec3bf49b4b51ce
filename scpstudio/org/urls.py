"""The organization's pages, included at `org/`."""

from django.urls import path

from scpstudio.org import views, views_exchange, views_preview

app_name = "org"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("nodes/add/", views.node_add, name="node-add"),
    path("nodes/<int:pk>/", views.node, name="node"),
    path("nodes/<int:pk>/rename/", views.node_rename, name="node-rename"),
    path("nodes/<int:pk>/move/", views.node_move, name="node-move"),
    path("nodes/<int:pk>/delete/", views.node_delete, name="node-delete"),
    path("nodes/<int:pk>/management/", views.node_management, name="node-management"),
    path("nodes/<int:pk>/attach/", views.attach, name="attach"),
    path("nodes/<int:pk>/detach/", views.detach, name="detach"),
    path("nodes/<int:pk>/preview/", views_preview.preview, name="preview"),
    path("what-if/", views_preview.what_if_page, name="what-if"),
    path("nodes/<int:pk>/pack/", views_exchange.node_pack, name="node-pack"),
    path("export/", views_exchange.export, name="export"),
]
