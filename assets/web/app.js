// cyberdrill in the browser: live updates, countdowns, and forms without page reloads.
// Every page works without this file (forms post and redirect); with it, a page follows the
// drill over a WebSocket, re-reads its changed parts from the server (which renders all the
// wording), and reconnects by itself when the connection drops.
"use strict";

(function () {
  const body = document.body;
  const live = body.dataset.live; // WebSocket path, if the page follows a drill
  const panes = body.dataset.panes; // where the page's changing parts are re-read from
  let version = Number(body.dataset.version || 0);
  let offset = 0; // server clock minus this clock, in ms
  let socket = null;
  let retry = 500;
  // What the live connection has done, for anyone looking (and the browser tests).
  const stats = (window.cyberdrillLive = { messages: 0, refreshes: 0, reconnects: 0, error: "" });

  function setState(text) {
    const el = document.getElementById("live-state");
    if (el) el.textContent = text;
  }

  // Countdowns: elements with data-deadline (Unix ms on the server's clock).
  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      const deadline = Number(el.dataset.deadline);
      if (!deadline) return;
      const left = Math.max(0, Math.round((deadline - (Date.now() + offset)) / 1000));
      const m = Math.floor(left / 60);
      const s = String(left % 60).padStart(2, "0");
      el.textContent = m + ":" + s;
      el.classList.toggle("low", left <= 60);
    });
  }
  setInterval(tick, 1000);

  // Inbox items read on this device (per drill and team) are not marked as new.
  const readKey = "cyberdrill-read:" + (body.dataset.seat || "");
  function readSet() {
    try { return new Set(JSON.parse(localStorage.getItem(readKey) || "[]")); } catch (e) { return new Set(); }
  }
  function markUnread() {
    const read = readSet();
    document.querySelectorAll(".inbox-item[data-key]").forEach(function (item) {
      item.classList.toggle("unread", !read.has(item.dataset.key));
      item.addEventListener("toggle", function () {
        if (item.open) {
          const r = readSet();
          r.add(item.dataset.key);
          try { localStorage.setItem(readKey, JSON.stringify(Array.from(r))); } catch (e) { /* full */ }
          item.classList.remove("unread");
        }
      });
    });
  }

  // Re-reads the page's parts and swaps them in, keeping what is open and focused.
  async function refresh() {
    if (!panes) return;
    const open = new Set();
    document.querySelectorAll("details[data-key]").forEach(function (d) { if (d.open) open.add(d.dataset.key); });
    const focused = document.activeElement && document.activeElement.id;
    let parts;
    try {
      const res = await fetch(panes, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!res.ok) { stats.error = "panes: " + res.status; return; }
      parts = await res.json();
    } catch (e) {
      stats.error = String(e);
      return;
    }
    stats.refreshes += 1;
    Object.keys(parts).forEach(function (id) {
      const el = document.getElementById(id);
      // A composition in progress (an action chosen) is left alone; the list of actions is not.
      if (!el || (id === "composer" && el.querySelector("[data-composing]"))) return;
      if (typeof parts[id] === "string") el.innerHTML = parts[id];
    });
    wireCompose(document);
    document.querySelectorAll("details[data-key]").forEach(function (d) { if (open.has(d.dataset.key)) d.open = true; });
    if (focused) {
      const again = document.getElementById(focused);
      if (again && document.activeElement !== again) again.focus();
    }
    // The briefing, open in the lobby, folds away once the drill runs (unless the reader
    // opened or closed it themselves).
    const briefing = document.getElementById("briefing");
    if (briefing && briefing.open && !briefing.dataset.touched && document.querySelector("#topstats .badge.running")) {
      briefing.open = false;
    }
    markUnread();
    wireForms(document);
    tick();
  }

  function connect() {
    if (!live) return;
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + live;
    socket = new WebSocket(url);
    socket.onopen = function () { retry = 500; setState(""); };
    socket.onmessage = function (event) {
      let msg;
      try { msg = JSON.parse(event.data); } catch (e) { return; }
      stats.messages += 1;
      if (msg.server_time) offset = msg.server_time - Date.now();
      if (msg.version !== undefined && msg.version !== version) {
        version = msg.version;
        refresh();
      }
    };
    socket.onclose = function () {
      stats.reconnects += 1;
      setState(body.dataset.reconnecting || "…");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 8000);
    };
  }

  // Forms post in the background and the page re-reads its parts; without this script they
  // post and redirect.
  function wireForms(root) {
    root.querySelectorAll("form[data-js]").forEach(function (form) {
      if (form.dataset.wired) return;
      form.dataset.wired = "1";
      form.addEventListener("submit", async function (event) {
        event.preventDefault();
        const data = new URLSearchParams(new FormData(form, event.submitter));
        const flash = document.getElementById("flash");
        try {
          // getAttribute: a field named "action" would hide the form's `action` property.
          const res = await fetch(form.getAttribute("action"), {
            method: "POST",
            body: data,
            headers: { Accept: "application/json" },
            credentials: "same-origin",
          });
          const answer = await res.json();
          if (flash) {
            flash.className = "notice " + (answer.ok ? "good" : "bad");
            flash.textContent = answer.message || "";
          }
          if (answer.redirect) { location.href = answer.redirect; return; }
          if (answer.composer !== undefined) {
            const c = document.getElementById("composer");
            if (c) { c.innerHTML = answer.composer; wireForms(c); wireCompose(c); }
          }
          refresh();
        } catch (e) {
          if (flash) { flash.className = "notice bad"; flash.textContent = String(e); }
        }
      });
    });
  }

  // The action composer: its steps load in place.
  async function loadComposer(url) {
    const res = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!res.ok) return;
    const answer = await res.json();
    const c = document.getElementById("composer");
    if (!c) return;
    c.innerHTML = answer.composer;
    wireForms(c);
    wireCompose(c);
    const first = c.querySelector("select, input:not([type=hidden]), button, a");
    if (first) first.focus();
  }

  function wireCompose(root) {
    root.querySelectorAll("a[data-compose]").forEach(function (a) {
      if (a.dataset.wired) return;
      a.dataset.wired = "1";
      a.addEventListener("click", function (event) {
        event.preventDefault();
        loadComposer(a.dataset.compose);
      });
    });
    root.querySelectorAll("select[data-preview]").forEach(function (select) {
      if (select.dataset.wired) return;
      select.dataset.wired = "1";
      select.addEventListener("change", function () {
        if (select.value) loadComposer(select.dataset.preview + encodeURIComponent(select.value));
      });
    });
  }

  // The findings draft is kept on the server while it is written, for teammates and crashes.
  function wireDraft() {
    const form = document.getElementById("findings-form");
    if (!form) return;
    let timer = null;
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        const data = new URLSearchParams(new FormData(form));
        data.set("draft_only", "1");
        fetch(form.getAttribute("data-draft"), { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" });
      }, 800);
    });
  }

  const briefingSummary = document.querySelector("#briefing summary");
  if (briefingSummary) {
    briefingSummary.addEventListener("click", function () { document.getElementById("briefing").dataset.touched = "1"; });
  }
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  markUnread();
  wireForms(document);
  wireCompose(document);
  wireDraft();
  tick();
  connect();
})();
