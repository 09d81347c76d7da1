// The regional dashboard: plain JavaScript, no build step.
// Reads over GraphQL/HTTP, listens over graphql-transport-ws, and resumes a
// dropped subscription from the cursor of the last event it applied.
"use strict";

const OPEN = ["TRIGGERED", "ACKNOWLEDGED", "INVESTIGATING", "MITIGATED"];
const FATAL_CLOSE = new Set([4400, 4401, 4403, 4406]);
const REGION = "id name timeZone";
const INCIDENT = `id ref title severity status version createdAt
  region { ${REGION} } team { id slug name }
  ownership { since until team { slug } region { name } }`;
const EVENT = `id cursor sequence type occurredAt actor incidentId data
  incident { ${INCIDENT} }`;
const HANDOFF = `id status proposedBy proposedAt expiresAt
  fromRegion { name } toRegion { name } fromTeam { slug } toTeam { slug }
  incidents { id ref title }
  brief { currentStatus tried nextActions { text done } risks links }`;

const state = {
  token: "", regions: [], region: null, fields: { query: new Set(),
    mutation: new Set(), subscription: new Set() },
  incidents: new Map(), selected: null, live: [],
};

const $ = (id) => document.getElementById(id);

// ---- GraphQL over HTTP -------------------------------------------------------

class GraphQLError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join("; "));
    this.code = (errors[0] && errors[0].extensions && errors[0].extensions.code) || "";
  }
}

async function gql(query, variables = {}) {
  const headers = { "Content-Type": "application/json" };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const response = await fetch("/graphql", {
    method: "POST", headers, body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors && body.errors.length) throw new GraphQLError(body.errors);
  return body.data;
}

// ---- graphql-transport-ws ------------------------------------------------------

// One subscription on its own socket. On a drop it reconnects with backoff and
// subscribes again with `after` set to the last cursor it delivered.
class LiveSubscription {
  constructor({ query, variables, field, onEvent, onState }) {
    Object.assign(this, { query, variables, field, onEvent, onState });
    this.cursor = null;
    this.attempt = 0;
    this.stopped = false;
  }

  start() { this.connect(); return this; }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000, "dashboard closed");
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/graphql`, "graphql-transport-ws");
    this.ws = ws;
    ws.onopen = () => {
      const payload = state.token ? { Authorization: `Bearer ${state.token}` } : {};
      ws.send(JSON.stringify({ type: "connection_init", payload }));
    };
    ws.onmessage = (message) => this.receive(ws, JSON.parse(message.data));
    ws.onclose = (closed) => this.closed(closed);
  }

  receive(ws, message) {
    if (message.type === "connection_ack") {
      this.attempt = 0;
      const variables = { ...this.variables, after: this.cursor };
      ws.send(JSON.stringify({ id: "1", type: "subscribe",
        payload: { query: this.query, variables } }));
      this.onState("live");
    } else if (message.type === "next") {
      const payload = message.payload || {};
      if (payload.errors) return this.onState("error", new GraphQLError(payload.errors));
      const event = payload.data[this.field];
      this.cursor = event.cursor;
      this.onEvent(event);
    } else if (message.type === "error") {
      this.stopped = true;
      this.onState("error", new GraphQLError(message.payload || []));
      ws.close(1000, "subscription refused");
    } else if (message.type === "ping") {
      ws.send(JSON.stringify({ type: "pong" }));
    } else if (message.type === "complete") {
      ws.close(1000, "completed by the hub");
    }
  }

  closed(closed) {
    if (this.stopped) return;
    if (FATAL_CLOSE.has(closed.code)) {
      this.onState("error", new Error(`refused by the hub (${closed.code} ${closed.reason})`));
      return;
    }
    this.attempt += 1;
    const wait = Math.min(5000, 250 * 2 ** (this.attempt - 1)) * (0.75 + Math.random() / 4);
    this.onState("reconnecting", wait);
    this.timer = setTimeout(() => this.connect(), wait);
  }
}

// ---- Time --------------------------------------------------------------------

// "2025-06-02 09:14:03 BST": sortable, unambiguous, on the given clock.
function formatTime(iso, timeZone) {
  const options = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
    minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZone,
    timeZoneName: "short" };
  const parts = {};
  new Intl.DateTimeFormat("en-GB", options).formatToParts(new Date(iso))
    .forEach((part) => { parts[part.type] = part.value; });
  return `${parts.year}-${parts.month}-${parts.day} ` +
    `${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
}

function timeCell(iso, timeZone, withUtc = true) {
  const cell = document.createElement("td");
  cell.className = "time";
  const local = document.createElement("time");
  local.dateTime = iso;
  local.textContent = formatTime(iso, timeZone);
  cell.append(local);
  if (withUtc) cell.append(document.createElement("br"), formatTime(iso, "UTC"));
  return cell;
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function announce(text) {
  const line = el("p", text);
  $("announcer").append(line);
  while ($("announcer").childElementCount > 20) $("announcer").firstElementChild.remove();
}

function setConnection(text, live = false) {
  $("connection").textContent = text;
  $("connection").classList.toggle("live", live);
}

// ---- Incidents ---------------------------------------------------------------

function belongsHere(incident) {
  return incident.region && state.region && incident.region.id === state.region.id
    && OPEN.includes(incident.status);
}

function owner(incident) {
  const spans = (incident.ownership || []).filter((s) => !s.until);
  const span = spans[spans.length - 1];
  if (!span) return incident.team ? incident.team.slug : "-";
  return `${span.team ? span.team.slug : "?"} (${span.region ? span.region.name : "?"})`;
}

function upsertIncident(incident, fresh = false) {
  const known = state.incidents.get(incident.id);
  if (known && known.version > incident.version) return;
  if (belongsHere(incident)) {
    state.incidents.set(incident.id, { ...incident, fresh });
  } else {
    state.incidents.delete(incident.id);
  }
}

function renderIncidents() {
  const rows = $("incident-rows");
  const zone = state.region ? state.region.timeZone : "UTC";
  const sorted = [...state.incidents.values()].sort(
    (a, b) => b.createdAt.localeCompare(a.createdAt));
  rows.replaceChildren(...sorted.map((incident) => {
    const row = el("tr", null, incident.fresh ? "fresh" : "");
    row.dataset.ref = incident.ref;
    const open = el("button", incident.ref, "link");
    open.type = "button";
    open.setAttribute("aria-label", `Show timeline of ${incident.ref}`);
    open.addEventListener("click", () => showTimeline(incident.id, true));
    const refCell = el("td");
    refCell.append(open);
    row.append(refCell, el("td", incident.severity, `sev-${incident.severity}`),
      el("td", incident.status), el("td", incident.title), el("td", owner(incident)),
      timeCell(incident.createdAt, zone));
    incident.fresh = false;
    return row;
  }));
  $("incident-count").textContent = `(${sorted.length})`;
  $("no-incidents").hidden = sorted.length > 0;
}

async function loadIncidents() {
  const filter = { regionIds: [state.region.id], statuses: OPEN };
  const data = await gql(`query($filter: IncidentFilterInput) {
    incidents(filter: $filter, first: 100) { edges { node { ${INCIDENT} } } } }`, { filter });
  state.incidents.clear();
  data.incidents.edges.forEach((edge) => upsertIncident(edge.node));
  renderIncidents();
}

function onIncidentEvent(event) {
  if (!event.incident) return;
  upsertIncident(event.incident, true);
  renderIncidents();
  announce(`${event.incident.ref} ${event.type.replace("incident.", "")}: ` +
    `${event.incident.title}`);
  if (state.selected === event.incident.id) showTimeline(state.selected, false);
}

// ---- Timeline ----------------------------------------------------------------

async function showTimeline(id, focus) {
  state.selected = id;
  const data = await gql(`query($id: ID) { incident(id: $id) {
    ref title region { ${REGION} } timeline { sequence type occurredAt actor data } } }`,
  { id });
  const incident = data.incident;
  const zone = incident.region ? incident.region.timeZone : "UTC";
  $("timeline-caption").textContent = `${incident.ref}: ${incident.title}`;
  $("timeline-local").textContent = `Local (${zone})`;
  $("timeline-rows").replaceChildren(...incident.timeline.map((event) => {
    const row = el("tr");
    const local = timeCell(event.occurredAt, zone, false);
    const details = Object.entries(event.data || {})
      .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value)
        : value}`)
      .join(", ");
    row.append(el("td", String(event.sequence)), local,
      el("td", formatTime(event.occurredAt, "UTC"), "time"), el("td", event.type),
      el("td", event.actor), el("td", details));
    return row;
  }));
  $("timeline-table").hidden = false;
  $("timeline-hint").hidden = true;
  if (focus) $("timeline-heading").focus();
}

// ---- Handoffs ----------------------------------------------------------------

async function loadHandoffs() {
  if (!state.fields.query.has("handoffs")) {
    $("inbox-empty").textContent = "This hub does not offer handoffs yet.";
    return;
  }
  const data = await gql(`query($region: String) {
    handoffs(region: $region, status: PROPOSED, first: 100) { nodes { ${HANDOFF} } } }`,
  { region: state.region.name });
  const incoming = data.handoffs.nodes.filter(
    (h) => h.toRegion && h.toRegion.name === state.region.name);
  $("inbox").replaceChildren(...incoming.map(handoffCard));
  $("inbox-empty").hidden = incoming.length > 0;
}

function handoffCard(handoff) {
  const item = el("li");
  item.dataset.handoff = handoff.id;
  const refs = handoff.incidents.map((i) => `${i.ref} ${i.title}`).join("; ");
  const from = handoff.fromTeam ? handoff.fromTeam.slug : "?";
  const heading = el("h3", `From ${from}: ${refs}`);
  const brief = handoff.brief || {};
  const body = el("p", brief.currentStatus || "");
  const next = el("ul");
  (brief.nextActions || []).forEach((action) => next.append(el("li", action.text)));
  const actions = el("div", null, "actions");
  const accept = el("button", "Accept");
  accept.type = "button";
  accept.addEventListener("click", () => respond(handoff, "accept"));
  const reasonId = `reason-${handoff.id}`;
  const label = el("label", "Reason to reject");
  label.htmlFor = reasonId;
  const reason = el("input");
  reason.id = reasonId;
  const reject = el("button", "Reject");
  reject.type = "button";
  reject.addEventListener("click", () => respond(handoff, "reject", reason.value));
  actions.append(accept, label, reason, reject);
  item.append(heading, body, next, actions);
  return item;
}

async function respond(handoff, verb, reason) {
  try {
    if (verb === "accept") {
      await gql("mutation($id: ID!) { acceptHandoff(id: $id) { id status } }",
        { id: handoff.id });
    } else {
      if (!reason) return announce("Give a reason to reject the handoff.");
      await gql("mutation($id: ID!, $reason: String!) { rejectHandoff(id: $id, " +
        "reason: $reason) { id status } }", { id: handoff.id, reason });
    }
    announce(`Handoff ${verb === "accept" ? "accepted" : "rejected"}.`);
    await loadHandoffs();
  } catch (error) {
    announce(`Could not ${verb} the handoff: ${error.message}`);
  }
}

// ---- On duty -----------------------------------------------------------------

async function loadDuty() {
  const box = $("duty");
  if (!state.fields.query.has("onDuty")) {
    box.replaceChildren(el("p", "This hub does not report who is on duty yet.", "muted"));
    return;
  }
  const data = await gql(`{ onDuty { region { name timeZone } team { slug } since until
    inWindow nextRegion { name timeZone } overlapping { name } } }`);
  const duty = data.onDuty;
  const zone = state.region.timeZone;
  const now = el("p");
  now.append(el("strong", `Now: ${duty.region.name}`),
    ` ${duty.team ? `(${duty.team.slug})` : ""}${duty.inWindow ? "" : ", out of hours"}` +
    `, since ${formatTime(duty.since, zone)}`);
  const parts = [now];
  if (duty.nextRegion) {
    const next = el("p");
    next.append(el("strong", `Next: ${duty.nextRegion.name}`),
      ` at ${formatTime(duty.until, zone)} (${formatTime(duty.until, "UTC")})`);
    parts.push(next);
  }
  if (duty.overlapping.length) {
    parts.push(el("p", `Also in window: ${duty.overlapping.map((r) => r.name).join(", ")}`));
  }
  box.replaceChildren(...parts);
  clearTimeout(state.dutyTimer);
  state.dutyTimer = setTimeout(loadDuty, 60000);
}

// ---- Wiring ------------------------------------------------------------------

async function loadFields() {
  const data = await gql(`{ q: __type(name: "Query") { fields { name } }
    m: __type(name: "Mutation") { fields { name } }
    s: __type(name: "Subscription") { fields { name } } }`);
  const names = (t) => new Set(((t && t.fields) || []).map((f) => f.name));
  state.fields = { query: names(data.q), mutation: names(data.m), subscription: names(data.s) };
}

function subscribe() {
  state.live.forEach((sub) => sub.stop());
  const onState = (kind, detail) => {
    if (kind === "live") setConnection(`Live: ${state.region.name}`, true);
    else if (kind === "reconnecting") setConnection(
      `Connection lost; reconnecting in ${(detail / 1000).toFixed(1)} s`);
    else setConnection(`Error: ${detail.message}`);
  };
  const region = state.region.name;
  state.live = [new LiveSubscription({
    query: `subscription($region: String, $after: String) {
      incidentEvents(region: $region, after: $after) { ${EVENT} } }`,
    variables: { region }, field: "incidentEvents", onEvent: onIncidentEvent, onState,
  }).start()];
  if (state.fields.subscription.has("handoffEvents")) {
    state.live.push(new LiveSubscription({
      query: `subscription($region: String!, $after: String) {
        handoffEvents(region: $region, after: $after) { id cursor type } }`,
      // Re-read the inbox once the stream is live: a handoff proposed between
      // the first read and the subscription would otherwise never show.
      variables: { region }, field: "handoffEvents",
      onState: (kind) => { if (kind === "live") loadHandoffs(); },
      onEvent: (event) => { announce(`Handoff ${event.type.replace("handoff.", "")}`);
        loadHandoffs(); },
    }).start());
  }
}

async function selectRegion(name) {
  state.region = state.regions.find((r) => r.name === name) || state.regions[0];
  localStorage.setItem("hub.region", state.region.name);
  state.selected = null;
  $("timeline-table").hidden = true;
  $("timeline-hint").hidden = false;
  subscribe();
  await Promise.all([loadIncidents(), loadHandoffs(), loadDuty()]);
}

async function connect() {
  setConnection("Connecting…");
  try {
    await loadFields();
    const data = await gql(`{ regions(first: 100) { nodes { ${REGION} } } }`);
    state.regions = data.regions.nodes;
    const select = $("region");
    select.replaceChildren(...state.regions.map((r) => {
      const option = el("option", `${r.name} (${r.timeZone})`);
      option.value = r.name;
      return option;
    }));
    select.disabled = false;
    const params = new URLSearchParams(location.search);
    const wanted = params.get("region") || localStorage.getItem("hub.region");
    await selectRegion(wanted);
    select.value = state.region.name;
  } catch (error) {
    setConnection(`Error: ${error.message}`);
  }
}

function start() {
  const params = new URLSearchParams(location.search);
  state.token = params.get("token") || localStorage.getItem("hub.token") || "";
  if (state.token) localStorage.setItem("hub.token", state.token);
  $("token").value = state.token;
  $("settings").addEventListener("submit", (event) => {
    event.preventDefault();
    state.token = $("token").value.trim();
    localStorage.setItem("hub.token", state.token);
    connect();
  });
  $("region").addEventListener("change", (event) => selectRegion(event.target.value));
  connect();
}

document.addEventListener("DOMContentLoaded", start);
