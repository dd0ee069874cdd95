"""User-facing strings of the web UI, the widget and the HTTP errors, in Vietnamese and English.

Vietnamese is the default everywhere: most users are Vietnamese citizens and officials. Keeping every
string here (instead of inline) lets the UI switch language without touching layout code, and lets the
HTTP errors carry both languages at once (``message`` in Vietnamese, ``message_en`` in English).
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")
DEFAULT_LANG: Lang = "vi"

STRINGS: dict[str, dict[Lang, str]] = {
    # --- web UI ----------------------------------------------------------------------------------
    "app_title": {"vi": "Trợ lý ảo dịch vụ công", "en": "Public-service virtual assistant"},
    "app_subtitle": {
        "vi": "Hỏi về VNeID, dịch vụ công trực tuyến, Đề án 06 và chuyển đổi số. "
              "Mỗi câu trả lời đều trích dẫn đúng đoạn văn bản gốc.",
        "en": "Ask about VNeID, online public services, Project 06 and digital transformation. "
              "Every answer quotes the exact source passage.",
    },
    "language": {"vi": "Ngôn ngữ / Language", "en": "Language / Ngôn ngữ"},
    "chat_label": {"vi": "Hội thoại", "en": "Conversation"},
    "question_label": {"vi": "Câu hỏi của bạn", "en": "Your question"},
    "question_placeholder": {
        "vi": "Nhập câu hỏi (gõ không dấu cũng được)",
        "en": "Type a question and press Enter…",
    },
    "send": {"vi": "Gửi", "en": "Send"},
    "clear": {"vi": "Cuộc trò chuyện mới", "en": "New conversation"},
    "examples_citizen": {"vi": "Câu hỏi mẫu cho người dân", "en": "Examples for citizens"},
    "examples_official": {"vi": "Câu hỏi mẫu cho cán bộ", "en": "Examples for officials"},
    "sources": {"vi": "Nguồn trích dẫn", "en": "Sources"},
    "show_context": {"vi": "Xem đoạn văn đầy đủ", "en": "Show the surrounding paragraph"},
    "show_quotes": {"vi": "Xem trích dẫn nguyên văn", "en": "Show the verbatim quotes"},
    "document": {"vi": "Tài liệu", "en": "Document"},
    "examples": {"vi": "Câu hỏi mẫu", "en": "Example questions"},
    "widget_blocked": {
        "vi": "Trợ lý ảo chưa được bật cho trang này. Quản trị viên cần thêm địa chỉ trang vào "
              "ASSISTANT_ALLOWED_ORIGINS.",
        "en": "The assistant is not enabled for this site. Its administrator must add this site's origin to "
              "ASSISTANT_ALLOWED_ORIGINS.",
    },
    "no_sources": {"vi": "Không có nguồn phù hợp.", "en": "No matching source."},
    "chars": {"vi": "ký tự", "en": "characters"},
    "feedback_title": {"vi": "Câu trả lời có hữu ích không?", "en": "Was the answer helpful?"},
    "feedback_comment": {"vi": "Góp ý thêm (không bắt buộc)", "en": "Comment (optional)"},
    "feedback_send": {"vi": "Gửi góp ý", "en": "Send comment"},
    "feedback_yes": {"vi": "Có", "en": "Yes"},
    "feedback_no": {"vi": "Không", "en": "No"},
    "feedback_thanks": {"vi": "Cảm ơn bạn đã góp ý!", "en": "Thank you for your feedback!"},
    "feedback_nothing": {"vi": "Chưa có câu trả lời để góp ý.", "en": "There is no answer to rate yet."},
    "thinking": {"vi": "Đang tìm trong tài liệu…", "en": "Searching the documents…"},
    "refused_note": {
        "vi": "Tài liệu hiện có không chứa câu trả lời cho câu hỏi này.",
        "en": "The documents do not contain an answer to this question.",
    },
    # --- widget ----------------------------------------------------------------------------------
    "widget_title": {"vi": "Hỏi đáp dịch vụ công", "en": "Public-service Q&A"},
    "widget_open": {"vi": "Mở trợ lý ảo", "en": "Open the assistant"},
    "widget_close": {"vi": "Đóng", "en": "Close"},
    "widget_welcome": {
        "vi": "Xin chào! Bạn cần hỏi gì về dịch vụ công, VNeID, Đề án 06?",
        "en": "Hello! What would you like to know about public services, VNeID or Project 06?",
    },
    # --- HTTP errors -----------------------------------------------------------------------------
    "err_empty": {"vi": "Câu hỏi đang trống. Vui lòng nhập câu hỏi.", "en": "The question is empty."},
    "err_too_long": {
        "vi": "Câu hỏi quá dài (tối đa {limit} ký tự). Vui lòng rút gọn.",
        "en": "The question is too long (at most {limit} characters).",
    },
    "err_history": {
        "vi": "Lịch sử hội thoại không hợp lệ: {detail}",
        "en": "The conversation history is malformed: {detail}",
    },
    "err_validation": {"vi": "Yêu cầu không hợp lệ: {detail}", "en": "Invalid request: {detail}"},
    "err_rate_limited": {
        "vi": "Bạn gửi quá nhiều câu hỏi. Vui lòng thử lại sau {seconds} giây.",
        "en": "Too many requests. Please try again in {seconds} seconds.",
    },
    "err_busy": {
        "vi": "Hệ thống đang bận, vui lòng thử lại sau ít phút.",
        "en": "The service is busy; please try again shortly.",
    },
    "err_internal": {
        "vi": "Đã xảy ra lỗi nội bộ. Vui lòng thử lại sau.",
        "en": "Internal error. Please try again later.",
    },
    "err_not_found": {"vi": "Không tìm thấy trang.", "en": "Not found."},
    "err_method": {"vi": "Phương thức không được hỗ trợ.", "en": "Method not allowed."},
    "err_index_missing": {
        "vi": "Chưa có chỉ mục tài liệu. Hãy chạy `assistant ingest`.",
        "en": "No document index is loaded. Run `assistant ingest`.",
    },
}


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The string ``key`` in ``lang`` (unknown languages fall back to Vietnamese), formatted with ``fmt``."""
    entry = STRINGS[key]
    text = entry.get(lang if lang in LANGS else DEFAULT_LANG, entry[DEFAULT_LANG])  # type: ignore[call-overload]
    return text.format(**fmt) if fmt else text


def both(key: str, **fmt: object) -> tuple[str, str]:
    """(Vietnamese, English) for HTTP error bodies, which carry both."""
    return t(key, "vi", **fmt), t(key, "en", **fmt)


def normalize_lang(value: str | None) -> Lang:
    """Map anything a user or a ``data-lang`` attribute may send to a supported language."""
    v = (value or "").strip().lower()
    return "en" if v.startswith("en") else "vi"
