"""The GraphQL documents the SDK sends, kept apart from the code that sends them."""

from __future__ import annotations

REGION = "id name timeZone"
TEAM = f"id slug name region {{ {REGION} }}"
INCIDENT = f"""
id ref title summary severity category status commander createdAt updatedAt version
team {{ {TEAM} }}
region {{ {REGION} }}
ownership {{ since until via team {{ id slug name }} region {{ {REGION} }} }}
"""
EVENT = "id cursor sequence type occurredAt actor incidentId regionIds data"
EVENT_WITH_INCIDENT = f"{EVENT} incident {{ {INCIDENT} }}"
HANDOFF = f"""
id status proposedBy proposedAt expiresAt respondedBy rejectReason
fromRegion {{ {REGION} }} toRegion {{ {REGION} }}
fromTeam {{ id slug name }} toTeam {{ id slug name }}
incidents {{ id ref title status }}
brief {{ currentStatus tried nextActions {{ text done }} risks links }}
"""

INCIDENTS = f"""
query Incidents($filter: IncidentFilterInput, $first: Int!, $after: String) {{
  incidents(filter: $filter, first: $first, after: $after) {{
    totalCount
    pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor node {{ {INCIDENT} }} }}
  }}
}}"""

INCIDENT_BY_REF = f"""
query Incident($id: ID, $ref: String) {{
  incident(id: $id, ref: $ref) {{ {INCIDENT} timeline {{ {EVENT} }} }}
}}"""

TEAMS = f"query Teams {{ teams(first: 100) {{ nodes {{ {TEAM} }} }} }}"
REGIONS = f"query Regions {{ regions(first: 100) {{ nodes {{ {REGION} }} }} }}"

DECLARE = f"""
mutation Declare($input: DeclareIncidentInput!) {{
  declareIncident(input: $input) {{ {INCIDENT} }}
}}"""

ACKNOWLEDGE = f"""
mutation Acknowledge($id: ID!) {{ acknowledgeIncident(id: $id) {{ {INCIDENT} }} }}"""

CHANGE_STATUS = f"""
mutation ChangeStatus($id: ID!, $status: IncidentStatus!, $note: String) {{
  changeIncidentStatus(id: $id, status: $status, note: $note) {{ {INCIDENT} }}
}}"""

NOTE = f"""
mutation Note($id: ID!, $text: String!) {{
  addIncidentNote(id: $id, text: $text) {{ {INCIDENT} }}
}}"""

ON_DUTY = f"""
query OnDuty($at: DateTime) {{
  onDuty(at: $at) {{
    region {{ {REGION} }} team {{ id slug name }} since until inWindow
    nextRegion {{ name timeZone }} overlapping {{ name }}
  }}
}}"""

HANDOFFS = f"""
query Handoffs($region: String, $status: HandoffStatus, $after: String) {{
  handoffs(region: $region, status: $status, first: 100, after: $after) {{
    nodes {{ {HANDOFF} }} pageInfo {{ hasNextPage endCursor }}
  }}
}}"""

PROPOSE_HANDOFF = f"""
mutation Propose($input: ProposeHandoffInput!) {{
  proposeHandoff(input: $input) {{ {HANDOFF} }}
}}"""

ACCEPT_HANDOFF = f"mutation Accept($id: ID!) {{ acceptHandoff(id: $id) {{ {HANDOFF} }} }}"

REJECT_HANDOFF = f"""
mutation Reject($id: ID!, $reason: String!) {{
  rejectHandoff(id: $id, reason: $reason) {{ {HANDOFF} }}
}}"""

CREATE_TOKEN = """
mutation CreateToken($input: CreateApiTokenInput!) {
  createApiToken(input: $input) { token apiToken { id name role } }
}"""

INCIDENT_EVENTS = f"""
subscription IncidentEvents($region: String, $teamId: ID, $incidentId: ID,
                            $after: String) {{
  incidentEvents(region: $region, teamId: $teamId, incidentId: $incidentId,
                 after: $after) {{ {EVENT_WITH_INCIDENT} }}
}}"""

HANDOFF_EVENTS = f"""
subscription HandoffEvents($region: String!, $after: String) {{
  handoffEvents(region: $region, after: $after) {{ {EVENT_WITH_INCIDENT} }}
}}"""

ROOT_FIELDS = """
query RootFields {
  query: __type(name: "Query") { fields { name } }
  mutation: __type(name: "Mutation") { fields { name } }
  subscription: __type(name: "Subscription") { fields { name } }
}"""
