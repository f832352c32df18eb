"""Declared schemas for the communicators' data files, reported in Vietnamese at the line.

Every YAML the build reads (page front matter, `site.yml`, `policy.yml`, the
interface catalogues, commune and campaign lists) is described by a pydantic
model in the module that owns it. `validate()` checks data read by
`yamlfile` against such a model and turns every mistake into a `path:line`
message with the fix, collected in the run's ProblemLog, never a traceback.

Models use `Model` (unknown keys are errors, types are strict: `title: yes`
is not a title) and `Field(description=...)`: the description is the hint a
communicator reads when that field is wrong.
"""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from ..problems import ProblemLog
from .yamlfile import LineDict, LineList

M = TypeVar("M", bound=BaseModel)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


def validate(model: type[M], data: Any, path, log: ProblemLog, prefix: str = "") -> M | None:
    """`data` as `model`, or None after logging each mistake at its line.

    `prefix` starts every message when the file holds many things (a figure's key in policy.yml).
    """
    if data is None:
        data = LineDict()
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for problem in error.errors(include_url=False):
            loc = tuple(problem["loc"])
            log.error(path, line_at(data, loc), prefix + _message(model, problem, loc))
        return None


def line_at(data: Any, loc: tuple) -> int:
    """The line of the deepest part of `data` that `loc` reaches."""
    line, node = getattr(data, "line", 1), data
    for step in loc:
        if isinstance(node, LineDict):
            # pydantic names a field by its alias ("from") and a key by its text.
            key = step if step in node else next((k for k in node if str(k) == str(step)), _MISSING)
            if key is _MISSING:
                break
            line, node = node.line_of(key), node[key]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line, node = node.line_of(step), node[step]
        else:
            break
    return line


_MISSING = object()


def _field_name(loc: tuple) -> str:
    names = [str(step) for step in loc if isinstance(step, str) and not step.startswith(("function-", "union"))]
    return names[-1] if names else ""


def _hint(model: type[BaseModel], loc: tuple) -> str:
    """The description of the field `loc` points at, looked up through nested models."""
    current: Any = model
    hint = ""
    for step in loc:
        fields = getattr(current, "model_fields", None)
        if not fields or not isinstance(step, str):
            continue
        field = fields.get(step) or next((f for f in fields.values() if f.alias == step), None)
        if field is None:
            return hint
        hint = field.description or ""
        current = _model_inside(field.annotation)
    return hint


def _model_inside(annotation) -> Any:
    """The pydantic model inside `list[X]`, `dict[str, X]`, `X | None`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()) or ():
        found = _model_inside(argument)
        if found is not None:
            return found
    return None


def _message(model: type[BaseModel], problem: dict, loc: tuple) -> str:
    name = _field_name(loc)
    field = f"`{name}`" if name else "Mục này"
    hint = _hint(model, loc)
    kind = problem["type"]
    context = problem.get("ctx") or {}
    if kind == "missing":
        text = f"Thiếu dòng `{name}:`." if name else "Thiếu một mục."
    elif kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        close = difflib.get_close_matches(name, allowed, n=1)
        text = f"{field} không phải mục được dùng ở đây." + (f" Có phải `{close[0]}`?" if close else "")
        if allowed:
            text += f" Các mục được dùng: {', '.join(allowed)}."
        hint = ""
    elif kind in ("string_type", "string_too_short"):
        text = f"{field} phải là chữ, không để trống."
    elif kind == "string_too_long":
        text = f"{field} dài quá {context.get('max_length')} ký tự: hãy viết ngắn lại."
    elif kind in ("int_type", "int_parsing"):
        text = f"{field} phải là số nguyên."
    elif kind in ("bool_type", "bool_parsing"):
        text = f"{field} phải là `true` hoặc `false`."
    elif kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        text = f"{field} phải là ngày, viết dạng 2025-07-01."
    elif kind in ("list_type", "too_short"):
        text = f"{field} phải là danh sách có ít nhất một dòng (mỗi dòng bắt đầu bằng `- `)."
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        text = f"{field} phải gồm các dòng `tên: giá trị`."
    elif kind == "literal_error":
        expected = str(context.get("expected", "")).replace("' or '", "', '")  # pydantic joins the last one in English
        text = f"{field}: `{problem.get('input')}` không dùng được; chọn một trong: {expected}."
    elif kind == "string_pattern_mismatch":
        text = f"{field}: `{problem.get('input')}` không đúng dạng."
    elif kind == "value_error":
        text = str(context.get("error", problem["msg"]))
        hint = ""
    elif kind in ("decimal_type", "decimal_parsing", "float_type", "float_parsing"):
        text = f"{field} phải là một số."
    else:
        text = f"{field} không hợp lệ."
    return f"{text} {hint}".strip()


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    current: Any = model
    for step in loc:
        fields = getattr(current, "model_fields", None)
        if fields and isinstance(step, str) and step in fields:
            current = _model_inside(fields[step].annotation)
    fields = getattr(current, "model_fields", {}) or {}
    return [field.alias or name for name, field in fields.items()]
