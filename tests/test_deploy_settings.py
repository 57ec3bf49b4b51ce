"""Production settings: the README's production environment passes `check --deploy`
without a warning, and behind a TLS-terminating proxy a form post passes CSRF."""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

ROOT = Path(django_settings.BASE_DIR)
HTTPS_SETTINGS = [
    "ALLOWED_HOSTS",
    "CSRF_COOKIE_SECURE",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
]


def readme_production_environment() -> dict[str, str]:
    """The `export NAME=value` lines of the README's Production section, as written, with a
    real secret key for its placeholder and the default database for the example's."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    exports = re.findall(r"^export (\w+)=(\S+)", section, re.MULTILINE)
    env = {name: value.strip("'\"") for name, value in exports}
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    env.pop("DATABASE_URL", None)
    return env


def settings_under(monkeypatch, env: dict[str, str]) -> ModuleType:
    """A fresh copy of scpstudio/settings.py, read under exactly these DJANGO_ variables."""
    for name in list(os.environ):
        # DJANGO_ALLOW_ASYNC_UNSAFE is the browser tests' (tests/e2e/conftest.py), not a setting
        if name.startswith("DJANGO_") and name != "DJANGO_ALLOW_ASYNC_UNSAFE":
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "settings_under_test", ROOT / "scpstudio" / "settings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def use_https_settings(settings, module: ModuleType) -> None:
    for name in HTTPS_SETTINGS:
        setattr(settings, name, getattr(module, name))
    settings.ALLOWED_HOSTS = [*module.ALLOWED_HOSTS, "testserver"]


def in_own_process(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Python with these arguments in a process of its own, with no DJANGO_ variable but
    these."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name != "DATABASE_URL"
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`manage.py check --deploy` in a process of its own."""
    return in_own_process(env, "manage.py", "check", "--deploy")


def test_the_readme_production_environment_passes_check_deploy_without_a_warning():
    done = check_deploy(readme_production_environment())

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("System check identified no issues"), done.stdout + done.stderr
    assert "WARNING" not in done.stdout + done.stderr
    assert "security." not in done.stdout + done.stderr


def test_without_the_https_settings_check_deploy_warns():
    """The test above can fail: the same environment less the HTTPS variables warns."""
    production = readme_production_environment()
    basics = ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS")

    done = check_deploy({name: production[name] for name in basics})

    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in done.stdout + done.stderr


def test_development_defaults_stay_plain_http(monkeypatch):
    dev = settings_under(monkeypatch, {"DJANGO_DEBUG": "1"})

    assert dev.SECURE_SSL_REDIRECT is False
    assert dev.SESSION_COOKIE_SECURE is False
    assert dev.CSRF_COOKIE_SECURE is False
    assert dev.SECURE_HSTS_SECONDS == 0
    assert dev.SECURE_PROXY_SSL_HEADER is None
    assert dev.CSRF_TRUSTED_ORIGINS == []


def test_the_production_environment_reads_into_https_settings(monkeypatch):
    prod = settings_under(monkeypatch, readme_production_environment())

    assert prod.DEBUG is False
    assert prod.SECURE_SSL_REDIRECT is True
    assert prod.SESSION_COOKIE_SECURE is True
    assert prod.CSRF_COOKIE_SECURE is True
    assert prod.SECURE_HSTS_SECONDS == 31536000
    assert prod.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert prod.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert prod.CSRF_TRUSTED_ORIGINS == ["https://scp.example.com"]


def test_the_ssl_redirect_can_be_left_to_the_proxy(monkeypatch):
    prod = settings_under(
        monkeypatch, {**readme_production_environment(), "DJANGO_SSL_REDIRECT": "0"}
    )

    assert prod.SECURE_SSL_REDIRECT is False
    assert prod.SESSION_COOKIE_SECURE is True


@pytest.mark.parametrize(
    ("name", "value"),
    [("DJANGO_PROXY_SSL_HEADER", "X-Forwarded-Proto: https"), ("DJANGO_HSTS_SECONDS", "1 year")],
)
def test_a_malformed_https_variable_is_refused_with_its_name(monkeypatch, name, value):
    with pytest.raises(ImproperlyConfigured, match=name):
        settings_under(monkeypatch, {**readme_production_environment(), name: value})


def _post_a_keystroke(client, **headers):
    """Open the editor and post a keystroke as the browser would, CSRF token and all."""
    page = client.get("/editor/", **headers)
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value

    return client.post(
        "/editor/", {"op": "check"}, HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true", **headers
    )


@pytest.mark.django_db
def test_behind_the_proxy_a_post_from_the_https_origin_passes_csrf(monkeypatch, settings):
    use_https_settings(settings, settings_under(monkeypatch, readme_production_environment()))
    client = Client(enforce_csrf_checks=True)

    response = _post_a_keystroke(
        client,
        HTTP_HOST="scp.example.com",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_ORIGIN="https://scp.example.com",
    )

    assert response.status_code == 200
    assert response.wsgi_request.is_secure()


@pytest.mark.django_db
def test_without_the_proxy_header_setting_the_same_post_fails_csrf(monkeypatch, settings):
    """What happened before: Django sees http, the browser's origin is https."""
    env = {**readme_production_environment(), "DJANGO_SSL_REDIRECT": "0"}
    env.pop("DJANGO_PROXY_SSL_HEADER")
    env.pop("DJANGO_CSRF_TRUSTED_ORIGINS")
    use_https_settings(settings, settings_under(monkeypatch, env))
    client = Client(enforce_csrf_checks=True)

    response = _post_a_keystroke(
        client,
        HTTP_HOST="scp.example.com",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_ORIGIN="https://scp.example.com",
    )

    assert response.status_code == 403
    assert b"CSRF" in response.content


@pytest.mark.django_db
def test_a_proxy_that_rewrites_the_host_needs_the_trusted_origin(monkeypatch, settings):
    production = settings_under(monkeypatch, readme_production_environment())
    use_https_settings(settings, production)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    internal = {
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_ORIGIN": "https://scp.example.com",
    }

    trusted = _post_a_keystroke(Client(enforce_csrf_checks=True), **internal)
    settings.CSRF_TRUSTED_ORIGINS = []
    untrusted = _post_a_keystroke(Client(enforce_csrf_checks=True), **internal)

    assert trusted.status_code == 200
    assert untrusted.status_code == 403


def test_a_worker_freezes_what_it_loaded_so_full_collections_skip_it():
    """Loading the WSGI application leaves Django and the modules out of the collector's
    full walks (a pause of tens of ms per collection otherwise)."""
    probe = (
        "import gc; before = gc.get_freeze_count(); import scpstudio.wsgi; "
        "print(before, gc.get_freeze_count(), len(gc.get_objects()))"
    )

    done = in_own_process(readme_production_environment(), "-c", probe)

    assert done.returncode == 0, done.stderr
    before, frozen, walked = map(int, done.stdout.split())
    assert before == 0
    assert frozen > 10 * walked  # nearly all of it frozen


def test_a_worker_loads_the_views_and_templates_before_it_freezes():
    """What the first requests would load (every view module, the parsed templates) is
    loaded and frozen with the rest, not walked by every full collection after."""
    probe = (
        "import sys, gc; import scpstudio.wsgi; "
        "from django.template import engines; "
        "cached = engines['django'].engine.template_loaders[0].loaders[0]; "
        "print('scpstudio.editor.views' in sys.modules, "
        "'editor/editor.html' in cached.get_template_cache, len(gc.get_objects()))"
    )

    done = in_own_process(readme_production_environment(), "-c", probe)

    assert done.returncode == 0, done.stderr
    views, templates, walked = done.stdout.split()
    assert views == "True" and templates == "True", done.stdout
    assert int(walked) < 1_000
