"""The string value of an HCL expression as python-hcl2 8 hands it back (heredocs kept as
written), worked out by HCL's rules, not by the writer's code: a heredoc is the lines
between its opening line and its marker, each ending with a newline (the HCL specification's
own suite: `basic = "Foo\\nBar\\nBaz\\n"`); a quoted string reads its backslash escapes; both
read `$${` as `${` and `%%{` as `%{`; `trimsuffix(x, "\\n")` drops one final newline."""

from __future__ import annotations

import re

_TRIM = re.compile(r'\$\{trimsuffix\((".*"), "\\n"\)\}', re.DOTALL)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _templates(text: str) -> str:
    """A template's literal text: `$${`, `%%{` are escapes; a bare `${` or `%{` would be an
    interpolation or a directive, which no saved text may become."""
    out, i = [], 0
    while i < len(text):
        if text.startswith(("$${", "%%{"), i):
            out.append(text[i + 1 : i + 3])
            i += 3
        elif text.startswith(("${", "%{"), i):
            raise AssertionError(f"a template sequence at {i}: {text!r}")
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _heredoc(raw: str) -> str:
    first, _, rest = raw.partition("\n")
    marker = first.removeprefix("<<").removeprefix("-")
    lines = rest.split("\n")
    assert lines[-1].strip() == marker, raw
    return _templates("".join(line + "\n" for line in lines[:-1]))


def _quoted(raw: str) -> str:
    out, i = [], 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            nxt = raw[i + 1]
            if nxt == "u":
                out.append(chr(int(raw[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        if raw.startswith(("$${", "%%{"), i):
            out.append(raw[i : i + 3])  # left for _templates
            i += 3
            continue
        out.append(ch)
        i += 1
    return _templates("".join(out))


def string_value(parsed: str) -> str:
    trimmed = _TRIM.fullmatch(parsed)
    if trimmed:
        value = string_value(trimmed.group(1))
        return value.removesuffix("\n")
    assert parsed.startswith('"') and parsed.endswith('"'), parsed
    inner = parsed[1:-1]
    return _heredoc(inner) if inner.startswith("<<") else _quoted(inner)
