// The inspector page: a live list of the agent's requests (server-sent events), their
// details, a form to call any tool, and replay. No framework, no build step.
"use strict";
(function () {
  const BASE = document.body.dataset.base;
  const ROOT = location.origin + BASE; // never the page URL: it may carry user:password@
  const records = new Map();
  let selected = null;
  let tools = [];

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  async function api(path, body) {
    const init = { credentials: "same-origin", headers: { "X-Inspector": "1" } };
    if (body !== undefined) {
      init.method = "POST";
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const resp = await fetch(ROOT + path, init);
    const data = await resp.json();
    if (!resp.ok) throw new Error(data.error || resp.status);
    return data;
  }

  // -- the request list -----------------------------------------------------------------
  function failed(r) {
    return (r.validation && !r.validation.valid) || r.status >= 400;
  }

  function label(r) {
    if (r.kind === "swaig") return (r.function || "?") + "()";
    return r.method + " " + r.path.split("?")[0];
  }

  function renderList() {
    const list = document.getElementById("records");
    list.replaceChildren();
    const items = [...records.values()].sort((a, b) => b.id - a.id);
    for (const r of items) {
      const cls = ["record", r.kind];
      if (r.validation && !r.validation.valid) cls.push("invalid");
      if (r.status >= 400) cls.push("failed");
      if (selected === r.id) cls.push("selected");
      const item = el("li", { class: cls.join(" "), "data-id": r.id, "data-kind": r.kind,
        "data-source": r.source, onclick: () => select(r.id) },
        el("span", { class: "kind " + r.kind }, r.kind === "post_prompt" ? "post_prompt" : r.kind.toUpperCase()),
        el("span", { class: "path", title: r.path }, label(r)),
        el("span", { class: "meta" }, r.status + " · " + r.duration_ms.toFixed(1) + " ms",
          r.replay_of ? el("br") : null, r.replay_of ? "replay of #" + r.replay_of : null));
      list.append(item);
    }
    document.getElementById("count").textContent = String(items.length);
  }

  // -- JSON tree with the failing paths marked ------------------------------------------
  function tree(value, path, errors) {
    const here = errors.filter((e) => e.path === path);
    let node;
    if (value !== null && typeof value === "object") {
      const isArray = Array.isArray(value);
      node = el("div", { class: "node", "data-path": path }, isArray ? "[" : "{");
      const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
      for (const [k, v] of entries) {
        const childPath = isArray ? path + "[" + k + "]" : path + "." + k;
        const child = tree(v, childPath, errors);
        if (!isArray) child.prepend(el("span", { class: "key" }, JSON.stringify(k)), ": ");
        node.append(child);
      }
      node.append(isArray ? "]" : "}");
    } else {
      const cls = typeof value === "string" ? "str" : typeof value === "number" ? "num" : "lit";
      node = el("div", { class: "node", "data-path": path }, el("span", { class: cls }, JSON.stringify(value)));
    }
    if (here.length) {
      node.classList.add("bad");
      node.insertBefore(el("span", { class: "why" }, "← " + here.map((e) => e.message).join("; ")), node.childNodes[1] || null);
    }
    return node;
  }

  function block(title, value) {
    return [el("h3", {}, title), el("pre", {}, typeof value === "string" ? value : JSON.stringify(value, null, 2))];
  }

  function select(id) {
    selected = id;
    renderList();
    const r = records.get(id);
    const box = document.getElementById("detail");
    box.replaceChildren();
    if (!r) return;
    box.append(el("div", { class: "actions" },
      el("strong", {}, "#" + r.id + " " + label(r)),
      el("span", { class: "muted" }, r.status + " · " + r.duration_ms.toFixed(1) + " ms · " + r.source),
      el("button", { class: "secondary replay", id: "replay", onclick: () => replay(r.id) }, "Replay")));
    box.append(el("p", { class: "muted" }, r.method + " " + r.path));
    if (r.kind === "swml") {
      const v = r.validation;
      box.append(el("h3", {}, "Validation against the SWML schema"));
      if (v.valid) box.append(el("p", { class: "valid", id: "validation" }, "✓ valid"));
      else {
        box.append(el("p", { class: "invalid-text", id: "validation" }, "✗ " + v.errors.length + " problem(s)"));
        box.append(el("ul", { class: "errors" }, ...v.errors.map((e) => el("li", {}, e.path + ": " + e.message))));
      }
      box.append(el("h3", {}, "Rendered document"), el("div", { class: "tree", id: "document" }, tree(r.response, "$", v.errors)));
      box.append(...block("Request body", r.request));
    } else if (r.kind === "swaig") {
      box.append(...block("Arguments", r.arguments), ...block("Answer", r.answer === undefined ? r.response : r.answer));
      if (r.actions) box.append(...block("Actions", r.actions));
      box.append(...block("Request body", r.request));
    } else {
      box.append(...block(r.kind === "post_prompt" ? "post_prompt payload" : "Request body", r.request));
      box.append(...block("Answer", r.response));
    }
    box.append(el("h3", {}, "Log lines of this request"));
    box.append(r.logs.length ? el("ul", { class: "logs" }, ...r.logs.map((l) => el("li", { class: l.level }, l.level + " " + l.logger + ": " + l.message)))
                             : el("p", { class: "muted" }, "none"));
    box.append(...block("Headers", r.headers));
  }

  async function replay(id) {
    try {
      const r = await api("api/replay/" + id, {});
      records.set(r.id, r);
      select(r.id);
    } catch (err) {
      alert("Replay failed: " + err.message);
    }
  }

  // -- the tool form --------------------------------------------------------------------
  function field(name, schema, required) {
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    const id = "arg-" + name;
    let input;
    if (Array.isArray(schema.enum)) {
      input = el("select", { id, name }, ...schema.enum.map((o) => el("option", { value: JSON.stringify(o) }, String(o))));
      input.dataset.kind = "enum";
    } else if (type === "boolean") {
      input = el("input", { id, name, type: "checkbox" });
      input.dataset.kind = "boolean";
    } else if (type === "integer" || type === "number") {
      input = el("input", { id, name, type: "number", step: type === "integer" ? "1" : "any" });
      input.dataset.kind = type;
    } else if (type === "string" || type === undefined) {
      input = el("input", { id, name, type: "text" });
      input.dataset.kind = "string";
    } else {
      input = el("textarea", { id, name, rows: "3", placeholder: type === "array" ? "[]" : "{}" });
      input.dataset.kind = "json";
    }
    if (required) input.required = true;
    return el("label", { for: id }, name, el("span", { class: "hint" }, (type || "any") + (required ? ", required" : "") + (schema.description ? " — " + schema.description : "")), input);
  }

  function showTool() {
    const tool = tools.find((t) => t.name === document.getElementById("tool-select").value);
    const fields = document.getElementById("tool-fields");
    fields.replaceChildren();
    document.getElementById("tool-description").textContent = tool ? tool.description + (tool.callable ? "" : " (runs on the platform: cannot be called from here)") : "";
    if (!tool) return;
    const params = tool.parameters || {};
    const required = params.required || [];
    for (const [name, schema] of Object.entries(params.properties || {})) fields.append(field(name, schema, required.includes(name)));
    document.getElementById("tool-call").disabled = !tool.callable;
  }

  function argumentsOf() {
    const args = {};
    for (const input of document.querySelectorAll("#tool-fields [name]")) {
      const kind = input.dataset.kind;
      if (kind === "boolean") { args[input.name] = input.checked; continue; }
      if (input.value === "" ) continue;
      if (kind === "integer" || kind === "number") args[input.name] = Number(input.value);
      else if (kind === "enum" || kind === "json") args[input.name] = JSON.parse(input.value);
      else args[input.name] = input.value;
    }
    return args;
  }

  async function callTool(event) {
    event.preventDefault();
    const out = document.getElementById("tool-answer");
    out.textContent = "calling…";
    try {
      const r = await api("api/call", { function: document.getElementById("tool-select").value, arguments: argumentsOf() });
      records.set(r.id, r);
      renderList();
      const shown = { status: r.status, answer: r.answer, actions: r.actions };
      out.textContent = JSON.stringify(shown, null, 2);
    } catch (err) {
      out.textContent = "error: " + err.message;
    }
  }

  async function loadTools() {
    tools = await api("api/tools");
    const select = document.getElementById("tool-select");
    select.replaceChildren(...tools.map((t) => el("option", { value: t.name }, t.name)));
    showTool();
  }

  // -- live updates ---------------------------------------------------------------------
  function connect() {
    const status = document.getElementById("status");
    const source = new EventSource(ROOT + "events");
    source.addEventListener("hello", () => { status.textContent = "live"; status.className = "status live"; });
    source.addEventListener("record", (msg) => {
      const r = JSON.parse(msg.data);
      records.set(r.id, r);
      renderList();
      if (selected === null) select(r.id);
    });
    source.addEventListener("reload", (msg) => {
      const info = JSON.parse(msg.data);
      document.getElementById("reload").textContent = info.ok ? "reloaded in " + info.ms + " ms" : "reload failed: " + info.error;
      if (info.ok) loadTools().catch(() => {});
    });
    source.onerror = () => { status.textContent = "reconnecting"; status.className = "status"; };
  }

  document.getElementById("tool-select").addEventListener("change", showTool);
  document.getElementById("tool-form").addEventListener("submit", callTool);
  loadTools().catch((err) => { document.getElementById("tool-description").textContent = "cannot list tools: " + err.message; });
  connect();
})();
