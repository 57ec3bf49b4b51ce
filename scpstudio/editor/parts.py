"""The parts of the editor page as the templates and the HTML writers read them.

Kept apart from `context` (which builds them) so that `html` (which writes some of them
without templates) can name them without importing `context`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scpstudio.editor import ids
from scpstudio.editor.state import ConditionRow, StatementForm
from scpstudio.engine.catalog import Action, ConditionKey
from scpstudio.engine.operators import OPERATORS


@dataclass
class LevelPicker:
    level: str
    label: str
    actions: list[tuple[Action, bool]]

    @property
    def chosen_count(self) -> int:
        return sum(1 for _, chosen in self.actions if chosen)


@dataclass
class ConditionView:
    row: ConditionRow
    key: ConditionKey | None
    key_choices: Sequence[ConditionKey]  # shared by the statement's rows (kept, never changed)
    operators: list[str]
    slot: str
    merged_with: int | None = None

    @property
    def negated(self) -> bool:
        spec = OPERATORS.get(self.row.operator)
        return bool(spec and spec.negated)

    @property
    def key_template(self) -> str:
        """The catalog key when the row's key is an instance of a templated one."""
        return self.key.name if self.key is not None and self.key.templated else ""

    @property
    def tag(self) -> str:
        if not self.key_template:
            return ""
        prefix = self.key_template.split("<", 1)[0]
        if not self.row.key.lower().startswith(prefix.lower()):
            return ""
        tag = self.row.key[len(prefix) :]
        # the template's own placeholder (`<tag-key>`) is no tag: the field starts empty
        return "" if tag.startswith("<") and tag.endswith(">") else tag

    @property
    def key_listed(self) -> bool:
        """Whether the row's key is one of the select's choices (else it is added as is)."""
        return any(k.name == self.row.key for k in self.key_choices)

    @property
    def value_kind(self) -> str:
        return self.key.value_type if self.key else "string"


@dataclass
class StatementView:
    index: int
    form: StatementForm
    pickers: Sequence[LevelPicker]  # kept per service and ticked boxes, never changed
    patterns: list[str]
    resource_types: list[Any]
    resources_supported: bool
    conditions: list[ConditionView]
    services: list[str]
    last: bool = False  # the last statement of the policy: it cannot move down

    @property
    def slot(self) -> str:
        return ids.statement_slot(self.index)

    @property
    def sid_slot(self) -> str:
        return ids.statement_slot(self.index, "sid")

    @property
    def effect_slot(self) -> str:
        return ids.statement_slot(self.index, "effect")

    @property
    def actions_slot(self) -> str:
        return ids.statement_slot(self.index, "actions")

    @property
    def resources_slot(self) -> str:
        return ids.statement_slot(self.index, "resources")

    @property
    def conditions_slot(self) -> str:
        return ids.statement_slot(self.index, "conditions")

    @property
    def match_id(self) -> str:
        return ids.match_feedback(self.index)

    @property
    def prefix(self) -> str:
        return ids.field_prefix(self.index)

    @property
    def block_id(self) -> str:
        return ids.statement_block(self.index)

    @property
    def picker_id(self) -> str:
        return ids.picker(self.index)

    @property
    def up_id(self) -> str:
        return ids.button(f"up-{self.index}")

    @property
    def down_id(self) -> str:
        return ids.button(f"down-{self.index}")

    @property
    def up_focus(self) -> str:
        return ids.focus_after_move(self.index, "up") if self.index > 0 else ""

    @property
    def down_focus(self) -> str:
        return "" if self.last else ids.focus_after_move(self.index, "down")

    @property
    def remove_id(self) -> str:
        return ids.button(f"remove-statement-{self.index}")

    @property
    def add_condition_id(self) -> str:
        return ids.add_condition_button(self.index)

    @property
    def add_condition_focus(self) -> str:
        return ids.focus_after_add_condition(self.index, len(self.form.conditions))
