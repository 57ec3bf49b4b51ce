"""How the OpenAPI schema names our sign-in ways (drf-spectacular finds these extensions
once this module is imported, in AccountsConfig.ready)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object

from scpstudio.accounts.authentication import TOKEN_KEYWORD


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "scpstudio.accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> Any:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=TOKEN_KEYWORD
        )


class BasicScheme(OpenApiAuthenticationExtension):
    target_class = "scpstudio.accounts.authentication.BasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema: Any) -> Any:
        return {"type": "http", "scheme": "basic"}
