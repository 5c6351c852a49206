// The night board: polls its JSON feed and redraws the glance, the charts and the referrals. Built with DOM calls
// only (text is never parsed as HTML), so nothing a referral holds can become markup.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !main.dataset.feed) { return; }
  var feed = main.dataset.feed;
  var live = main.dataset.live === "true";
  var pollMs = 3000;
  var seen = null;
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) { e.textContent = String(text); }
    return e;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) { return "—"; }
    var s = Math.round(seconds);
    if (s < 60) { return s + " s"; }
    var m = Math.floor(s / 60);
    if (m < 60) { return m + " min"; }
    return Math.floor(m / 60) + " h " + (m % 60) + " min";
  }

  function tiles(g) {
    var list = document.getElementById("tiles");
    var items = [
      ["Referrals", g.referrals, false],
      ["Open referrals", g.openReferrals, false],
      ["Open cases", g.openCases, false],
      ["Manual routing", g.needsManualRouting, g.needsManualRouting > 0],
      ["Escalations", g.escalations, g.escalations > 0],
      ["Failed SMS", g.failedSms, g.failedSms > 0]
    ];
    list.replaceChildren.apply(list, items.map(function (t) {
      var li = el("li", "tile" + (t[2] ? " hot" : ""));
      li.appendChild(el("span", "n", t[1]));
      li.appendChild(el("span", "l", t[0]));
      return li;
    }));
  }

  // Referrals per hour: vertical bars in an SVG, with the counts as its text alternative.
  function columns(id, items) {
    var fig = document.getElementById(id);
    var caption = fig.querySelector("figcaption");
    fig.replaceChildren(caption);
    var max = Math.max(1, Math.max.apply(null, items.map(function (i) { return i.value || 0; })));
    var label = caption.textContent + ": " + items.map(function (i) { return i.label + ":00 " + i.value; }).join(", ");
    var w = 28, gap = 6, h = 120, width = items.length * (w + gap);
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + (h + 34), role: "img", "aria-label": label });
    items.forEach(function (item, i) {
      var bh = Math.round((item.value / max) * h);
      var x = i * (w + gap);
      chart.appendChild(svg("rect", { x: x, y: h - bh + 14, width: w, height: Math.max(bh, 1), "class": "bar-fill" }));
      if (item.value) { chart.appendChild(svg("text", { x: x + w / 2, y: h - bh + 10, "text-anchor": "middle", "class": "bar-value" }, item.value)); }
      chart.appendChild(svg("text", { x: x + w / 2, y: h + 30, "text-anchor": "middle", "class": "axis" }, item.label));
    });
    fig.appendChild(chart);
  }

  // Per town, concern and agency: a list of labelled bars (HTML, so long names wrap and stay readable).
  function bars(id, items, format) {
    var fig = document.getElementById(id);
    var caption = fig.querySelector("figcaption");
    fig.replaceChildren(caption);
    if (!items.length) { fig.appendChild(el("p", "none", "Nothing yet.")); return; }
    var max = Math.max(1, Math.max.apply(null, items.map(function (i) { return i.value || 0; })));
    var list = el("ol", "hbars");
    items.forEach(function (item) {
      var li = el("li");
      li.appendChild(el("span", "hl", item.label));
      var track = el("span", "ht");
      var fill = el("span", "hf");
      // CSSOM, not a style attribute: allowed under style-src 'self'.
      fill.style.width = (item.value === null ? 0 : Math.max(2, Math.round((item.value / max) * 100))) + "%";
      track.appendChild(fill);
      li.appendChild(track);
      li.appendChild(el("span", "hv", format(item.value)));
      list.appendChild(li);
    });
    fig.appendChild(list);
  }

  function count(v) { return v === null ? "—" : String(v); }

  function glance(g) {
    tiles(g);
    columns("chart-hour", g.perHour.map(function (c) { return { label: c.id, value: c.count }; }));
    bars("chart-town", g.byTown.map(function (c) { return { label: c.name, value: c.count }; }), count);
    bars("chart-category", g.byCategory.map(function (c) { return { label: c.name, value: c.count }; }), count);
    bars("chart-accept", g.agencies.map(function (a) {
      return { label: a.name, value: a.medianSecondsToAccept === null ? null : Math.round(a.medianSecondsToAccept) };
    }), function (v) { return v === null ? "none yet" : duration(v); });
  }

  function cell(tr, label, content, cls) {
    var td = el("td", cls);
    td.dataset.label = label;
    if (content instanceof Node) { td.appendChild(content); } else { td.textContent = content; }
    tr.appendChild(td);
    return td;
  }

  function referrals(view, fresh) {
    var body = document.querySelector("#referrals tbody");
    var rows = view.referrals.map(function (r) {
      var tr = el("tr");
      tr.id = "r-" + r.reference;
      tr.dataset.reference = r.reference;
      tr.dataset.status = r.status;
      if (r.needsManualRouting) { tr.classList.add("manual"); }
      if (fresh[r.reference]) { tr.classList.add("fresh"); }
      var link = el("a", "ref", r.reference);
      link.href = "/api/board/referrals/" + encodeURIComponent(r.night) + "/" + encodeURIComponent(r.reference);
      cell(tr, "Ref", link);
      cell(tr, "Time", r.localTime);
      cell(tr, "Town", r.town);
      cell(tr, "Concerns", r.categories.join(", "));
      cell(tr, "Priority", r.priority, r.priority === "high" ? "prio-high" : "");
      cell(tr, "Status", r.status === "NeedsManualRouting" ? "Needs manual routing" : r.status);
      var list = el("ul", "agencies");
      r.agencies.forEach(function (a) {
        var li = el("li", a.accepted ? "acc-yes" : (a.status === "declined" ? "acc-declined" : "acc-no"));
        li.dataset.agency = a.id;
        li.dataset.status = a.status;
        li.textContent = (a.accepted ? "✓ " : (a.status === "declined" ? "✗ " : "… ")) + a.name + " (" + a.status + ")";
        list.appendChild(li);
      });
      cell(tr, "Agencies", r.agencies.length ? list : "none yet");
      cell(tr, "Waiting", (r.stillWaiting ? "waiting " : "accepted after ") + duration(r.waitedSeconds), r.stillWaiting ? "waiting" : "");
      cell(tr, "Escalations", String(r.escalations), r.escalations ? "count-bad" : "");
      cell(tr, "Failed SMS", String(r.failedSms), r.failedSms ? "count-bad" : "");
      return tr;
    });
    body.replaceChildren.apply(body, rows);
    document.getElementById("empty").hidden = rows.length > 0;
  }

  function render(view) {
    glance(view.glance);
    if (live) {
      var fresh = {};
      if (seen) { view.referrals.forEach(function (r) { if (!seen[r.reference]) { fresh[r.reference] = true; } }); }
      seen = {};
      view.referrals.forEach(function (r) { seen[r.reference] = true; });
      referrals(view, fresh);
      var added = view.referrals.filter(function (r) { return fresh[r.reference]; });
      if (added.length) {
        document.getElementById("announce").textContent = added.map(function (r) { return "New referral " + r.reference + ", " + r.town + ", " + r.categories.join(", "); }).join(". ");
      }
    }
    var status = document.getElementById("updated");
    status.classList.remove("stale");
    var at = new Date(view.at);
    status.textContent = (live ? "Live, updated " : "Figures as of ") + at.toLocaleTimeString("en-GB", { timeZone: "Europe/London" });
  }

  function poll() {
    fetch(feed, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) { throw new Error("Signed out: reload the page to sign in again."); }
        if (!response.ok) { throw new Error("The hub answered " + response.status + "; retrying."); }
        return response.json();
      })
      .then(render)
      .catch(function (error) {
        var status = document.getElementById("updated");
        status.classList.add("stale");
        status.textContent = error.message || "Not updated: retrying.";
      })
      .finally(function () { if (live) { window.setTimeout(poll, pollMs); } });
  }

  poll();
})();
