// Maps of fcatlas: our own GeoJSON layers on Leaflet, no background tiles (the system runs offline).
(function () {
  "use strict";

  var AREA_STYLE = {
    especially_vulnerable: { color: "#b2182b", dashArray: null, weight: 3, symbol: "▲" },
    risk: { color: "#5e3c99", dashArray: "2 4", weight: 3, symbol: "■" },
    vulnerable: { color: "#e66101", dashArray: "8 5", weight: 3, symbol: "●" }
  };

  var UNIT_SYMBOL = { family_centre: "●", similar_service: "◆", not_qualifying: "✕" };
  var CLUSTER_FROM = 40;  // more units than this are grouped into numbered clusters until the map is zoomed in

  // Shapes are described by the table beside every map: they are no tab stops, so that a keyboard gets past the
  // map in a few presses (the map itself, its zoom buttons and the markers or clusters).
  function notATabStop(path) {
    path.on("add", function () {
      var shape = path.getElement && path.getElement();
      if (shape) { shape.setAttribute("tabindex", "-1"); shape.setAttribute("focusable", "false"); }
    });
  }

  function addSkipLink(element) {
    var figure = element.closest("figure") || element;
    var target = document.createElement("span");
    target.id = element.id + "-efter";
    target.tabIndex = -1;
    figure.after(target);
    var link = document.createElement("a");
    link.className = "skip-link skip-map";
    link.href = "#" + target.id;
    link.textContent = element.dataset.skipText || "Hoppa över kartan";
    element.before(link);
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  function withYear(url, year) {
    return url + (url.indexOf("?") < 0 ? "?" : "&") + "year=" + encodeURIComponent(year);
  }

  function areaPopup(properties) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = properties.name;
    var category = document.createElement("div");
    category.textContent = properties.category_label + " (" + properties.year + ")";
    var link = document.createElement("a");
    link.href = properties.municipality_url;
    link.textContent = properties.municipality_name;
    box.append(title, category, link);
    return box;
  }

  function unitPopup(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    var title = document.createElement("strong");
    title.append(link);
    var classification = document.createElement("div");
    classification.textContent = properties.classification_label + (properties.synthetic ? " (syntetisk demodata)" : "");
    var reason = document.createElement("div");
    reason.textContent = properties.classification_reason;
    box.append(title, classification, reason);
    return box;
  }

  function showUnits(map, element) {
    var focusUnit = element.dataset.focusUnit;
    return getJSON(element.dataset.unitsUrl).then(function (collection) {
      var drawn = 0;
      var many = collection.features.length > CLUSTER_FROM && L.markerClusterGroup;
      if (many && !map.getPane("unit-clusters")) { map.createPane("unit-clusters").style.zIndex = 650; }
      var target = many ? L.markerClusterGroup({
        showCoverageOnHover: false, maxClusterRadius: 45, spiderfyOnMaxZoom: true, clusterPane: "unit-clusters",
        iconCreateFunction: function (cluster) {
          var count = cluster.getChildCount();
          return L.divIcon({ className: "unit-cluster", iconSize: [32, 32],
                             html: "<span>" + count + "</span><span class=\"visually-hidden\"> enheter här; zooma in " +
                                   "(plus) för att se dem</span>" });
        }
      }).addTo(map) : map;
      collection.features.forEach(function (feature) {
        if (!feature.geometry) { return; }
        var p = feature.properties;
        var focused = String(feature.id) === focusUnit;
        var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
        L.marker(latlng, {
          keyboard: true, zIndexOffset: focused ? 1000 : 500,
          title: p.name + ", " + p.classification_label + (p.synthetic ? " (syntetisk)" : ""),
          alt: p.name,
          icon: L.divIcon({ className: "unit-marker class-" + p.classification + (focused ? " unit-marker-focus" : ""),
                            html: UNIT_SYMBOL[p.classification], iconSize: focused ? [28, 28] : [24, 24] })
        }).bindPopup(unitPopup(p)).addTo(target);
        if (focused) { map.setView(latlng, Math.max(map.getZoom(), 11)); }
        drawn += 1;
      });
      element.dataset.unitCount = drawn;
      element.dataset.unitsClustered = many ? "true" : "false";
    });
  }

  function showCoverageChoropleth(map, element, municipalityLayer) {
    var classes = JSON.parse(document.getElementById("coverage-classes").textContent);
    var toggle = document.querySelector("[data-map-coverage]");
    var legend = document.querySelector("[data-coverage-legend]");
    var shares = null;
    function colour(code) {
      var share = shares && shares[code];
      if (share === null || share === undefined) { return "#f7f7f7"; }
      return classes[Math.min(classes.length - 1, Math.floor(share * classes.length))][1];
    }
    function restyle() {
      municipalityLayer.eachLayer(function (path) {
        var code = path.feature.properties.code;
        path.setStyle({ fillColor: toggle.checked ? colour(code) : "#f7f7f7" });
      });
      legend.hidden = !toggle.checked;
      element.dataset.coverageShown = toggle.checked ? "true" : "false";
    }
    toggle.addEventListener("change", function () {
      if (shares) { restyle(); return; }
      getJSON(element.dataset.coverageUrl).then(function (answer) {
        shares = {};
        answer.rows.forEach(function (row) { shares[row.code] = row.share_uncovered; });
        restyle();
      });
    });
  }

  var percentFormat = new Intl.NumberFormat("sv-SE", { style: "percent", maximumFractionDigits: 0 });
  var wholeFormat = new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 0 });

  // SCB's small areas (RegSO), coloured by the share of children beyond the radius or by SCB's area type.
  function showSmallAreas(map, element) {
    var classes = JSON.parse(document.getElementById("coverage-classes").textContent);
    var typeColours = {};
    JSON.parse(document.getElementById("area-type-colours").textContent).forEach(function (pair) { typeColours[pair[0]] = pair[1]; });
    var choice = document.querySelector("[data-small-area-choice]");
    var legends = { uncovered: document.querySelector("[data-legend-uncovered]"),
                    area_type: document.querySelector("[data-legend-area-type]") };
    var mode = "uncovered";
    function colour(p) {
      if (mode === "area_type") { return typeColours[p.area_type] || "#f7f7f7"; }
      if (p.share_uncovered === null || p.share_uncovered === undefined) { return "#f7f7f7"; }
      return classes[Math.min(classes.length - 1, Math.floor(p.share_uncovered * classes.length))][1];
    }
    return getJSON(element.dataset.smallAreasUrl).then(function (collection) {
      var layer = L.geoJSON(collection, {
        style: function (feature) {
          return { className: "small-area", color: "#636363", weight: 0.6, fillColor: colour(feature.properties), fillOpacity: 0.85 };
        },
        onEachFeature: function (feature, path) {
          var p = feature.properties;
          notATabStop(path);
          path.bindTooltip(p.name + ": " + wholeFormat.format(p.children) + " barn 0–5 år, " +
            (p.share_uncovered === null ? "–" : percentFormat.format(p.share_uncovered)) + " långt bort" +
            (p.area_type ? ", områdestyp " + p.area_type : ""), { sticky: true });
        }
      }).addTo(map);
      if (choice) {
        choice.addEventListener("change", function (event) {
          mode = event.target.value;
          layer.setStyle(function (feature) { return { fillColor: colour(feature.properties) }; });
          Object.keys(legends).forEach(function (key) { if (legends[key]) { legends[key].hidden = key !== mode; } });
          element.dataset.smallAreaColour = mode;
        });
      }
      element.dataset.smallAreaCount = collection.features.length;
      element.dataset.smallAreaColour = mode;
    });
  }

  function showDemand(map, element) {
    return getJSON(element.dataset.demandUrl).then(function (collection) {
      var largest = Math.max.apply(null, collection.features.map(function (f) { return f.properties.children_0_5; }).concat([1]));
      collection.features.forEach(function (feature) {
        var p = feature.properties;
        var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
        L.circleMarker(latlng, {
          className: "demand-point " + (p.covered ? "demand-covered" : "demand-uncovered"),
          radius: 1.5 + 5 * Math.sqrt(p.children_0_5 / largest),
          color: p.covered ? "#252525" : "#b30000", weight: 1, fillColor: p.covered ? "#ffffff" : "#b30000",
          fillOpacity: p.covered ? 0.6 : 0.8, interactive: false
        }).addTo(map);
      });
      element.dataset.demandCount = collection.features.length;
    });
  }

  function initMap(element) {
    addSkipLink(element);
    var map = L.map(element, { zoomSnap: 0.25, minZoom: 3, maxZoom: 16, keyboard: true });
    map.on("zoomend", function () { element.dataset.zoom = map.getZoom(); });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Källa: SCB, Polisen");
    map.setView([62.5, 16.5], 4.5);
    var focus = element.dataset.focus;
    var areaLayer = L.layerGroup().addTo(map);
    var note = element.parentElement.querySelector("[data-map-note]");

    var municipalities = getJSON(element.dataset.municipalitiesUrl).then(function (collection) {
      var layer = L.geoJSON(collection, {
        style: function (feature) {
          var focused = feature.properties.code === focus;
          return {
            className: "kommun" + (focused ? " kommun-focus" : ""),
            color: focused ? "#08306b" : "#737373", weight: focused ? 2.5 : 0.7,
            fillColor: focused ? "#deebf7" : "#f7f7f7", fillOpacity: 1, fill: !element.dataset.smallAreasUrl || !focused
          };
        },
        onEachFeature: function (feature, path) {
          notATabStop(path);
          path.bindTooltip(feature.properties.name, { sticky: true });
          path.on("click", function () { window.location.href = feature.properties.url; });
        }
      }).addTo(map);
      var focusLayer = null;
      layer.eachLayer(function (path) { if (path.feature.properties.code === focus) { focusLayer = path; } });
      map.fitBounds((focusLayer || layer).getBounds(), { padding: [10, 10] });
      element.dataset.municipalityCount = collection.features.length;
      if (element.dataset.coverageUrl) { showCoverageChoropleth(map, element, layer); }
    });

    function showAreas(year) {
      return getJSON(withYear(element.dataset.areasUrl, year)).then(function (collection) {
        areaLayer.clearLayers();
        var drawn = 0;
        collection.features.forEach(function (feature) {
          if (!feature.geometry) { return; }
          var style = AREA_STYLE[feature.properties.category];
          var outline = L.geoJSON(feature, {
            style: { className: "area area-" + feature.properties.category, color: style.color,
                     dashArray: style.dashArray, weight: style.weight, fillOpacity: 0.15 },
            onEachFeature: function (_, path) { notATabStop(path); }
          }).bindPopup(areaPopup(feature.properties));
          var marker = L.marker(outline.getBounds().getCenter(), {
            keyboard: true,
            title: feature.properties.name + ", " + feature.properties.category_label,
            alt: feature.properties.name,
            icon: L.divIcon({ className: "area-marker area-marker-" + feature.properties.category,
                              html: style.symbol, iconSize: [24, 24] })
          }).bindPopup(areaPopup(feature.properties));
          areaLayer.addLayer(outline).addLayer(marker);
          drawn += 1;
        });
        if (note) {
          var missing = collection.features.length - drawn;
          note.hidden = missing === 0;
          note.textContent = missing ? missing + " av områdena saknar gräns och visas bara i tabellen." : "";
        }
        element.dataset.areaYear = year;
        element.dataset.areaCount = collection.features.length;
      });
    }

    var loads = [municipalities];
    if (element.dataset.smallAreasUrl) { loads.push(municipalities.then(function () { return showSmallAreas(map, element); })); }
    if (element.dataset.areasUrl) { loads.push(showAreas(element.dataset.areaYear)); }
    if (element.dataset.demandUrl) { loads.push(municipalities.then(function () { return showDemand(map, element); })); }
    if (element.dataset.unitsUrl) { loads.push(municipalities.then(function () { return showUnits(map, element); })); }
    Promise.all(loads).then(function () {
      element.dataset.ready = "true";
    }).catch(function (error) {
      if (note) {
        note.hidden = false;
        note.textContent = "Kartan kunde inte laddas. Ladda om sidan; samma uppgifter finns i tabellerna på sidan.";
      }
    });
  }

  document.querySelectorAll("[data-municipalities-url]").forEach(initMap);
})();
