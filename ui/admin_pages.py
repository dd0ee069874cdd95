"""HTML of the operator console (server-rendered, no framework, no inline script or style).

Every value that came from a document, a citizen or an upload is escaped here (``esc``); the pages load
one stylesheet and one script from ``/admin-assets/`` so the console's CSP can forbid inline code.
Vietnamese first (the operators are provincial officials), with the English word where it helps.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import urlencode

from ui.admin_documents import ALLOWED_SUFFIXES, DocumentRow, IngestJob
from ui.feedback import FeedbackFilter, FeedbackRecord
from ui.unanswered import UnansweredReport, kind_counts, trend_svg


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


_NAV = (("documents", "/admin/documents", "Tài liệu"), ("feedback", "/admin/feedback", "Góp ý"),
        ("report", "/admin/report", "Câu hỏi chưa trả lời được"))


def page(title: str, body: str, *, active: str = "", csrf: str = "", refresh_s: int = 0) -> str:
    nav = ""
    if csrf:
        links = "".join(f'<a href="{href}"{" aria-current=page" if key == active else ""}>{esc(label)}</a>'
                        for key, href, label in _NAV)
        nav = (f'<nav class="top" aria-label="Điều hướng">{links}'
               f'<form method="post" action="/admin/logout" class="logout">{csrf_field(csrf)}'
               '<button type="submit">Đăng xuất</button></form></nav>')
    refresh = f'<meta http-equiv="refresh" content="{refresh_s}">' if refresh_s else ""
    return ("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta name=\"robots\" content=\"noindex\">{refresh}<title>{esc(title)} — Quản trị trợ lý ảo</title>"
            "<link rel=\"stylesheet\" href=\"/admin-assets/admin.css\">"
            "<script src=\"/admin-assets/admin.js\" defer></script></head><body>"
            f"<header class=\"brand\"><p>Quản trị trợ lý ảo dịch vụ công</p>{nav}</header>"
            f"<main id=\"main\"><h1>{esc(title)}</h1>{body}</main></body></html>")


def csrf_field(token: str) -> str:
    return f'<input type="hidden" name="csrf" value="{esc(token)}">'


def login_page(login_csrf: str, message: str = "") -> str:
    msg = f'<p class="error" role="alert">{esc(message)}</p>' if message else ""
    body = (f"{msg}<form method=\"post\" action=\"/admin/login\" class=\"card login\">{csrf_field(login_csrf)}"
            "<label for=\"password\">Mật khẩu quản trị / Admin password</label>"
            "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" "
            "required autofocus><button type=\"submit\" class=\"primary\">Đăng nhập</button></form>")
    return page("Đăng nhập", body)


def disabled_page() -> str:
    body = ("<p>Bảng điều khiển đang tắt. Để bật: chạy <code>assistant admin-hash</code>, rồi đặt giá trị in ra vào "
            "biến môi trường <code>ASSISTANT_ADMIN_PASSWORD_HASH</code> và khởi động lại máy chủ.</p>"
            "<p lang=\"en\">The console is disabled: set <code>ASSISTANT_ADMIN_PASSWORD_HASH</code> "
            "(printed by <code>assistant admin-hash</code>).</p>")
    return page("Bảng điều khiển đang tắt", body)


def _job_html(job: IngestJob) -> str:
    states = {"queued": "Đang chờ", "reading": "Đang đọc tệp", "embedding": "Đang lập chỉ mục",
              "done": "Xong", "failed": "Lỗi"}
    verb = "Thêm" if job.action == "upload" else "Xoá"
    label = f"{verb} {job.source}: {states.get(job.state, job.state)}"
    msg = f'<p class="job-msg">{esc(job.message)}</p>' if job.message else ""
    return (f'<div class="job" data-job="{esc(job.id)}" data-state="{esc(job.state)}">'
            f'<p class="job-label" id="job-{esc(job.id)}">{esc(label)}</p>'
            f'<progress max="100" value="{job.percent}" aria-labelledby="job-{esc(job.id)}">{job.percent}%</progress>'
            f"{msg}</div>")


def documents_page(rows: Sequence[DocumentRow], jobs: Sequence[IngestJob], csrf: str, max_mb: int,
                   error: str = "") -> str:
    running = any(j.state not in ("done", "failed") for j in jobs)
    err = f'<p class="error" role="alert">{esc(error)}</p>' if error else ""
    accept = ",".join(ALLOWED_SUFFIXES)
    upload = (f'<form method="post" action="/admin/documents/upload" enctype="multipart/form-data" '
              f'class="card upload" id="upload-form">{csrf_field(csrf)}'
              f'<label for="file">Thêm tài liệu ({esc(", ".join(ALLOWED_SUFFIXES))}; tối đa {max_mb} MB)</label>'
              f'<input id="file" name="file" type="file" accept="{esc(accept)}" required>'
              '<button type="submit" class="primary">Tải lên và lập chỉ mục</button></form>')
    job_list = "".join(_job_html(j) for j in jobs)
    jobs_html = f'<section aria-label="Tiến trình" id="jobs" aria-live="polite">{job_list}</section>'
    head = ("<tr><th scope=col>Tiêu đề</th><th scope=col>Loại</th><th scope=col>Địa phương</th>"
            "<th scope=col>Ngày</th><th scope=col>Số đoạn</th><th scope=col>Lập chỉ mục lúc (UTC)</th>"
            "<th scope=col><span class=visually-hidden>Thao tác</span></th></tr>")
    body_rows = []
    for r in rows:
        action = ""
        if r.removable:
            action = (f'<form method="post" action="/admin/documents/remove" class="inline">{csrf_field(csrf)}'
                      f'<input type="hidden" name="source" value="{esc(r.source)}">'
                      f'<button type="submit" class="danger" aria-label="Xoá {esc(r.title)}">Xoá</button></form>')
        body_rows.append(f'<tr data-source="{esc(r.source)}"><td><span class="doc-title">{esc(r.title)}</span>'
                         f'<br><small>{esc(r.source)}</small></td><td>{esc(r.kind)}</td><td>{esc(r.place)}</td>'
                         f"<td>{esc(r.date)}</td><td class=num>{r.passages}</td><td>{esc(r.ingested)}</td>"
                         f"<td>{action}</td></tr>")
    table = (f'<div class="table-wrap"><table id="documents"><caption>{len(rows)} tài liệu trong chỉ mục</caption>'
             f"<thead>{head}</thead><tbody>{''.join(body_rows)}</tbody></table></div>")
    return page("Tài liệu", err + upload + jobs_html + table, active="documents", csrf=csrf,
                refresh_s=2 if running else 0)


def _options(name: str, current: str, choices: Sequence[tuple[str, str]]) -> str:
    opts = "".join(f'<option value="{esc(v)}"{" selected" if v == current else ""}>{esc(label)}</option>'
                   for v, label in choices)
    return f'<select id="{name}" name="{name}">{opts}</select>'


def feedback_page(records: Sequence[FeedbackRecord], f: FeedbackFilter, csrf: str) -> str:
    query = urlencode({"rating": f.rating, "channel": f.channel, "q": f.text, "since": f.since})
    filters = ('<form method="get" action="/admin/feedback" class="card filters">'
               '<label for="rating">Đánh giá</label>'
               + _options("rating", f.rating, [("", "Tất cả"), ("up", "👍 Hữu ích"), ("down", "👎 Chưa hữu ích")])
               + '<label for="channel">Kênh</label>'
               + _options("channel", f.channel, [("", "Tất cả"), ("ui", "Trang web"), ("widget", "Widget"),
                                                 ("api", "API")])
               + f'<label for="q">Có chứa</label><input id="q" name="q" value="{esc(f.text)}">'
               f'<label for="since">Từ ngày</label><input id="since" name="since" type="date" value="{esc(f.since)}">'
               '<button type="submit" class="primary">Lọc</button>'
               f'<a class="button" href="/admin/feedback.csv?{esc(query)}" download>Xuất CSV</a></form>')
    items = []
    for r in records:
        icon = "👍" if r.rating == "up" else "👎"
        word = "Hữu ích" if r.rating == "up" else "Chưa hữu ích"
        sources = "".join(f"<li>{esc(s)}</li>" for s in r.sources) or "<li>—</li>"
        comment = f'<p class="comment"><strong>Góp ý:</strong> {esc(r.comment)}</p>' if r.comment else ""
        items.append(f'<article class="card fb fb-{esc(r.rating)}"><p class="fb-head">'
                     f'<span aria-hidden="true">{icon}</span> {word} · {esc(r.channel)} · {esc(r.timestamp)}</p>'
                     f'<p class="q"><strong>Câu hỏi:</strong> {esc(r.question)}</p>{comment}'
                     f'<details><summary>Câu trả lời và nguồn</summary><p class="a">{esc(r.answer)}</p>'
                     f"<ul>{sources}</ul></details></article>")
    count = f'<p class="count">{len(records)} góp ý</p>'
    return page("Góp ý của người dùng", filters + count + "".join(items), active="feedback", csrf=csrf)


def report_page(report: UnansweredReport, days: int, csrf: str) -> str:
    kinds = kind_counts(report)
    unit = "ngày" if report.bucket_days == 1 else "tuần"
    chart = trend_svg(report.totals, report.buckets,
                      title=f"Số câu hỏi chưa trả lời được theo {unit}, {days} ngày gần nhất")
    controls = ('<form method="get" action="/admin/report" class="card filters">'
                '<label for="days">Khoảng thời gian</label>'
                + _options("days", str(days), [("7", "7 ngày"), ("30", "30 ngày"), ("90", "90 ngày"),
                                                ("365", "365 ngày")])
                + '<button type="submit" class="primary">Xem</button>'
                f'<a class="button" href="/admin/report.csv?days={days}" download>Xuất CSV</a></form>')
    summary = (f'<p class="count">{kinds.get("refused", 0)} câu bị từ chối, {kinds.get("thumbs_down", 0)} câu bị '
               f"đánh giá chưa hữu ích, {len(report.groups)} chủ đề.</p>")
    rows = []
    for n, g in enumerate(report.groups, 1):
        spark = trend_svg(g.trend, report.buckets, width=240, height=60, title=f"Xu hướng chủ đề {n}")
        examples = "".join(f"<li>{esc(it.question)} <small>({esc(it.kind)}, {esc(it.timestamp[:10])})</small></li>"
                           for it in g.items[:20])
        rows.append(f'<tr class="topic"><td class=num>{n}</td><td><details><summary class="topic-label">'
                    f'{esc(g.label)}</summary><ul>{examples}</ul></details></td>'
                    f'<td class="num topic-count">{g.count}</td><td class="spark">{spark}</td></tr>')
    table = ('<div class="table-wrap"><table id="topics"><caption>Chủ đề (nhóm theo nghĩa), nhiều nhất trước'
             "</caption><thead><tr><th scope=col>#</th><th scope=col>Câu hỏi tiêu biểu</th>"
             f"<th scope=col>Số lần</th><th scope=col>Xu hướng</th></tr></thead><tbody>{''.join(rows)}"
             "</tbody></table></div>")
    intro = ("<p>Các câu hỏi trợ lý không trả lời được (tài liệu chưa có thông tin) hoặc người dùng đánh giá "
             "chưa hữu ích, nhóm theo chủ đề: gợi ý những thông tin tỉnh nên công bố tiếp.</p>")
    return page("Câu hỏi chưa trả lời được", intro + controls + summary + f'<figure class="card">{chart}'
                f"<figcaption>Tổng số theo {unit}</figcaption></figure>" + table, active="report", csrf=csrf)
