"""Amazon CloudWatch alarms delivered through SNS.

SNS posts an envelope whose ``Message`` is the alarm as a JSON *string*, so
the alarm is decoded twice. The same envelope also arrives wrapped as a
Lambda event (``{"Records": [{"Sns": {...}}]}``) when a function forwards it.

``AlarmArn`` (or ``AlarmName`` when absent) is the dedup key. ALARM
triggers, OK resolves; INSUFFICIENT_DATA says nothing about the monitored
thing, so it is ignored with the reason. A ``SubscriptionConfirmation``
opens nothing and carries the URL an operator (or the edge) must visit.
"""

from __future__ import annotations

from datetime import datetime

from hub.alerts.limits import decode_json
from hub.alerts.sources._json import (
    JsonObject,
    as_list,
    as_object,
    as_str_map,
    at,
    compact,
    opt_str,
    req_str,
)
from hub.alerts.sources.signal import AlertAction, AlertBatch, AlertSignal
from hub.alerts.sources.timestamps import parse_timestamp
from hub.errors import BadInput

SOURCE = "cloudwatch"

_STATES = {"ALARM": AlertAction.TRIGGER, "OK": AlertAction.RESOLVE}
# An alarm is a few kilobytes; these bounds only stop an abusive Message.
_MESSAGE_MAX_BYTES = 256 * 1024
_MESSAGE_MAX_DEPTH = 32


def parse(payload: object, *, received_at: datetime) -> AlertBatch:
    body = as_object(payload, "")
    if "Records" not in body:
        return _envelope(body, "", received_at)
    records = as_list(body["Records"], "Records")
    if len(records) != 1:
        raise BadInput("Records must hold exactly one SNS record", field="Records")
    record = as_object(records[0], "Records[0]")
    return _envelope(
        as_object(record.get("Sns"), "Records[0].Sns"),
        "Records[0].Sns",
        received_at,
    )


def _envelope(sns: JsonObject, path: str, received_at: datetime) -> AlertBatch:
    kind = req_str(sns, "Type", path)
    if kind == "SubscriptionConfirmation":
        url = req_str(sns, "SubscribeURL", path)
        reason = "SNS subscription confirmation: visit subscribe_url to confirm"
        return AlertBatch(
            source=SOURCE,
            group_key="",
            ignored_reason=reason,
            subscribe_url=url,
        )
    if kind == "UnsubscribeConfirmation":
        reason = "SNS unsubscribe confirmation"
        return AlertBatch(source=SOURCE, group_key="", ignored_reason=reason)
    if kind != "Notification":
        raise BadInput(
            f"{at(path, 'Type')} {kind!r} is not an SNS message type",
            field=at(path, "Type"),
        )

    message_path = at(path, "Message")
    alarm = as_object(
        _decode_message(req_str(sns, "Message", path), message_path),
        message_path,
    )
    sent = parse_timestamp(sns.get("Timestamp"), field=at(path, "Timestamp"))
    return _alarm(alarm, message_path, sent or received_at)


def _decode_message(text: str, path: str) -> object:
    try:
        return decode_json(
            text.encode(),
            max_bytes=_MESSAGE_MAX_BYTES,
            max_depth=_MESSAGE_MAX_DEPTH,
        )
    except BadInput as exc:
        raise BadInput(
            f"{path} must be a CloudWatch alarm as JSON: {exc.message}",
            field=path,
        ) from None


def _alarm(alarm: JsonObject, path: str, fallback: datetime) -> AlertBatch:
    name = req_str(alarm, "AlarmName", path)
    dedup_key = opt_str(alarm, "AlarmArn", path) or name
    state = req_str(alarm, "NewStateValue", path)
    action = _STATES.get(state)
    if action is None:
        reason = f"CloudWatch alarm state {state!r} says nothing about the monitored resource"
        return AlertBatch(source=SOURCE, group_key=dedup_key, ignored_reason=reason)

    change_path = at(path, "StateChangeTime")
    changed = parse_timestamp(alarm.get("StateChangeTime"), field=change_path)
    reason_text = opt_str(alarm, "NewStateReason", path) or ""
    signal = AlertSignal(
        source=SOURCE,
        dedup_key=dedup_key,
        alert_key=dedup_key,
        action=action,
        title=name,
        summary=reason_text,
        labels=_trigger_labels(alarm, path),
        annotations=compact(
            {
                "description": opt_str(alarm, "AlarmDescription", path),
                "reason": reason_text,
                "old_state": opt_str(alarm, "OldStateValue", path),
            }
        ),
        starts_at=changed if action is AlertAction.TRIGGER else None,
        ends_at=changed if action is AlertAction.RESOLVE else None,
        occurred_at=changed or fallback,
        fields=compact(
            {
                "alarm_name": name,
                "region": opt_str(alarm, "Region", path),
                "account": opt_str(alarm, "AWSAccountId", path),
            }
        ),
    )
    return AlertBatch(source=SOURCE, group_key=dedup_key, signals=[signal])


def _trigger_labels(alarm: JsonObject, path: str) -> dict[str, str]:
    """The metric and its dimensions, which identify what is alarming."""
    if alarm.get("Trigger") is None:
        return {}
    trigger_path = at(path, "Trigger")
    trigger = as_object(alarm["Trigger"], trigger_path)
    labels = compact(
        {
            "metric": opt_str(trigger, "MetricName", trigger_path),
            "namespace": opt_str(trigger, "Namespace", trigger_path),
        }
    )
    dims_path = at(trigger_path, "Dimensions")
    for i, item in enumerate(as_list(trigger.get("Dimensions", []), dims_path)):
        dim = as_str_map(item, at(dims_path, i))
        if "name" in dim and "value" in dim:
            labels[dim["name"]] = dim["value"]
    return labels
