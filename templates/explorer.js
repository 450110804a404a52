// The sample explorer of report.html. It reads the JSON island written by
// src/stages/report/explorer/, filters and sorts samples on typed columns,
// and renders only the rows in view. Every string is set with textContent
// (never as markup), and the page's CSP allows this script by its hash only.
(function () {
  'use strict';
  var island = document.getElementById('explorer-data');
  var root = document.getElementById('explorer');
  if (!island || !root) return;
  var D = JSON.parse(island.textContent);
  var S = D.s;
  var N = D.ids.length;
  var NM = D.metrics.length;
  var ROW = 34;
  var JUDGE_SPREAD = 0.2;
  var jdSet = new Set(D.jd);
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function str(i) { return i < 0 ? null : S[i]; }
  function fmt(v) { return v === null || v === undefined ? '\u2013' : (Math.round(v * 100) / 100).toFixed(2); }
  function option(sel, value, label) { var o = el('option', null, label); o.value = String(value); sel.appendChild(o); }

  var fModel = $('x-model'), fMetric = $('x-metric'), fOutcome = $('x-outcome'), fSort = $('x-sort'), fSearch = $('x-search');
  option(fModel, -1, 'any model');
  D.models.forEach(function (m, i) { option(fModel, i, m); });
  option(fMetric, -1, 'any metric');
  D.metrics.forEach(function (m, i) { option(fMetric, i, m.abbr); });

  // A pair cell's outcome for sample s from model `mi`'s side (the candidate's when mi < 0).
  function outcomeFor(p, s, mi) {
    var ch = D.out[p].charAt(s);
    var pair = D.pairs[p];
    if (mi >= 0 && pair.b === mi) ch = ch === 'W' ? 'L' : ch === 'L' ? 'W' : ch === 'w' ? 'l' : ch === 'l' ? 'w' : ch;
    return ch;
  }
  function pairsFor(mi, ki) {
    return D.pairs.map(function (_, i) { return i; }).filter(function (i) {
      var p = D.pairs[i];
      return (ki < 0 || p.m === ki) && (mi < 0 || p.c === mi || p.b === mi);
    });
  }
  function gap(s, ki) {
    var best = 0;
    for (var k = 0; k < NM; k++) {
      if (ki >= 0 && k !== ki) continue;
      var m = D.metrics[k], range = (m.max - m.min) || 1, lo = Infinity, hi = -Infinity;
      for (var mi = 0; mi < D.models.length; mi++) {
        var v = D.score[mi * NM + k][s];
        if (v === null) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (hi > lo) best = Math.max(best, (hi - lo) / range);
    }
    return best;
  }
  function failed(s, mi, ki, ps) {
    for (var m = 0; m < D.models.length; m++) for (var k = 0; k < NM; k++) {
      if ((mi < 0 || m === mi) && (ki < 0 || k === ki) && D.fail[m * NM + k][s]) return true;
    }
    return ps.some(function (p) { return D.out[p].charAt(s) === 'F'; });
  }
  function matches(s, mi, ki, outcome, ps) {
    if (outcome === 'all' || outcome === 'gap') return true;
    if (outcome === 'failed') return failed(s, mi, ki, ps);
    if (outcome === 'judges') return jdSet.has(s) || D.spread[s] >= JUDGE_SPREAD;
    if (outcome === 'orders') return ps.some(function (p) { var c = D.out[p].charAt(s); return c === 'w' || c === 'l' || c === 't'; });
    var want = outcome === 'won' ? 'W' : outcome === 'lost' ? 'L' : 'T';
    return ps.some(function (p) { return outcomeFor(p, s, mi).toUpperCase() === want; });
  }

  var view = [];
  var selected = -1;
  function apply() {
    var mi = Number(fModel.value), ki = Number(fMetric.value), outcome = fOutcome.value, sort = fSort.value;
    var q = fSearch.value.trim().toLowerCase();
    var ps = pairsFor(mi, ki);
    view = [];
    for (var s = 0; s < N; s++) {
      if (q && S[D.ids[s]].toLowerCase().indexOf(q) < 0) continue;
      if (matches(s, mi, ki, outcome, ps)) view.push(s);
    }
    var col = D.score[(mi < 0 ? 0 : mi) * NM + (ki < 0 ? 0 : ki)];
    var key = null;
    if (outcome === 'gap' || sort === 'gap') key = function (s) { return -gap(s, ki); };
    else if (sort === 'score-desc') key = function (s) { return col[s] === null ? Infinity : -col[s]; };
    else if (sort === 'score-asc') key = function (s) { return col[s] === null ? Infinity : col[s]; };
    if (key) {
      var keys = new Float64Array(N);
      view.forEach(function (s) { keys[s] = key(s); });
      view.sort(function (a, b) { return keys[a] - keys[b] || a - b; });
    }
    $('x-count').textContent = view.length + ' of ' + N + ' samples';
    $('x-spacer').style.height = view.length * ROW + 'px';
    $('x-list').scrollTop = 0;
    draw();
  }

  // Only the rows in view exist in the DOM: 32,000 samples cost a few dozen nodes.
  function draw() {
    var list = $('x-list'), rows = $('x-rows');
    var first = Math.floor(list.scrollTop / ROW), count = Math.ceil(list.clientHeight / ROW) + 2;
    var mi = Number(fModel.value), ki = Number(fMetric.value), k = ki < 0 ? 0 : ki;
    rows.replaceChildren();
    rows.style.transform = 'translateY(' + first * ROW + 'px)';
    for (var i = first; i < Math.min(view.length, first + count); i++) {
      var s = view[i];
      var r = el('button', 'x-row' + (s === selected ? ' on' : ''));
      r.type = 'button';
      r.setAttribute('data-sample', S[D.ids[s]]);
      r.appendChild(el('span', 'x-id', S[D.ids[s]]));
      var sc = el('span', 'x-sc');
      D.models.forEach(function (m, j) {
        if (mi >= 0 && j !== mi) return;
        sc.appendChild(el('span', 'x-v', fmt(D.score[j * NM + k][s])));
      });
      r.appendChild(sc);
      if (D.detail[s] === undefined) r.appendChild(el('span', 'x-tag', 'figures only'));
      r.addEventListener('click', openSample.bind(null, s));
      rows.appendChild(r);
    }
  }

  function section(parent, title) {
    var sec = el('section', 'x-sec');
    sec.appendChild(el('h3', null, title));
    parent.appendChild(sec);
    return sec;
  }
  function replies(parent, idx) {
    idx.forEach(function (r, a) {
      var pre = el('pre', 'reply', S[r]);
      if (idx.length > 1) pre.setAttribute('data-attempt', String(a + 1));
      parent.appendChild(pre);
    });
  }
  function openSample(s) {
    selected = s;
    draw();
    var box = $('x-sample');
    box.replaceChildren();
    box.setAttribute('data-sample', S[D.ids[s]]);
    box.appendChild(el('h2', null, 'Sample ' + S[D.ids[s]]));
    var t = el('table', 'x-scores');
    var hr = el('tr');
    hr.appendChild(el('th', 'l', 'Model'));
    D.metrics.forEach(function (m) { hr.appendChild(el('th', null, m.abbr)); });
    t.appendChild(hr);
    D.models.forEach(function (m, mi) {
      var tr = el('tr');
      tr.appendChild(el('td', 'l', m));
      D.metrics.forEach(function (_, k) {
        var f = D.fail[mi * NM + k][s];
        tr.appendChild(el('td', null, fmt(D.score[mi * NM + k][s]) + (f ? ' (' + f + ' failed)' : '')));
      });
      t.appendChild(tr);
    });
    var wrap = el('div', 'scroll');
    wrap.appendChild(t);
    box.appendChild(wrap);
    var d = D.detail[s];
    if (!d) {
      box.appendChild(el('p', 'note', 'Only this sample\u2019s figures are embedded (see the note above the list).'));
      return;
    }
    var scene = section(box, 'Scene');
    scene.appendChild(el('p', 'x-caption', str(d.cap) || 'No caption.'));
    if (d.fr.length) {
      var strip = el('div', 'x-frames');
      d.fr.forEach(function (f, i) { var img = el('img'); img.src = S[f]; img.alt = 'frame ' + (i + 1); strip.appendChild(img); });
      scene.appendChild(strip);
    }
    if (d.ch >= 0) { var pr = section(box, 'Profiles'); pr.appendChild(el('p', null, 'Character \u2014 ' + S[d.ch])); pr.appendChild(el('p', null, 'User \u2014 ' + S[d.us])); }
    if (d.h.length) {
      var hs = section(box, 'History');
      d.h.forEach(function (turn) { var p = el('p', 'turn'); p.appendChild(el('b', null, S[turn[0]] + ': ')); p.appendChild(document.createTextNode(S[turn[1]])); hs.appendChild(p); });
    }
    var an = section(box, 'Answers');
    d.a.forEach(function (a) {
      var div = el('div', 'x-answer');
      div.appendChild(el('h4', null, D.models[a[0]]));
      if (a[2] >= 0) div.appendChild(el('p', 'fail', 'No answer: ' + S[a[2]]));
      if (a[3].length) div.appendChild(el('p', 'note', 'Format: ' + a[3].map(function (f) { return S[f]; }).join(', ')));
      div.appendChild(el('pre', 'answer', S[a[1]]));
      an.appendChild(div);
    });
    if (d.j.length) {
      var js = section(box, 'Judge replies (pointwise)');
      d.j.forEach(function (j) {
        var div = el('div', 'x-judgment' + (j[4] === null ? ' failed' : ''));
        div.appendChild(el('h4', null, D.models[j[0]] + ' \u00b7 ' + D.metrics[j[1]].abbr + ' \u00b7 ' + D.judges[j[2]] + ' \u00b7 round ' + j[3]));
        div.appendChild(j[4] === null ? el('p', 'fail', 'Failed (' + str(j[5]) + '): ' + (str(j[6]) || '')) : el('p', 'x-parsed', 'Parsed score: ' + j[4]));
        replies(div, j[7]);
        js.appendChild(div);
      });
    }
    if (d.c.length) {
      var cs = section(box, 'Comparisons (both orders)');
      d.c.forEach(function (c) {
        var p = D.pairs[c[0]];
        var div = el('div', 'x-comparison' + (c[2] < 0 ? ' failed' : ''));
        div.appendChild(el('h4', null, D.models[p.c] + ' vs ' + D.models[p.b] + ' \u00b7 ' + D.metrics[p.m].abbr + ' \u00b7 ' + D.judges[p.j] + ' \u00b7 round ' + c[1]));
        div.appendChild(c[2] < 0 ? el('p', 'fail', 'Failed: ' + (str(c[3]) || 'no usable verdict')) : el('p', 'x-parsed', 'Combined outcome for the candidate: ' + S[c[2]]));
        c[4].forEach(function (o) {
          var od = el('div', 'x-order');
          od.setAttribute('data-order', S[o[0]]);
          od.appendChild(el('p', null, 'Order ' + S[o[0]] + (S[o[0]] === 'AB' ? ' (candidate shown as A)' : ' (candidate shown as B)') + ': verdict ' + (str(o[1]) || '\u2013') + ', outcome ' + (str(o[2]) || '\u2013') + (o[3] >= 0 ? ' \u2014 failed: ' + S[o[3]] : '')));
          replies(od, o[4]);
          div.appendChild(od);
        });
        cs.appendChild(div);
      });
    }
    box.scrollIntoView({ block: 'start' });
  }

  D.notes.forEach(function (n) { $('x-notes').appendChild(el('p', 'note', n)); });
  [fModel, fMetric, fOutcome, fSort].forEach(function (f) { f.addEventListener('change', apply); });
  fSearch.addEventListener('input', apply);
  $('x-list').addEventListener('scroll', function () { window.requestAnimationFrame(draw); });
  apply();
})();
