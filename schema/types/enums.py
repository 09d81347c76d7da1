"""Domain enums exposed to GraphQL under their own names."""

from __future__ import annotations

import strawberry

from hub.escalation.conditions import HoursSubject
from hub.escalation.models import RuleAction, TargetKind
from hub.escalation.notify import NotificationState
from hub.escalation.plan import Action
from hub.escalation.state import EscalationState
from hub.incidents.models import Category, Severity, Status
from hub.knowledge.models import ArticleKind
from hub.teams.models import ServiceTier, Weekday

SeverityEnum = strawberry.enum(Severity, name="Severity")
CategoryEnum = strawberry.enum(Category, name="Category")
StatusEnum = strawberry.enum(Status, name="IncidentStatus")
WeekdayEnum = strawberry.enum(Weekday, name="Weekday")
ServiceTierEnum = strawberry.enum(ServiceTier, name="ServiceTier")
ArticleKindEnum = strawberry.enum(ArticleKind, name="ArticleKind")
TargetKindEnum = strawberry.enum(TargetKind, name="TargetKind")
RuleActionEnum = strawberry.enum(RuleAction, name="EscalationRuleAction")
HoursSubjectEnum = strawberry.enum(HoursSubject, name="HoursSubject")
StepActionEnum = strawberry.enum(Action, name="EscalationStepAction")
EscalationStateEnum = strawberry.enum(EscalationState, name="EscalationState")
NotificationStateEnum = strawberry.enum(NotificationState, name="NotificationState")
