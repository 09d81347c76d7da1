"""Regular expressions in routing rules, made safe to run on every alert.

Python's ``re`` has no time limit, so a pattern such as ``(a+)+$`` can spend
minutes on one crafted label. Patterns are therefore checked when a rule is
written: short, no back-references, and no repetition of something that can
itself repeat or branch (the shape behind catastrophic backtracking), and at
most :data:`VARIABLE_MAX` repetitions in all, since each one multiplies the
work of an unanchored search by the subject's length. At match time the
subject is cut to :data:`SUBJECT_MAX` characters, so the worst case is a few
milliseconds.
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _parser as sre  # type: ignore[attr-defined]  # the stdlib's own parser
from typing import Any

from hub.errors import BadInput

PATTERN_MAX = 200
SUBJECT_MAX = 256
VARIABLE_MAX = 2

_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}
_GROUP_REFS = {sre.GROUPREF, sre.GROUPREF_EXISTS}


def check_pattern(pattern: str, *, field: str = "value") -> str:
    """``pattern`` unchanged, or :class:`BadInput` saying what is refused."""
    if len(pattern) > PATTERN_MAX:
        msg = f"{field}: a pattern is at most {PATTERN_MAX} characters"
        raise BadInput(msg, field=field, limit=PATTERN_MAX)
    try:
        tree = sre.parse(pattern)
    except re.error as exc:
        raise BadInput(f"{field}: invalid regular expression: {exc}", field=field) from None
    problem = _problem(list(tree), inside_repeat=False)
    if problem is None and _variable_repeats(list(tree)) > VARIABLE_MAX:
        problem = f"at most {VARIABLE_MAX} repetitions (*, +, {{n,m}}) per pattern"
    if problem:
        raise BadInput(f"{field}: pattern refused: {problem}", field=field)
    return pattern


def search(pattern: str, subject: str) -> bool:
    return _compiled(pattern).search(subject[:SUBJECT_MAX]) is not None


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(check_pattern(pattern))


def _problem(items: list[Any], *, inside_repeat: bool) -> str | None:
    for op, arg in items:
        if op in _GROUP_REFS:
            return "back-references are not allowed"
        if op in _REPEATS:
            _low, high, sub = arg
            repeats = high is sre.MAXREPEAT or high > 1
            if inside_repeat and repeats:
                return "a repeated part inside a repetition can backtrack for ever"
            found = _problem(list(sub), inside_repeat=inside_repeat or repeats)
        elif op is sre.BRANCH:
            if inside_repeat:
                return "alternatives inside a repetition can backtrack for ever"
            found = _first(_problem(list(b), inside_repeat=False) for b in arg[1])
        elif op is sre.SUBPATTERN:
            found = _problem(list(arg[-1]), inside_repeat=inside_repeat)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            found = _problem(list(arg[1]), inside_repeat=inside_repeat)
        else:
            found = None
        if found:
            return found
    return None


def _variable_repeats(items: list[Any]) -> int:
    count = 0
    for op, arg in items:
        if op in _REPEATS:
            count += int(arg[1] is sre.MAXREPEAT or arg[1] > 1)
            count += _variable_repeats(list(arg[2]))
        elif op is sre.BRANCH:
            count += max(_variable_repeats(list(b)) for b in arg[1])
        elif op is sre.SUBPATTERN:
            count += _variable_repeats(list(arg[-1]))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            count += _variable_repeats(list(arg[1]))
    return count


def _first(values: Any) -> str | None:
    return next((v for v in values if v), None)
