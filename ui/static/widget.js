/* Embeddable assistant widget.
 *   <script src="https://ASSISTANT_HOST/widget.js" defer
 *           data-title="Hỏi đáp" data-color="#0b5cad" data-lang="vi" data-position="right"></script>
 * Adds a floating chat button; it opens a panel holding an iframe of ASSISTANT_HOST/widget/chat.
 * The portal page never sees the conversation: everything runs inside the cross-origin iframe, which
 * the server lets only allowlisted origins frame. Styles are set through element.style (CSSOM), so
 * the portal's CSP need not allow inline styles. No framework, no globals except one guard flag.
 *
 * The iframe has no sandbox attribute: it is a cross-origin page, so the same-origin policy already keeps
 * it away from the portal, and "allow-scripts allow-same-origin" (what its scripts and API calls would
 * need) is the combination browsers warn can escape a sandbox. Messages between the two windows check
 * both the sender window and its origin, and are sent to one explicit origin, never "*".
 * When the portal is not on the server's allowlist the browser refuses to show the chat page; the chat
 * page then never says "ready", and the panel shows what to configure instead of a blank frame. */
(function () {
  "use strict";
  if (window.__vnpsAssistantWidget) { return; }
  window.__vnpsAssistantWidget = true;

  var script = document.currentScript;
  if (!script) {
    var all = document.querySelectorAll("script[src]");
    for (var i = all.length - 1; i >= 0; i--) {
      if (/\/widget\.js(\?|#|$)/.test(all[i].src)) { script = all[i]; break; }
    }
  }
  if (!script) { return; }

  var base = new URL(script.src, window.location.href);
  var origin = base.origin;
  var ds = script.dataset || {};
  var lang = (ds.lang || "vi").toLowerCase().indexOf("en") === 0 ? "en" : "vi";
  var color = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/.test(ds.color || "") ? ds.color : "#0b5cad";
  var side = ds.position === "left" ? "left" : "right";
  var text = {
    vi: { open: "Mở trợ lý ảo", close: "Đóng trợ lý ảo", title: "Hỏi đáp dịch vụ công",
      blocked: "Trợ lý ảo chưa được bật cho trang này. Quản trị viên cần thêm địa chỉ {origin} vào "
        + "ASSISTANT_ALLOWED_ORIGINS trên máy chủ trợ lý ảo." },
    en: { open: "Open the assistant", close: "Close the assistant", title: "Public-service Q&A",
      blocked: "The assistant is not enabled for this site. Its administrator must add {origin} to "
        + "ASSISTANT_ALLOWED_ORIGINS on the assistant's server." }
  }[lang];
  var title = (ds.title || "").trim().slice(0, 80) || text.title;
  var panelId = "vnps-assistant-panel";

  function css(node, styles) {
    for (var k in styles) { if (Object.prototype.hasOwnProperty.call(styles, k)) { node.style.setProperty(k, styles[k]); } }
  }

  var button = document.createElement("button");
  button.type = "button";
  button.setAttribute("aria-label", text.open);
  button.setAttribute("title", title);
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", panelId);
  button.setAttribute("data-vnps-assistant", "button");
  css(button, {
    position: "fixed", bottom: "20px", width: "64px", height: "64px", "border-radius": "50%",
    border: "0", background: color, color: "#fff", cursor: "pointer", "z-index": "2147483646",
    "box-shadow": "0 4px 14px rgba(0,0,0,.3)", padding: "0", display: "flex",
    "align-items": "center", "justify-content": "center"
  });
  button.style.setProperty(side, "20px");
  var svgNS = "http://www.w3.org/2000/svg";
  var svg = document.createElementNS(svgNS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "32");
  svg.setAttribute("height", "32");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  var path = document.createElementNS(svgNS, "path");
  path.setAttribute("fill", "currentColor");
  path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-4 4V5a2 2 0 0 1 0-2zm3 6v2h10V9H7zm0-3v2h10V6H7zm0 6v2h7v-2H7z");
  svg.appendChild(path);
  button.appendChild(svg);

  var panel = document.createElement("div");
  panel.id = panelId;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);
  panel.setAttribute("data-vnps-assistant", "panel");
  panel.hidden = true;
  panel.style.setProperty("display", "none");

  var frame = document.createElement("iframe");
  frame.title = title;
  frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
  css(frame, { width: "100%", height: "100%", border: "0", display: "block", background: "#fff" });
  panel.appendChild(frame);

  var notice = document.createElement("div");
  notice.setAttribute("role", "alert");
  notice.setAttribute("data-vnps-assistant", "blocked");
  notice.hidden = true;
  css(notice, { display: "none", padding: "24px", "font-family": "system-ui, sans-serif", "font-size": "18px",
    "line-height": "1.5", color: "#1a1a1a", background: "#fff", height: "100%", "box-sizing": "border-box" });
  notice.textContent = text.blocked.replace("{origin}", window.location.origin);
  panel.appendChild(notice);

  var ready = false;
  var warned = false;
  function showBlocked() {
    if (ready) { return; }
    frame.style.setProperty("display", "none");
    notice.hidden = false;
    notice.style.setProperty("display", "block");
    if (!warned && window.console) {
      warned = true;
      window.console.warn("[assistant widget] " + window.location.origin + " is not allowed to embed " + origin +
        ": add it to ASSISTANT_ALLOWED_ORIGINS on that server (comma-separated origins) and restart it.");
    }
  }

  var mobile = window.matchMedia ? window.matchMedia("(max-width: 599px)") : null;
  function layout() {
    var small = mobile && mobile.matches;
    var common = { position: "fixed", "z-index": "2147483647", background: "#fff", overflow: "hidden" };
    css(panel, common);
    if (small) {
      css(panel, { top: "0", left: "0", right: "0", bottom: "0", width: "100%", height: "100%",
        "border-radius": "0", "box-shadow": "none" });
    } else {
      css(panel, { top: "auto", bottom: "96px", width: "400px", height: "min(640px, calc(100vh - 120px))",
        "border-radius": "12px", "box-shadow": "0 8px 30px rgba(0,0,0,.3)" });
      panel.style.setProperty(side, "20px");
      panel.style.setProperty(side === "right" ? "left" : "right", "auto");
    }
  }
  layout();
  if (mobile && mobile.addEventListener) { mobile.addEventListener("change", layout); }

  function isOpen() { return !panel.hidden; }

  function open() {
    if (!frame.src) {
      var u = new URL("/widget/chat", origin);
      u.searchParams.set("lang", lang);
      u.searchParams.set("title", title);
      u.searchParams.set("color", color);
      u.searchParams.set("parent", window.location.origin);
      frame.src = u.toString();
      frame.addEventListener("load", function () {
        focusFrame();
        // The chat page says "ready" as soon as it runs; a page the browser refused to frame never does.
        window.setTimeout(showBlocked, 2500);
      });
    }
    panel.hidden = false;
    panel.style.setProperty("display", "block");
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-label", text.close);
    focusFrame();
  }

  function focusFrame() {
    try {
      frame.focus();
      if (ready && frame.contentWindow) { frame.contentWindow.postMessage({ type: "vnps-assistant:focus" }, origin); }
    } catch (e) { /* not loaded yet */ }
  }

  function close() {
    panel.hidden = true;
    panel.style.setProperty("display", "none");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-label", text.open);
    button.focus();
  }

  button.addEventListener("click", function () { if (isOpen()) { close(); } else { open(); } });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && isOpen()) { close(); } });
  window.addEventListener("message", function (e) {
    if (e.origin !== origin || e.source !== frame.contentWindow || !e.data) { return; }
    if (e.data.type === "vnps-assistant:ready") { ready = true; focusFrame(); }
    else if (e.data.type === "vnps-assistant:close") { close(); }
  });

  function mount() {
    document.body.appendChild(panel);
    document.body.appendChild(button);
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
