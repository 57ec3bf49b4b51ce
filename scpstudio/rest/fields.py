"""Request serializers and fields that check exactly what the schema declares.

DRF's own fields are lenient in ways the OpenAPI schema cannot say: a CharField takes a
number and trims spaces, a BooleanField takes "yes", an IntegerField takes "1" in a JSON
body. These take only the JSON type the schema names, and a `StrictSerializer` refuses a
field it does not know (a misspelt option would otherwise be silently left at its
default) and says so in the schema (`additionalProperties: false`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from rest_framework import serializers

from scpstudio.refusals import Refusal, json_kind

INT_MAX = 2**31 - 1  # what every database's integer column holds
# No NUL anywhere (no database stores it), in ECMA syntax as OpenAPI reads it. A lookahead
# rather than `^[^\u0000]*$`: generators fold a maxLength into the latter as `{0,100000}`,
# which costs seconds to compile.
NO_NUL_PATTERN = r"^(?![\s\S]*\u0000)"


class StrictSerializer(serializers.Serializer):
    """A request body: only the fields declared, each named in the error when unknown."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                allowed = ", ".join(self.fields)
                raise serializers.ValidationError(
                    {unknown[0]: [f"Unknown field; the body takes only: {allowed}."]}
                )
        return super().to_internal_value(data)


class StrictSerializerSchema(OpenApiSerializerExtension):
    """`additionalProperties: false` for every StrictSerializer, so the schema refuses
    unknown fields as the server does."""

    target_class = StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        return schema


class RuleField(serializers.Field):
    """A field checked by one of an app's rules: `rule(value, field_name)` returns the
    value to keep or raises a Refusal, whose sentence becomes the field's error. The
    rule is the one the services apply, so the API and the pages say the same."""

    rule: Callable[[Any, str], Any]

    def __init__(self, rule: Callable[[Any, str], Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rule = rule

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None:
            return False, data  # the rule says what null means (and allow_null documents it)
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> Any:
        try:
            return self.rule(data, self.field_name)
        except Refusal as exc:
            raise serializers.ValidationError(exc.message) from exc

    def to_representation(self, value: Any) -> Any:
        return value


class WholeNumberField(serializers.IntegerField):
    """A JSON integer from `min_value` up (no string, boolean or fraction)."""

    def __init__(self, *, what: str, min_value: int = 1, **kwargs: Any) -> None:
        message = f"{{name}} must be {what} ({min_value} or more)."
        super().__init__(min_value=min_value, max_value=INT_MAX, **kwargs)
        self._message = message

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self._refuse()
        if not self.min_value <= data <= INT_MAX:  # type: ignore[operator]
            self._refuse()
        return data

    def _refuse(self) -> None:
        raise serializers.ValidationError(self._message.format(name=self.field_name))


def _as_given(field: serializers.Field, dictionary: Any) -> Any:
    """The value as sent, "" included: DRF reads an empty query value as "not given", but
    "" is neither a number nor one of a choice's values, and the schema says so."""
    return dictionary.get(field.field_name, serializers.empty)


class QueryNumberField(serializers.IntegerField):
    """A whole number in a query parameter: ASCII digits only, within its range."""

    def get_value(self, dictionary: Any) -> Any:
        return _as_given(self, dictionary)

    def __init__(self, *, what: str, min_value: int = 1, **kwargs: Any) -> None:
        super().__init__(min_value=min_value, max_value=INT_MAX, **kwargs)
        self._what = what

    def to_internal_value(self, data: Any) -> int:
        text = str(data)
        if text.isascii() and text.isdigit() and len(text) <= 10:
            number = int(text)
            if self.min_value <= number <= INT_MAX:  # type: ignore[operator]
                return number
        shown = repr(text[:40]) + ("..." if len(text) > 40 else "")
        raise serializers.ValidationError(
            f"{self.field_name} must be {self._what} ({self.min_value} or more), not {shown}."
        )


class TrueOrFalseField(serializers.BooleanField):
    """A JSON boolean: true or false, not "yes", 1 or null."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            raise serializers.ValidationError(f"{self.field_name} must be true or false.")
        return data

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None:
            raise serializers.ValidationError(f"{self.field_name} must be true or false.")
        return super().validate_empty_values(data)


class TextField(serializers.CharField):
    """A JSON string, kept exactly (no trimming); `min_length` and `max_length` are checked
    with a sentence naming the field, and declared in the schema as they are checked."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        kwargs["allow_blank"] = not kwargs.get("min_length")
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data == "" and not self.allow_blank:
            raise serializers.ValidationError(f"{self.field_name} may not be empty.")
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            raise serializers.ValidationError(
                f"{self.field_name} must be text, not {json_kind(data)}."
            )
        if self.min_length is not None and len(data) < self.min_length:
            raise serializers.ValidationError(f"{self.field_name} may not be empty.")
        if self.max_length is not None and len(data) > self.max_length:
            raise serializers.ValidationError(
                f"{self.field_name} holds at most {self.max_length:,} characters."
            )
        return data


class ChoiceOf(serializers.ChoiceField):
    """One of `choices`, exactly: a string (an empty one is none of them); the error names
    every value it accepts."""

    def __init__(self, choices: tuple[str, ...] | list[str], what: str, **kwargs: Any) -> None:
        self._refusal = f"{{shown}} is not {what}; use one of: {', '.join(choices)}."
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("null", self._refusal.format(shown="null"))
        super().__init__(choices=list(choices), **kwargs)

    def get_value(self, dictionary: Any) -> Any:
        return _as_given(self, dictionary)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and data in self.choice_strings_to_values:
            return self.choice_strings_to_values[data]
        shown = f'"{data[:40]}"' if isinstance(data, str) else json_kind(data)
        raise serializers.ValidationError(self._refusal.format(shown=shown))


class SearchTextField(TextField):
    """Words to search for: NUL characters are dropped (no database stores them, and a
    search for them finds what it would without them), as the pages do."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        return super().to_internal_value(data).replace("\x00", "")


class TextFieldSchema(OpenApiSerializerFieldExtension):
    """A TextField refuses NUL (DRF's CharField does), and the schema says so; a search
    text drops it instead, so its schema takes any string."""

    target_class = TextField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if not isinstance(self.target, SearchTextField):
            schema["pattern"] = NO_NUL_PATTERN
        return schema
