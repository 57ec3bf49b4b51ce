"""Packing for one node, and the organization's export, as pages.

* `/org/nodes/<id>/pack/`: the library's pack page (`policies.views_pack.pack_flow`) with the
  node's free slots (5 minus what is attached there, FullAccess included) and its verdict;
  the documents are saved as new policies of the person, then the node's page says so.
* `/org/export/?format=terraform|json`: the file, downloaded. It holds every attached
  policy's text, so it needs the permission to change the organization.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from scpstudio.org.exporting import FILENAMES, FORMATS, export_text
from scpstudio.org.rules import max_attachments
from scpstudio.org.selectors import can_change_org, node_for
from scpstudio.org.views import NOT_ALLOWED, render_tree_page
from scpstudio.policies.views_pack import pack_flow

MEDIA_TYPES = {"terraform": "text/plain; charset=utf-8", "json": "application/json"}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def node_pack(request: HttpRequest, pk: int) -> HttpResponse:
    node = node_for(pk)
    attached = node.attachments.count()
    free = max(0, max_attachments() - attached)
    node_page = reverse("org:node", args=[node.pk])
    return pack_flow(
        request,
        free_slots=str(free),
        saved=lambda name: f"{node_page}?done=packed",
        extra={
            "nav": "org",
            "node": node,
            "attached_count": attached,
            "pack_url": reverse("org:node-pack", args=[node.pk]),
        },
    )


@login_required
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    if not can_change_org(request.user):
        return render_tree_page(request, problem=NOT_ALLOWED, status=403)
    format = str(request.GET.get("format", "terraform"))
    if format not in FORMATS:
        problem = f"There is no export format “{format[:20]}”: choose terraform or json."
        return render_tree_page(request, problem=problem, status=400)
    response = HttpResponse(export_text(format), content_type=MEDIA_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{FILENAMES[format]}"'
    return response
