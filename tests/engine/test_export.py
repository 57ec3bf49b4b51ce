"""The engine's exports (JSON text, Terraform), shared by the editor and the library."""

from __future__ import annotations

import json
import re

from hypothesis import strategies as st

from scpstudio.engine.export import export_text, slug, terraform_label, terraform_snippet

POLICY = {
    "Statement": [{"Resource": "*", "Action": ["ims:images:share"], "Effect": "Deny"}],
    "Version": "5.0",
}


def test_minified_export_is_canonical_and_pretty_ends_with_a_newline():
    assert export_text(POLICY, minified=True) == (
        '{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:share"],'
        '"Resource":"*"}]}'
    )
    assert export_text(POLICY, minified=False).endswith("}\n")


def test_a_lone_surrogate_is_written_back_as_its_escape():
    text = export_text({"Version": "5.0", "Statement": [{"Sid": "\ud800"}]}, minified=True)

    assert "\\ud800" in text
    text.encode("utf-8")


def test_terraform_is_an_organizations_policy_with_hcl_templates_escaped():
    snippet = terraform_snippet(POLICY, name="Deny ${x}", description="100%{ sure }")

    assert snippet.startswith('resource "huaweicloud_organizations_policy" "deny_x" {\n')
    assert '  name        = "Deny $${x}"\n' in snippet
    assert '  description = "100%%{ sure }"\n' in snippet
    content = re.search(r"jsonencode\((.*)\)\n\}\n$", snippet, re.S)
    assert content and json.loads(content[1]) == POLICY


def test_names_become_file_names_and_terraform_labels():
    assert slug("  Deny: share / copy ") == "deny_share_copy"
    assert slug("***") == "scp"
    assert terraform_label("2026 policy") == "scp_2026_policy"


text = st.text(max_size=40)
