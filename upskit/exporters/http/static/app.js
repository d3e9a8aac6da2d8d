// upskit dashboard: live updates (server-sent events), charts, login, commands.
// Served by upskit itself; no external resources.
"use strict";
(function () {
  const UNITS = { "battery.charge": " %", "ups.load": " %", "input.voltage": " V", "output.voltage": " V" };
  const KEY = "upskit-auth";
  const SVGNS = "http://www.w3.org/2000/svg";
  let chartSince = "6h";

  function headers(extra) {
    const h = Object.assign({ "X-Upskit-Client": "dashboard" }, extra || {});
    const token = sessionStorage.getItem(KEY);
    if (token) h.Authorization = "Basic " + token;
    return h;
  }

  function runtime(value) {
    const s = Math.floor(Number(value));
    if (!isFinite(s)) return value;
    return s >= 60 ? Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s" : s + " s";
  }

  function cell(name, value) {
    if (value === null || value === undefined) return "–";
    if (name === "battery.runtime") return runtime(value);
    return value + (UNITS[name] || "");
  }

  function statusClass(u) {
    if (u.stale) return "stale";
    const words = u.status.split(" ");
    return words.some(w => w === "OB" || w === "LB" || w === "FSD") ? "alarm" : "ok";
  }

  function updateRow(u) {
    document.querySelectorAll("tr[data-ups]").forEach(row => {
      if (row.dataset.ups !== u.name) return;
      row.querySelectorAll("td[data-field]").forEach(td => {
        const field = td.dataset.field;
        if (field === "status") {
          td.textContent = u.stale ? "data stale" : u.status;
          td.className = "status " + statusClass(u);
        } else {
          td.textContent = cell(field, u.main[field]);
        }
      });
    });
  }

  function when(t) {
    const d = new Date(t * 1000);
    const p = n => String(n).padStart(2, "0");
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " +
      p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds());
  }

  function addLog(entry) {
    const table = document.getElementById("events");
    if (!table) return;
    const actions = document.getElementById("actions");
    if (actions && actions.dataset.ups !== entry.ups) return;
    const row = document.createElement("tr");
    [when(entry.t), entry.ups, entry.kind, entry.text].forEach(text => {
      const td = document.createElement("td");
      td.textContent = text;
      row.appendChild(td);
    });
    const body = table.tBodies[0];
    body.insertBefore(row, body.firstChild);
    while (body.rows.length > 200) body.deleteRow(body.rows.length - 1);
  }

  function setLiveState(text) {
    const el = document.getElementById("live-state");
    if (el) el.textContent = text;
  }

  function live() {
    if (!window.EventSource) return;
    const source = new EventSource("/api/live");
    source.addEventListener("hello", m => JSON.parse(m.data).ups.forEach(updateRow));
    source.addEventListener("ups", m => updateRow(JSON.parse(m.data)));
    source.addEventListener("log", m => addLog(JSON.parse(m.data)));
    source.onopen = () => setLiveState("live");
    source.onerror = () => setLiveState("reconnecting…");
    window.addEventListener("pagehide", () => source.close());
  }

  // ------------------------------------------------------------------ charts
  function draw(svg, samples, field, since, until) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const points = samples.filter(s => s[field] !== null);
    const caption = svg.parentNode.querySelector("figcaption");
    const title = caption.dataset.title || caption.textContent;
    caption.dataset.title = title;
    if (!points.length) {
      caption.textContent = title + ": no data yet";
      return;
    }
    const values = points.map(s => s[field]);
    let low = Math.min.apply(null, values), high = Math.max.apply(null, values);
    if (field === "charge" || field === "load") { low = Math.min(low, 0); high = Math.max(high, 100); }
    if (high - low < 1) { high += 1; low -= 1; }
    // a short history fills the width instead of hiding in the chart's right edge
    const start = Math.max(since, points[0].t);
    const span = Math.max(until - start, 1);
    const y = v => (95 - (v - low) / (high - low) * 90).toFixed(1);
    const coords = points.map(s => ((s.t - start) / span * 300).toFixed(1) + "," + y(s[field]));
    if (coords.length === 1) coords.splice(0, 1, "0," + y(values[0]), "300," + y(values[0]));
    const line = document.createElementNS(SVGNS, "polyline");
    line.setAttribute("points", coords.join(" "));
    line.setAttribute("class", "line");
    svg.appendChild(line);
    caption.textContent = title + ": " + values[values.length - 1].toFixed(1) +
      " (" + low.toFixed(0) + "–" + high.toFixed(0) + ")";
  }

  function charts() {
    document.querySelectorAll("div.charts").forEach(box => {
      const ups = box.dataset.ups;
      fetch("/api/ups/" + encodeURIComponent(ups) + "/history?since=" + chartSince,
        { headers: headers() })
        .then(r => r.ok ? r.json() : null)
        .then(data => {
          if (!data) return;
          box.querySelectorAll("svg[data-field]").forEach(svg =>
            draw(svg, data.samples, svg.dataset.field, data.since, data.until));
        })
        .catch(() => {});
      box.querySelectorAll("button[data-since]").forEach(b => {
        b.classList.toggle("chosen", b.dataset.since === chartSince);
        b.onclick = () => { chartSince = b.dataset.since; charts(); };
      });
    });
  }

  // ----------------------------------------------------------- login, actions
  function encode(text) {
    return btoa(unescape(encodeURIComponent(text)));
  }

  function showUser(name) {
    const form = document.getElementById("login");
    const who = document.getElementById("whoami");
    form.hidden = !!name;
    who.hidden = !name;
    document.querySelectorAll(".hint").forEach(h => { h.hidden = !!name; });
    who.textContent = "";
    if (!name) return;
    who.appendChild(document.createTextNode(name + " "));
    const out = document.createElement("button");
    out.type = "button";
    out.id = "logout";
    out.textContent = "Log out";
    out.onclick = () => { sessionStorage.removeItem(KEY); showUser(null); actions(); };
    who.appendChild(out);
  }

  function login() {
    const form = document.getElementById("login");
    form.hidden = false;
    form.addEventListener("submit", ev => {
      ev.preventDefault();
      const token = encode(form.user.value + ":" + form.password.value);
      fetch("/api/me", { headers: { "X-Upskit-Client": "dashboard", Authorization: "Basic " + token } })
        .then(r => r.json().then(body => ({ ok: r.ok, body: body })))
        .then(res => {
          if (res.ok && res.body.user) {
            sessionStorage.setItem(KEY, token);
            form.password.value = "";
            showUser(res.body.user);
            actions();
          } else {
            report(res.body.error + ": " + res.body.message, true);
          }
        })
        .catch(() => report("the server cannot be reached", true));
    });
    if (sessionStorage.getItem(KEY)) {
      fetch("/api/me", { headers: headers() }).then(r => r.ok ? r.json() : null)
        .then(me => { if (me && me.user) showUser(me.user); else sessionStorage.removeItem(KEY); actions(); })
        .catch(() => {});
    }
  }

  function report(text, bad) {
    const out = document.getElementById("result") || document.getElementById("whoami");
    if (!out) return;
    out.hidden = false;
    out.textContent = text;
    out.className = "result " + (bad ? "bad" : "good");
  }

  function answer(what) {
    return r => r.json().then(body => {
      if (r.ok) report(what + ": " + body.result, false);
      else report(what + ": " + body.error + " (" + body.message + ")", true);
    });
  }

  function actions() {
    const box = document.getElementById("actions");
    if (!box) return;
    const ups = encodeURIComponent(box.dataset.ups);
    fetch("/api/ups/" + ups + "/commands", { headers: headers() })
      .then(r => r.ok ? r.json() : null)
      .then(data => {
        if (!data) return;
        const list = document.getElementById("commands");
        list.textContent = "";
        data.commands.forEach(c => {
          const item = document.createElement("li");
          item.dataset.cmd = c.name;
          if (c.allowed) {
            const b = document.createElement("button");
            b.type = "button";
            b.textContent = c.name;
            b.onclick = () => fetch("/api/ups/" + ups + "/commands/" + encodeURIComponent(c.name),
              { method: "POST", headers: headers() }).then(answer(c.name))
              .catch(() => report(c.name + ": the server cannot be reached", true));
            item.appendChild(b);
          } else {
            const code = document.createElement("code");
            code.textContent = c.name;
            item.appendChild(code);
          }
          list.appendChild(item);
        });
      }).catch(() => {});
    fetch("/api/ups/" + ups + "/settings", { headers: headers() })
      .then(r => r.ok ? r.json() : null)
      .then(data => {
        if (!data) return;
        data.settings.forEach(v => {
          const row = document.querySelector('tr[data-var="' + CSS.escape(v.name) + '"]');
          if (!row) return;
          const last = row.cells[2];
          last.textContent = data.allowed ? "" : "writable";
          if (!data.allowed) return;
          const form = document.createElement("form");
          form.className = "set";
          const input = document.createElement(v.enums.length ? "select" : "input");
          if (v.enums.length) {
            v.enums.forEach(e => { const o = document.createElement("option"); o.textContent = e; input.appendChild(o); });
          }
          input.value = v.value;
          input.name = "value";
          input.setAttribute("aria-label", v.name);
          const b = document.createElement("button");
          b.textContent = "Set";
          form.appendChild(input);
          form.appendChild(b);
          form.onsubmit = ev => {
            ev.preventDefault();
            fetch("/api/ups/" + ups + "/variables/" + encodeURIComponent(v.name), {
              method: "PUT", headers: headers({ "Content-Type": "application/json" }),
              body: JSON.stringify({ value: input.value })
            }).then(answer(v.name)).catch(() => report(v.name + ": the server cannot be reached", true));
          };
          last.appendChild(form);
        });
      }).catch(() => {});
  }

  document.addEventListener("DOMContentLoaded", () => {
    setLiveState("connecting…");
    live();
    charts();
    setInterval(charts, 60000);
    login();
    if (!sessionStorage.getItem(KEY)) actions();
  });
})();
