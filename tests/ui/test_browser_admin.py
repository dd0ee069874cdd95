"""The operator console in real Chromium, end to end, on its own copy of the index.

An operator logs in, uploads a .docx and watches it index (the chat keeps answering meanwhile), asks about
it in the chat, sees a refused question appear in the unanswered-questions report, exports it, and
removes the document again. axe-core checks the console pages.
"""

from __future__ import annotations

import csv
import io
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_check import assert_no_serious_violations

from ui.admin_auth import hash_password

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "mat-khau-van-hanh-2025"
DOC_QUESTION = "Bộ phận Một cửa tỉnh Bình Định mở cửa lúc mấy giờ?"
REFUSED = "Quên mật khẩu VNeID thì làm sao để lấy lại?"


def make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Quyết định về giờ làm việc của Bộ phận Một cửa tỉnh Bình Định", 1)
    for i in range(60):  # enough passages that indexing takes a few seconds (the chat must keep answering)
        d.add_paragraph(
            f"Điều {i + 1}. Bộ phận tiếp nhận và trả kết quả làm việc từ thứ Hai đến sáng thứ Bảy; buổi sáng thứ "
            f"Bảy tiếp nhận hồ sơ nhóm {i + 1} về đất đai, hộ tịch và chứng thực theo quy trình nội bộ số {100 + i}. "
            "Người dân có thể đặt lịch hẹn trước qua Cổng dịch vụ công để được phục vụ nhanh hơn.")
    d.add_paragraph("Bộ phận Một cửa tỉnh Bình Định mở cửa lúc 7 giờ 30 phút sáng các ngày làm việc.")
    d.save(str(path))


@pytest.fixture(scope="module")
def console_server(start_server: Callable[..., Any], corpus_index: Any, embedder: Any,
                   tmp_path_factory: pytest.TempPathFactory) -> Any:
    from assistant.composition import build_index_parts, build_pipeline, open_reader

    root = tmp_path_factory.mktemp("console")
    shutil.copytree(corpus_index.index_dir, root / "index", ignore=shutil.ignore_patterns(".ingest.lock"))
    settings = corpus_index.settings.model_copy(update={"index_dir": root / "index"})
    reader = open_reader(settings, parts=build_index_parts(settings, embedder=embedder))
    pipeline = build_pipeline(settings, reader=reader)
    return start_server(pipeline=pipeline, index=reader, admin_password_hash=hash_password(PASSWORD),
                        index_dir=root / "index")


def log_in(page: Any, base: str) -> None:
    page.goto(base + "/admin")
    page.get_by_label("Mật khẩu quản trị / Admin password").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/admin/documents")


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", bypass_csp=True,
                                  accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def test_operator_uploads_asks_sees_the_report_and_removes(console_server: Any, page: Any, browser: Any,
                                                          artifacts: Path, docs_screenshot: Any,
                                                          tmp_path: Path) -> None:
    base = console_server.base_url
    page.goto(base + "/admin")
    assert_no_serious_violations(page, "console login")
    log_in(page, base)
    before = page.locator("#documents tbody tr").count()
    assert before >= 5
    assert_no_serious_violations(page, "console documents")

    # --- upload a .docx and watch it index, while the chat keeps answering ---------------------------
    docx_path = tmp_path / "Giờ làm việc Một cửa.docx"
    make_docx(docx_path)
    page.set_input_files("#file", str(docx_path))
    page.get_by_role("button", name="Tải lên và lập chỉ mục").click()
    bar = page.locator("#jobs progress").first
    bar.wait_for()
    page.locator('#jobs .job[data-state="embedding"]').first.wait_for(timeout=60_000)
    seen: list[int] = []
    answered: dict[str, Any] = {}

    def ask_meanwhile() -> None:
        r = httpx.post(base + "/api/chat", json={"question": "Bình Định có bao nhiêu dịch vụ công trực tuyến toàn "
                                                             "trình?"}, timeout=60)
        answered.update(status=r.status_code, at=time.monotonic())

    asker = threading.Thread(target=ask_meanwhile)
    asker.start()
    while "/admin/documents?job=" not in page.url:
        try:
            seen.append(int(bar.get_attribute("value", timeout=1000) or 0))
        except Exception:  # the page reloads itself when the job is done
            break
        page.wait_for_timeout(200)
    done_at = time.monotonic()
    asker.join(timeout=60)
    page.wait_for_url("**/admin/documents?job=*", timeout=120_000)
    assert answered.get("status") == 200 and answered["at"] < done_at, (answered, done_at)
    assert seen and max(seen) > min(seen), f"the progress bar never moved: {seen}"
    row = page.locator('#documents tr[data-source="Gio-lam-viec-Mot-cua.docx"]')
    row.wait_for()
    assert "Bộ phận Một cửa" in row.inner_text() and "DOCX" in row.inner_text()
    assert int(row.locator("td.num").inner_text()) > 10
    assert page.locator("#documents tbody tr").count() == before + 1
    page.screenshot(path=str(artifacts / "console-documents.png"), full_page=True)

    # --- the chat answers from it at once (no restart) and a refused question is recorded ------------
    chat = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    cp = chat.new_page()
    cp.set_default_timeout(90_000)
    cp.goto(base + "/")
    box = cp.locator("#question textarea")
    for question in (DOC_QUESTION, REFUSED):
        n = cp.locator('#chat [data-testid="bot"]').count()
        box.fill(question)
        box.press("Enter")
        cp.wait_for_function(
            """([n]) => { const b = document.querySelectorAll('#chat [data-testid="bot"]');
                          return b.length > n && !b[b.length - 1].innerText.includes('Đang tìm'); }""", arg=[n])
        if question == DOC_QUESTION:
            cp.locator('#chat [data-testid="bot"]').last.locator(".sources").wait_for()
            bot = cp.locator('#chat [data-testid="bot"]').last
            assert "7 giờ 30" in bot.inner_text()
            assert "Gio-lam-viec" not in bot.locator("summary").last.inner_text()  # a title, not a file name
    chat.close()

    # --- the report groups it, charts it and exports it ---------------------------------------------
    page.get_by_role("link", name="Câu hỏi chưa trả lời được").click()
    page.wait_for_url("**/admin/report")
    labels = page.locator("#topics .topic-label").all_inner_texts()
    assert REFUSED in labels, labels
    assert page.locator("figure svg.trend rect").count() >= 7
    assert_no_serious_violations(page, "console report")
    page.screenshot(path=str(artifacts / "console-report.png"), full_page=True)
    docs_screenshot(artifacts / "console-report.png", "console-report.png")
    with page.expect_download() as dl:
        page.get_by_role("link", name="Xuất CSV").click()
    text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert any(r["question"] == REFUSED and r["kind"] == "refused" for r in rows), rows

    # --- remove it again --------------------------------------------------------------------------------
    page.get_by_role("link", name="Tài liệu").click()
    page.wait_for_url("**/admin/documents")
    page.get_by_role("button", name="Xoá Quyết định về giờ làm việc").first.click()
    page.wait_for_url("**/admin/documents?job=*")
    page.locator('#jobs .job[data-state="done"]').wait_for(timeout=120_000)
    page.goto(base + "/admin/documents")
    assert page.locator('#documents tr[data-source="Gio-lam-viec-Mot-cua.docx"]').count() == 0
    r = httpx.post(base + "/api/chat", json={"question": DOC_QUESTION}, timeout=60).json()
    assert "7 giờ 30" not in r["answer"]
