// Planning maps: a what-if scenario (hypothetical new units, closed units) and the optimiser's proposal.
// Our own GeoJSON on Leaflet, no background tiles (offline). Every figure is also in a table on the page.
(function () {
  "use strict";

  var UNIT_SYMBOL = { family_centre: "●", similar_service: "◆", not_qualifying: "✕" };
  var COUNTING = { family_centre: true, similar_service: true };
  var SERVING = { active: true, temporarily_closed: true };
  var whole = new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 0 });
  var signed = new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 0, signDisplay: "exceptZero" });
  var share = new Intl.NumberFormat("sv-SE", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var kilometres = new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 1 });
  var degrees = new Intl.NumberFormat("sv-SE", { minimumFractionDigits: 4, maximumFractionDigits: 4 });

  function known(value) { return typeof value === "number" && isFinite(value); }
  function number(value) { return known(value) ? whole.format(Math.round(value)) : "–"; }
  function change(value) {
    if (!known(value)) { return "–"; }
    var rounded = Math.round(value);
    return signed.format(rounded === 0 ? 0 : rounded);
  }
  function percent(value) { return known(value) ? share.format(value) : "–"; }
  function distance(metres) { return metres < 1000 ? whole.format(metres) + "\u00a0m" : kilometres.format(metres / 1000) + "\u00a0km"; }

  var UNREACHABLE = "Servern gick inte att nå. Kontrollera anslutningen och ladda om sidan.";

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          var error = new Error(typeof body.detail === "string" ? body.detail : "Servern svarade med fel " + response.status + ".");
          error.status = response.status;
          throw error;
        }
        return body;
      });
    });
  }

  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }

  // A popup opened from the keyboard puts focus on its first button; Escape closes it and returns to the marker.
  function keyboardFriendlyPopup(marker) {
    marker.on("popupopen", function (event) {
      var box = event.popup.getElement();
      var button = box && box.querySelector(".leaflet-popup-content button");
      if (button) { button.focus({ preventScroll: true }); }
      if (box) {
        box.onkeydown = function (key) {
          if (key.key === "Escape") { marker.closePopup(); }
        };
      }
    });
    marker.on("popupclose", function (event) {
      var box = event.popup.getElement();
      if (box && box.contains(document.activeElement) && marker.getElement()) { marker.getElement().focus(); }
    });
    return marker;
  }

  function baseMap(container, options) {
    var map = L.map(container, L.extend({ zoomSnap: 0.25, minZoom: 3, maxZoom: 16, keyboard: true }, options || {}));
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Källa: SCB, fcatlas register");
    map.setView([62.5, 16.5], 4.5);
    var ready = getJSON(container.dataset.boundariesUrl).then(function (collection) {
      var layer = L.geoJSON(collection, {
        style: { className: "kommun", color: "#737373", weight: 0.8, fillColor: "#f7f7f7", fillOpacity: 1 },
        onEachFeature: function (feature, path) { path.bindTooltip(feature.properties.name, { sticky: true }); }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      container.dataset.municipalityCount = collection.features.length;
    });
    return { map: map, ready: ready };
  }

  function showUnits(map, url, popup) {
    return getJSON(url).then(function (collection) {
      var markers = {};
      collection.features.forEach(function (feature) {
        if (!feature.geometry) { return; }
        var p = feature.properties;
        var title = p.name + ", " + p.classification_label + (p.synthetic ? " (syntetisk)" : "");
        var marker = L.marker([feature.geometry.coordinates[1], feature.geometry.coordinates[0]], {
          keyboard: true, zIndexOffset: 500, title: title, alt: p.name,
          icon: L.divIcon({ className: "unit-marker class-" + p.classification, html: UNIT_SYMBOL[p.classification],
                            iconSize: [24, 24] })
        });
        marker.bindPopup(function () { return popup(feature); });
        keyboardFriendlyPopup(marker).addTo(map);
        markers[feature.id] = { marker: marker, feature: feature, title: title };
      });
      return markers;
    });
  }

  function plainUnitPopup(feature) {
    var p = feature.properties;
    var box = element("div");
    var title = element("strong");
    title.append(element("a", p.name, { href: p.url }));
    box.append(title, element("div", p.classification_label + (p.synthetic ? " (syntetisk demodata)" : "")));
    return box;
  }

  function showError(container, message) {
    var note = container.parentElement.querySelector("[data-map-note]");
    if (note) { note.hidden = false; note.textContent = message; }
  }

  // ---- The scenario page ------------------------------------------------------------------------------------

  function initScenario(container) {
    var base = baseMap(container, { doubleClickZoom: false });  // a click adds a unit; zoom with + and −
    var map = base.map;
    var names = JSON.parse(document.getElementById("planning-names").textContent);
    var radiusSelect = document.querySelector("[data-scenario-radius]");
    var status = document.querySelector("[data-scenario-status]");
    var list = document.querySelector("[data-scenario-changes]");
    var empty = document.querySelector("[data-scenario-empty]");
    var summary = document.querySelector("[data-scenario-summary]");
    var form = document.querySelector("[data-add-form]");
    var added = [];
    var closed = {};
    var unitNames = {};
    var units = {};
    var nextNumber = 1;
    var requestNumber = 0;
    var lastPopupClose = 0;
    status.tabIndex = -1;

    document.querySelectorAll("[data-close-unit]").forEach(function (button) {
      unitNames[button.dataset.closeUnit] = button.dataset.unitName;
      button.hidden = false;
      button.addEventListener("click", function () { toggleClosed(button.dataset.closeUnit); });
    });

    function radius() { return Number(radiusSelect.value); }

    function setStatus(text, isError) {
      status.textContent = text;
      status.classList.toggle("is-error", Boolean(isError));
    }

    function closable(feature) {
      return COUNTING[feature.properties.classification] && SERVING[feature.properties.status];
    }

    function closeButtonText(id) { return closed[id] ? "Öppna igen i scenariot" : "Stäng i scenariot"; }

    function unitPopup(feature) {
      var box = plainUnitPopup(feature);
      var id = String(feature.id);
      if (closable(feature)) {
        var button = element("button", closeButtonText(id), { type: "button", "data-popup-close": id,
                                                               "aria-pressed": closed[id] ? "true" : "false" });
        button.addEventListener("click", function () { toggleClosed(id); });
        box.append(button);
      } else {
        box.append(element("div", "Räknas inte i täckningen (" + feature.properties.status_label.toLowerCase() +
                                  ", " + feature.properties.classification_label.toLowerCase() + ")."));
      }
      return box;
    }

    function addedPopup(entry) {
      var box = element("div");
      box.append(element("strong", entry.label),
                 element("div", "Lat " + degrees.format(entry.lat) + ", lon " + degrees.format(entry.lon)));
      var button = element("button", "Ta bort", { type: "button", "aria-label": "Ta bort " + entry.label });
      button.addEventListener("click", function () { removeAdded(entry); });
      box.append(button);
      return box;
    }

    function addUnit(lat, lon, quiet) {
      var label = "Ny enhet (förslag) " + nextNumber;
      nextNumber += 1;
      var entry = { lat: lat, lon: lon, label: label };
      entry.circle = L.circle([lat, lon], { radius: radius(), className: "new-unit-radius", color: "#6a3d9a",
                                            weight: 2, dashArray: "6 4", fillOpacity: 0.08, interactive: false }).addTo(map);
      entry.marker = L.marker([lat, lon], {
        keyboard: true, zIndexOffset: 1000, title: label, alt: label,
        icon: L.divIcon({ className: "new-unit-marker", html: "★", iconSize: [22, 22] })
      }).bindPopup(function () { return addedPopup(entry); });
      keyboardFriendlyPopup(entry.marker).addTo(map);
      added.push(entry);
      if (!quiet) { changed(label + " tillagd."); }
    }

    function removeAdded(entry) {
      map.removeLayer(entry.marker);
      map.removeLayer(entry.circle);
      added = added.filter(function (other) { return other !== entry; });
      changed(entry.label + " borttagen.");
      status.focus({ preventScroll: true });
    }

    function refreshClosed(id) {
      var isClosed = Boolean(closed[id]);
      var unit = units[id];
      if (unit && unit.marker.getElement()) {
        unit.marker.getElement().classList.toggle("scenario-closed", isClosed);
        unit.marker.getElement().title = unit.title + (isClosed ? " – stängd i scenariot" : "");
      }
      document.querySelectorAll("[data-close-unit='" + id + "'], [data-popup-close='" + id + "']").forEach(function (button) {
        button.textContent = closeButtonText(id);
        button.setAttribute("aria-pressed", isClosed ? "true" : "false");
      });
    }

    function unitName(id) { return unitNames[id] || "enhet " + id; }

    function toggleClosed(id, quiet) {
      id = String(id);
      if (closed[id]) { delete closed[id]; } else { closed[id] = true; }
      refreshClosed(id);
      if (!quiet) { changed(unitName(id) + (closed[id] ? " stängd i scenariot." : " öppen igen i scenariot.")); }
    }

    function renderChanges() {
      list.replaceChildren();
      added.forEach(function (entry) {
        var item = element("li", entry.label + " vid lat " + degrees.format(entry.lat) + ", lon " + degrees.format(entry.lon) + " ");
        var button = element("button", "Ta bort", { type: "button", "aria-label": "Ta bort " + entry.label });
        button.addEventListener("click", function () { removeAdded(entry); });
        item.append(button);
        list.append(item);
      });
      Object.keys(closed).forEach(function (id) {
        var item = element("li", "Stängd: " + unitName(id) + " ");
        var button = element("button", "Ta bort", { type: "button", "aria-label": "Ta bort stängningen av " + unitName(id) });
        button.addEventListener("click", function () { toggleClosed(id); status.focus({ preventScroll: true }); });
        item.append(button);
        list.append(item);
      });
      empty.hidden = list.children.length > 0;
    }

    function updateAddress() {
      var params = new URLSearchParams();
      params.set("region", container.dataset.region);
      params.set("radie", radius());
      params.set("ar", container.dataset.year);
      added.forEach(function (entry) { params.append("add", entry.lon.toFixed(5) + "," + entry.lat.toFixed(5)); });
      Object.keys(closed).forEach(function (id) { params.append("close", id); });
      history.replaceState(null, "", window.location.pathname + "?" + params.toString());
    }

    function changed(message) {
      renderChanges();
      updateAddress();
      compute(message);
    }

    function row(body, label, cells) {
      var tr = body.insertRow();
      tr.append(element("th", label, { scope: "row" }));
      cells.forEach(function (cell) {
        var td = tr.insertCell();
        td.className = "num" + (cell.change > 0.5 ? " up" : cell.change < -0.5 ? " down" : "");
        td.textContent = cell.text;
      });
    }

    function coverageCells(r) {
      return [
        { text: number(r.children_0_5) }, { text: number(r.children_covered_before) },
        { text: number(r.children_covered_after) },
        { text: change(r.children_covered_change), change: r.children_covered_change },
        { text: percent(r.share_covered_before) }, { text: percent(r.share_covered_after) }
      ];
    }

    function fill(id, rows, cells) {
      var body = document.querySelector("#" + id + " tbody");
      body.replaceChildren();
      rows.forEach(function (r) { row(body, r.label, cells(r.row)); });
    }

    function renderDelta(delta) {
      var places = [{ label: "Hela landet", row: delta.national }]
        .concat(delta.region.map(function (r) { return { label: names.regions[r.code] || "Region " + r.code, row: r }; }))
        .concat(delta.municipality.map(function (r) {
          return { label: (names.municipalities[r.code] || r.code) + " (kommun)", row: r };
        }));
      fill("delta-places", places, coverageCells);
      fill("delta-vulnerability", delta.vulnerability.map(function (r) { return { label: r.label, row: r }; }), coverageCells);
      fill("delta-bands", delta.distance_bands.map(function (r) { return { label: r.code, row: r }; }), function (r) {
        return [{ text: number(r.children_0_5_before) }, { text: number(r.children_0_5_after) },
                { text: change(r.children_0_5_change), change: r.children_0_5_change },
                { text: percent(r.share_before) }, { text: percent(r.share_after) }];
      });
      var difference = Math.round(delta.national.children_covered_change);
      var within = "inom " + distance(delta.radius_m) + " från en familjecentral eller familjecentralsliknande verksamhet";
      var count = added.length + Object.keys(closed).length;
      if (!count) {
        summary.textContent = "Så ser det ut i dag: " + number(delta.national.children_covered_before) + " av " +
          number(delta.national.children_0_5) + " barn 0–5 år i hela landet bor " + within + ". Gör en ändring så visas skillnaden.";
      } else if (difference > 0) {
        summary.textContent = "Med dina ändringar bor " + number(difference) + " fler barn 0–5 år " + within + " (hela landet).";
      } else if (difference < 0) {
        summary.textContent = "Med dina ändringar bor " + number(-difference) + " färre barn 0–5 år " + within + " (hela landet).";
      } else {
        summary.textContent = "Dina ändringar ändrar inte hur många barn 0–5 år som bor " + within + ".";
      }
      document.querySelectorAll("[data-radius-label]").forEach(function (span) { span.textContent = distance(delta.radius_m); });
    }

    function compute(message) {
      var params = new URLSearchParams();
      params.set("radius", radius());
      params.set("year", container.dataset.year);
      added.forEach(function (entry) { params.append("add", entry.lon + "," + entry.lat); });
      Object.keys(closed).forEach(function (id) { params.append("close", id); });
      var mine = ++requestNumber;
      container.dataset.scenarioState = "loading";
      setStatus((message ? message + " " : "") + "Räknar …");
      return getJSON(container.dataset.scenarioUrl + "?" + params.toString()).then(function (delta) {
        if (mine !== requestNumber) { return; }
        renderDelta(delta);
        var count = added.length + Object.keys(closed).length;
        setStatus((message ? message + " " : "") + (count ? "Tabellerna visar scenariot med " + count +
                  (count === 1 ? " ändring." : " ändringar.") : "Inga ändringar ännu."));
        container.dataset.scenarioState = "ready";
        container.dataset.scenarioRequests = mine;
        container.dataset.ready = "true";
      }).catch(function (error) {
        if (mine !== requestNumber) { return; }
        var text = error.status === 401 || error.status === 403
          ? "Du är inte inloggad längre. Ladda om sidan och logga in igen."
          : (error.status ? error.message : UNREACHABLE);
        setStatus("Scenariot kunde inte räknas: " + text, true);
        container.dataset.scenarioState = "error";
        container.dataset.ready = "true";
      });
    }

    map.on("popupclose", function () { lastPopupClose = Date.now(); });
    map.on("click", function (event) {
      if (Date.now() - lastPopupClose < 400) { return; }  // the click only closed a popup
      addUnit(event.latlng.lat, event.latlng.lng);
    });

    // Where children live who are beyond the radius today: the planner sees where a new unit would help.
    var demandLayer = L.layerGroup().addTo(map);
    function showUncoveredChildren() {
      var url = container.dataset.demandUrl + "&radius=" + radius();
      return getJSON(url).then(function (collection) {
        demandLayer.clearLayers();
        var largest = Math.max.apply(null, collection.features.map(function (f) { return f.properties.children_0_5; }).concat([1]));
        collection.features.forEach(function (feature) {
          var c = feature.geometry.coordinates;
          L.circleMarker([c[1], c[0]], {
            className: "demand-point demand-uncovered", radius: 2 + 10 * Math.sqrt(feature.properties.children_0_5 / largest),
            color: "#54278f", weight: 1, fillColor: "#54278f", fillOpacity: 0.45, interactive: false
          }).addTo(demandLayer);
        });
        container.dataset.demandCount = collection.features.length;
      });
    }

    radiusSelect.addEventListener("change", function () {
      added.forEach(function (entry) { entry.circle.setRadius(radius()); });
      showUncoveredChildren();
      changed("Radien är nu " + distance(radius()) + ".");
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var error = form.querySelector("[data-add-error]");
      var latInput = form.elements.lat;
      var lonInput = form.elements.lon;
      var lat = Number(latInput.value.trim().replace(",", "."));
      var lon = Number(lonInput.value.trim().replace(",", "."));
      var problem = null;
      var field = null;
      if (!latInput.value.trim() || isNaN(lat) || lat < 55 || lat > 69.2) {
        problem = "Latitud: skriv ett tal mellan 55 och 69,2 (Sverige), till exempel 55,605.";
        field = latInput;
      } else if (!lonInput.value.trim() || isNaN(lon) || lon < 10.5 || lon > 24.2) {
        problem = "Longitud: skriv ett tal mellan 10,5 och 24,2 (Sverige), till exempel 13,003.";
        field = lonInput;
      }
      [latInput, lonInput].forEach(function (input) { input.removeAttribute("aria-invalid"); });
      error.hidden = !problem;
      error.textContent = problem || "";
      if (problem) {
        field.setAttribute("aria-invalid", "true");
        field.focus();
        return;
      }
      addUnit(lat, lon);
      latInput.value = "";
      lonInput.value = "";
    });

    var initial = new URLSearchParams(window.location.search);
    base.ready
      .then(function () { return showUncoveredChildren(); })
      .then(function () { return showUnits(map, container.dataset.unitsUrl, unitPopup); })
      .then(function (markers) {
        units = markers;
        Object.keys(markers).forEach(function (id) { unitNames[id] = markers[id].feature.properties.name; });
        initial.getAll("add").forEach(function (text) {
          var parts = text.split(",").map(Number);
          if (parts.length === 2 && !isNaN(parts[0]) && !isNaN(parts[1])) { addUnit(parts[1], parts[0], true); }
        });
        initial.getAll("close").forEach(function (id) { if (/^\d+$/.test(id)) { toggleClosed(id, true); } });
        container.dataset.unitCount = Object.keys(markers).length;
        changed();
      })
      .catch(function (error) { showError(container, "Kartan kunde inte laddas. " + (error.status ? error.message : UNREACHABLE)); });
  }

  // ---- The proposal page ------------------------------------------------------------------------------------

  function initProposal(container) {
    var base = baseMap(container);
    var map = base.map;
    var sites = JSON.parse(document.getElementById("proposal-sites").textContent);
    var radius = Number(container.dataset.radius);
    base.ready
      .then(function () { return showUnits(map, container.dataset.unitsUrl, plainUnitPopup); })
      .then(function () {
        sites.forEach(function (site, index) {
          var label = "Förslag " + (index + 1) + ": " + (site.municipality_name || site.municipality_code) + ", " +
            number(site.children_newly_reached) + " barn 0–5 år nås";
          L.circle([site.latitude, site.longitude], { radius: radius, color: "#08306b", weight: 2, dashArray: "6 4",
                                                      fillOpacity: 0.08, interactive: false }).addTo(map);
          var marker = L.marker([site.latitude, site.longitude], {
            keyboard: true, zIndexOffset: 1000, title: label, alt: label,
            icon: L.divIcon({ className: "proposal-marker", html: String(index + 1), iconSize: [22, 22] })
          }).bindPopup(element("div", label));
          keyboardFriendlyPopup(marker).addTo(map);
        });
        container.dataset.siteCount = sites.length;
        container.dataset.ready = "true";
      })
      .catch(function (error) { showError(container, "Kartan kunde inte laddas. " + (error.status ? error.message : UNREACHABLE)); });
  }

  // A saved scenario is the scenario page's address at the moment it is saved.
  document.querySelectorAll("form[data-save-scenario]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelector("[data-scenario-query]").value = window.location.search.replace(/^\?/, "");
    });
  });
  document.querySelectorAll("[data-planning-map='scenario']").forEach(initScenario);
  document.querySelectorAll("[data-planning-map='proposal']").forEach(initProposal);
})();
