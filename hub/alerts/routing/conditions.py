"""Checking one rule's matchers and time condition, saying why when they fail."""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from hub.alerts.routing import patterns
from hub.alerts.routing.models import Matcher, MatchOp, TimeCondition, plain_number
from hub.alerts.routing.view import AlertView
from hub.teams.hours import is_working
from hub.teams.models import Region

_COMPARE: dict[MatchOp, tuple[Callable[[float, float], bool], str]] = {
    MatchOp.GT: (operator.gt, ">"),
    MatchOp.GTE: (operator.ge, ">="),
    MatchOp.LT: (operator.lt, "<"),
    MatchOp.LTE: (operator.le, "<="),
}


def failed_matcher(matcher: Matcher, view: AlertView) -> str | None:
    """None when ``matcher`` holds for the alert, else the reason it does not."""
    actual = view.get(matcher.field)
    name, op = matcher.field, matcher.op
    if op is MatchOp.EXISTS:
        return None if actual is not None else f"{name} is absent"
    if op is MatchOp.ABSENT:
        return None if actual is None else f"{name} is present ({_show(actual)})"
    if actual is None:
        return f"{name} is absent"
    if op is MatchOp.EQUALS:
        ok = actual == matcher.value
        return None if ok else f"{name} is {_show(actual)}, not {_show(matcher.value)}"
    if op is MatchOp.NOT_EQUALS:
        ok = actual != matcher.value
        return None if ok else f"{name} is {_show(actual)}"
    if op is MatchOp.IN:
        ok = actual in matcher.values
        return None if ok else f"{name} is {_show(actual)}, not one of {matcher.values}"
    if op is MatchOp.REGEX:
        assert matcher.value is not None
        ok = patterns.search(matcher.value, actual)
        return None if ok else f"{name} {_show(actual)} does not match /{matcher.value}/"
    return _failed_comparison(matcher, actual)


def _failed_comparison(matcher: Matcher, actual: str) -> str | None:
    compare, symbol = _COMPARE[matcher.op]
    assert matcher.value is not None
    number = plain_number(actual)
    if number is None:
        return f"{matcher.field} {_show(actual)} is not a number"
    if compare(number, float(matcher.value)):
        return None
    return f"{matcher.field} {_show(actual)} is not {symbol} {matcher.value}"


def failed_time(condition: TimeCondition, region: Region | None, at: datetime) -> str | None:
    """None when ``at`` satisfies the condition, else why not (in local time)."""
    if region is None:
        return f"region {condition.region_id} no longer exists"
    windows = condition.windows or region.working_hours
    inside = is_working(region.time_zone, windows, at)
    local = at.astimezone(ZoneInfo(region.time_zone)).strftime("%a %H:%M")
    where = f"{at:%H:%M} UTC is {local} in {region.name}"
    which = "its windows" if condition.windows else "its working hours"
    if inside == condition.inside:
        return None
    return f"{where}, {'outside' if condition.inside else 'inside'} {which}"


def _show(value: str | None) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
