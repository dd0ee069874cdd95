/* The widget's chat page (runs inside the iframe, same origin as the API).
 * Plain JS, no framework. Every piece of text from the user, the answer or a document is put into the
 * page with textContent / createElement — never innerHTML — so nothing in them can run as markup. */
(function () {
  "use strict";

  var body = document.body;
  var cfg = body.dataset;
  var log = document.getElementById("log");
  var form = document.getElementById("ask");
  var input = document.getElementById("q");
  var sendBtn = document.getElementById("send");
  var closeBtn = document.getElementById("close");
  var maxTurns = parseInt(cfg.maxTurns || "10", 10) || 10;
  // The portal that frames us, as checked by the server against ASSISTANT_ALLOWED_ORIGINS ("" if none).
  var parentOrigin = cfg.parentOrigin || "";
  var framed = window.parent && window.parent !== window;
  var history = [];
  var busy = false;

  if (/^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/.test(cfg.color || "")) {
    document.documentElement.style.setProperty("--accent", cfg.color);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function addMessage(kind, text) {
    var m = el("div", "msg " + kind);
    var p = el("p", "text", text);
    m.appendChild(p);
    log.appendChild(m);
    scrollDown();
    return { box: m, text: p };
  }

  function tellParent(type) {
    if (framed && parentOrigin) { window.parent.postMessage({ type: type }, parentOrigin); }
  }

  function requestClose() { tellParent("vnps-assistant:close"); }

  /* The direct answer is the text up to its first [n] markers; the rest (the quotes) is folded. */
  function splitLead(text) {  /* the same rule as ui/render.py split_lead */
    var t = String(text || "").trim();
    var m = /(?:\s*\[\d+\])+[.!?\u2026]?/.exec(t);
    if (!m || !t.slice(0, m.index).trim()) { return [t, ""]; }
    var end = m.index + m[0].length;
    var nl = t.indexOf("\n", end);
    if (nl >= 0 && nl - end <= 300) {
      end = nl;
    } else if (nl < 0 && ",;:".indexOf(t.charAt(end)) >= 0 && t.charAt(end) !== "") {
      var stop = /[.!?\u2026](?:\s*\[\d+\])*(?=\s|$)/g;
      stop.lastIndex = end;
      var s = stop.exec(t);
      if (s && s.index + s[0].length - end <= 300) { end = s.index + s[0].length; }
    }
    return [t.slice(0, end).trim(), t.slice(end).trim()];
  }

  function renderSources(box, answer) {
    var cites = Array.isArray(answer.citations) ? answer.citations : [];
    if (!cites.length) { return; }
    var wrap = el("div", "sources");
    wrap.appendChild(el("p", "sources-title", cfg.sources || "Nguồn"));
    cites.forEach(function (c) {
      var d = el("details", "src");
      // What a person reads to find the source again; never the hashed file name.
      var name = (c.label || "").trim() || (c.title || "").trim() || ((cfg.document || "Tài liệu") + " " + c.n);
      d.appendChild(el("summary", null, "[" + c.n + "] " + name));
      d.appendChild(el("blockquote", "quote", c.quote || ""));
      var meta = [c.label && c.title && c.title !== c.label ? c.title : "", c.note || ""].filter(Boolean).join(" · ");
      if (meta) { d.appendChild(el("div", "meta", meta)); }
      wrap.appendChild(d);
    });
    box.appendChild(wrap);
  }

  function renderFeedback(box, question, answer) {
    var fb = el("div", "fb");
    fb.appendChild(el("span", null, cfg.feedbackTitle || ""));
    [["up", cfg.feedbackYes || "+"], ["down", cfg.feedbackNo || "-"]].forEach(function (pair) {
      var b = el("button", null, pair[1]);
      b.type = "button";
      b.setAttribute("data-rating", pair[0]);
      b.addEventListener("click", function () {
        var ids = (answer.retrieved || []).map(function (r) { return r.chunk_id || r.source; });
        fetch("/api/feedback", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ question: question, answer: answer.answer || "", rating: pair[0],
            retrieved: ids.slice(0, 100), channel: "widget" })
        }).then(function (r) {
          if (r.ok) { fb.textContent = cfg.feedbackThanks || "OK"; }
        }).catch(function () { /* feedback is best effort */ });
      });
      fb.appendChild(b);
    });
    box.appendChild(fb);
  }

  function errorText(status, payload) {
    if (payload && payload.error && payload.error.message) {
      return cfg.lang === "en" && payload.error.message_en ? payload.error.message_en : payload.error.message;
    }
    if (payload && payload.message) {
      return cfg.lang === "en" && payload.message_en ? payload.message_en : payload.message;
    }
    return status === 503 || status === 429 ? cfg.errBusy : cfg.errInternal;
  }

  /* Parse one SSE frame ("event: x\ndata: {...}") into {event, data}. */
  function parseFrame(frame) {
    var event = "message";
    var data = "";
    frame.split("\n").forEach(function (line) {
      if (line.indexOf("event:") === 0) { event = line.slice(6).trim(); }
      else if (line.indexOf("data:") === 0) { data += line.slice(5).replace(/^ /, ""); }
    });
    try { return { event: event, data: data ? JSON.parse(data) : {} }; }
    catch (e) { return { event: "error", data: {} }; }
  }

  async function ask(question) {
    busy = true;
    sendBtn.disabled = true;
    var asked = addMessage("user", question);
    var bot = addMessage("bot", cfg.thinking || "…");
    bot.box.setAttribute("aria-busy", "true");
    var streamed = "";
    var answeredInView = false;
    var final = null;
    try {
      var resp = await fetch("/api/chat/stream", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
        body: JSON.stringify({ question: question, history: history.slice(-maxTurns) })
      });
      if (!resp.ok || !resp.body) {
        var payload = null;
        try { payload = await resp.json(); } catch (e) { payload = null; }
        throw { shown: errorText(resp.status, payload) };
      }
      var reader = resp.body.getReader();
      var decoder = new TextDecoder("utf-8");
      var buf = "";
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) { break; }
        buf += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, "\n");
        var idx;
        while ((idx = buf.indexOf("\n\n")) >= 0) {
          var frame = parseFrame(buf.slice(0, idx));
          buf = buf.slice(idx + 2);
          if (frame.event === "delta" && typeof frame.data.text === "string") {
            streamed += frame.data.text;
            bot.text.textContent = streamed;
            scrollDown();
          } else if (frame.event === "answer") {
            final = frame.data;
          } else if (frame.event === "error") {
            throw { shown: errorText(frame.data.status || 500, frame.data) };
          }
        }
      }
      if (!final) { throw { shown: cfg.errInternal }; }
      var parts = splitLead(final.answer);
      bot.text.textContent = parts[0];
      bot.text.classList.add("lead");
      if (parts[1]) {
        var more = el("details", "more");
        more.appendChild(el("summary", null, cfg.showQuotes || "…"));
        more.appendChild(el("p", "rest", parts[1]));
        bot.box.appendChild(more);
      }
      if (final.refused) { bot.box.classList.add("refused"); }
      renderSources(bot.box, final);
      renderFeedback(bot.box, question, final);
      // Keep the answer in view: the question at the top of the log, the direct answer right under it.
      log.scrollTop = Math.max(0, asked.box.offsetTop - 8);
      answeredInView = true;
      history.push({ role: "user", content: question });
      history.push({ role: "assistant", content: String(final.answer || "") });
      if (history.length > maxTurns) { history = history.slice(-maxTurns); }
    } catch (err) {
      bot.box.className = "msg error";
      bot.text.textContent = (err && err.shown) ? err.shown : (cfg.errInternal || "Error");
    } finally {
      bot.box.removeAttribute("aria-busy");
      busy = false;
      sendBtn.disabled = false;
      if (!answeredInView) { scrollDown(); }
      input.focus();
    }
  }

  function submit() {
    var q = input.value.trim();
    if (!q || busy) { return; }
    input.value = "";
    ask(q);
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { requestClose(); }
  });
  closeBtn.addEventListener("click", requestClose);
  window.addEventListener("message", function (e) {
    if (e.source === window.parent && parentOrigin && e.origin === parentOrigin && e.data &&
        e.data.type === "vnps-assistant:focus") { input.focus(); }
  });
  tellParent("vnps-assistant:ready");
  input.focus();
})();
