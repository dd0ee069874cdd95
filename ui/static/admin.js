/* Operator console: upload with a live ingest progress bar (the page works without this script too:
 * the form posts, and the documents page refreshes itself while a job runs). */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var jobs = document.getElementById("jobs");
  if (!form || !jobs) { return; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  var STATES = { queued: "Đang chờ", reading: "Đang đọc tệp", embedding: "Đang lập chỉ mục", done: "Xong",
    failed: "Lỗi" };

  function box(name) {
    var b = el("div", "job");
    var id = "job-live-" + Date.now();
    var label = el("p", "job-label", "Thêm " + name + ": đang tải lên");
    label.id = id;
    var bar = el("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-labelledby", id);
    var msg = el("p", "job-msg");
    b.appendChild(label); b.appendChild(bar); b.appendChild(msg);
    jobs.insertBefore(b, jobs.firstChild);
    return { root: b, label: label, bar: bar, msg: msg, name: name };
  }

  function poll(id, ui) {
    fetch("/admin/jobs/" + encodeURIComponent(id), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        ui.root.setAttribute("data-state", j.state);
        ui.root.setAttribute("data-job", j.id);
        ui.bar.value = j.percent;
        ui.label.textContent = "Thêm " + ui.name + ": " + (STATES[j.state] || j.state) + " (" + j.percent + "%)";
        ui.msg.textContent = j.message || "";
        if (j.state === "done") {
          window.setTimeout(function () { window.location.assign("/admin/documents?job=" + encodeURIComponent(id)); }, 400);
        } else if (j.state !== "failed") {
          window.setTimeout(function () { poll(id, ui); }, 500);
        }
      })
      .catch(function () { window.setTimeout(function () { poll(id, ui); }, 1500); });
  }

  form.addEventListener("submit", function (e) {
    var input = form.querySelector("input[type=file]");
    if (!input || !input.files || !input.files.length) { return; }
    e.preventDefault();
    var csrf = form.querySelector("input[name=csrf]").value;
    var ui = box(input.files[0].name);
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": csrf } })
      .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, d: d }; }); })
      .then(function (res) {
        if (!res.ok) {
          ui.root.setAttribute("data-state", "failed");
          ui.label.textContent = "Thêm " + ui.name + ": Lỗi";
          ui.msg.textContent = (res.d && res.d.error && res.d.error.message) || "";
          return;
        }
        form.reset();
        poll(res.d.job, ui);
      })
      .catch(function () { ui.msg.textContent = "Không gửi được tệp. / Upload failed."; });
  });
})();
