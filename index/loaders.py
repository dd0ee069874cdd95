"""Turn files (txt/md/html/docx/pdf) into normalised ``Document`` objects.

Why this is careful about bytes: Vietnamese documents arrive as UTF-8, UTF-8
with BOM, UTF-16 (Windows "Unicode" exports, often without BOM) and the legacy
Windows codepage cp1258 (which writes tones as combining marks).  Guessing
wrong silently produces mojibake that can never be cited, so decoding is strict
and anything we cannot read with confidence is refused with an
``UnusableDocument`` message that names the file and says what to do.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from index.errors import UnusableDocument
from index.gazetteer import Gazetteer
from index.metadata import extract_meta, parse_date
from index.normalize import normalize_text
from index.types import Document
from index.utf8 import find_unencodable

__all__ = [
    "SUPPORTED_SUFFIXES",
    "MAX_BYTES",
    "iter_sources",
    "load_document",
    "decode_bytes",
    "html_to_text",
]

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}
MAX_BYTES = 20 * 1024 * 1024  # larger "text" files are almost always dumps/logs, not documents
_TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm"}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"%PDF-", "a PDF (rename it to .pdf)"),
    (b"PK\x03\x04", "a ZIP/Office file (save Word documents as .docx)"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office file (.doc/.xls; save it as .docx or .txt)"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7z archive"),
    (b"Rar!", "a RAR archive"),
)


# ---------------------------------------------------------------------------
# Finding files
# ---------------------------------------------------------------------------


_OS_JUNK = {"thumbs.db", "desktop.ini", "ehthumbs.db"}
_FOLDER_NOTES = {"readme.md", "readme.txt", "readme"}


def _is_ignored(rel: Path) -> bool:
    """Hidden paths, OS junk and editor/Office lock or backup files are not documents."""
    name = rel.name
    return (
        any(part.startswith(".") for part in rel.parts)
        or name.lower() in _OS_JUNK
        or name.startswith("~$")
        or name.endswith("~")
        or name.lower().endswith(".json")  # metadata sidecars (``<file>.json``)
        # a folder's README describes the folder (where its files come from), it is not one of them
        or (len(rel.parts) == 1 and name.lower() in _FOLDER_NOTES)
    )


def iter_sources(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """Expand files/folders into ``(file, source)`` pairs, sorted within each folder.

    ``source`` is the path relative to the folder argument (or the file name for a
    file argument), with POSIX separators: it is the stable key citations use.
    Hidden files, OS junk, ``*.json`` sidecars and the folder's own README are skipped.  Files with an
    unsupported suffix are *returned*, so that ingest reports them through
    ``load_document``'s clear error instead of dropping them silently.
    """
    out: list[tuple[Path, str]] = []
    seen: set[Path] = set()

    def add(file: Path, source: str) -> None:
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            out.append((file, source))

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for file in sorted(path.rglob("*"), key=lambda p: p.relative_to(path).as_posix()):
                rel = file.relative_to(path)
                if file.is_file() and not _is_ignored(rel):
                    add(file, rel.as_posix())
        elif path.is_file():
            add(path, path.name)
        else:
            raise UnusableDocument(f"{path}: no such file or folder")
    return out


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------

_VIET_MARKERS = set("ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323")
_MOJIBAKE = re.compile(r"Ã[\x80-\xbf¡-¿]|á»|áº|Ä‘|Æ°|Æ¡")


def _utf16_by_nuls(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' if the NUL pattern says so (BOM-less UTF-16), else None."""
    sample = data[:8192]
    if len(sample) < 4:
        return None
    even = sample[0::2]
    odd = sample[1::2]
    even_nul = even.count(0) / len(even)
    odd_nul = odd.count(0) / len(odd)
    if odd_nul > 0.2 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.2 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _plausible_text(text: str) -> bool:
    """Mostly letters/digits/punctuation/space; no C1 controls or symbol soup."""
    if not text:
        return False
    bad = 0
    for ch in text[:20000]:
        cat = unicodedata.category(ch)
        if ch in "\n\t\r":
            continue
        if cat in ("Cc", "Co", "Cn", "Cs") or (cat in ("So", "Sk", "Sm") and ord(ch) < 0x2000):
            bad += 1
    return bad / min(len(text), 20000) < 0.02


def decode_bytes(data: bytes, name: str) -> str:
    """Decode text bytes (UTF-8/UTF-8-BOM/UTF-16 LE/BE with or without BOM/cp1258).

    Raises ``UnusableDocument`` for binary data or bytes no candidate decodes plausibly.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnusableDocument(
                f"{name}: starts with a UTF-8 BOM but has invalid UTF-8 at byte {exc.start + 3}; "
                "re-save it as UTF-8"
            ) from exc
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom) and not data.startswith(b"\xff\xfe\x00\x00"):
            try:
                return data[2:].decode(codec)
            except UnicodeDecodeError as exc:
                raise UnusableDocument(
                    f"{name}: has a UTF-16 byte-order mark but is not valid UTF-16; re-save it as UTF-8"
                ) from exc
    if b"\x00" in data:
        codec16 = _utf16_by_nuls(data)
        if codec16:
            try:
                text = data.decode(codec16)
            except UnicodeDecodeError:
                text = ""
            if text and _plausible_text(text):
                return text
        nuls = data.count(0)
        if nuls <= max(1, len(data) // 1000) and not any(data.startswith(m) for m, _ in _MAGIC):
            # a few stray NULs in an otherwise valid UTF-8 text (bad export): keep the text
            try:
                text = data.replace(b"\x00", b"").decode("utf-8")
            except UnicodeDecodeError:
                text = ""
            if text and _plausible_text(text):
                log.warning("%s: removed %d stray NUL byte(s)", name, nuls)
                return text
        raise UnusableDocument(f"{name}: looks like a binary file (contains NUL bytes), not text")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnusableDocument(f"{name}: is {what}, not a text document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError:
            text = ""
        if text and _plausible_text(text) and not _MOJIBAKE.search(text):
            # Without Vietnamese letters the bytes decode identically as Windows-1252
            # (English/French text with smart quotes), which is just as usable.
            has_viet = any(ch in _VIET_MARKERS for ch in text[:50000])
            log.info(
                "%s: decoded as %s", name, "cp1258 (legacy Vietnamese Windows)" if has_viet else "cp1252"
            )
            return text
        raise UnusableDocument(
            f"{name}: is not valid UTF-8 (bad byte at offset {utf8_error.start}) and not a recognisable "
            "UTF-16/cp1258 Vietnamese text; re-save it as UTF-8"
        ) from utf8_error


# ---------------------------------------------------------------------------
# Format-specific extraction
# ---------------------------------------------------------------------------

_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe",
    "svg", "canvas", "button", "select", "input", "textarea", "object", "embed", "audio", "video", "map",
)  # fmt: skip
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
_DROP_CLASS = re.compile(
    r"(?:^|[-_\s])(?:breadcrumbs?|menu|navbar|sidebar|share|social|related|advert|ads|cookie|comments?|"
    r"pagination|toolbar|font-?size|rating)(?:$|[-_\s])",
    re.IGNORECASE,
)
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "table", "tr", "blockquote", "pre", "figure", "figcaption", "dd", "dt", "dl", "hr", "address",
    "caption", "details", "summary",
}  # fmt: skip


def _clean_lines(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip()


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """Article text of an HTML page (paragraphs kept as lines) and page metadata.

    Navigation, headers/footers, scripts, forms and comments are dropped; the
    <article>/<main> element is preferred when present.
    """
    from bs4 import BeautifulSoup, Comment, NavigableString, Tag

    soup = BeautifulSoup(html, "html.parser")
    meta: dict[str, str] = {}
    meta_attrs: tuple[tuple[str, dict[str, Any]], ...] = (
        ("title", {"property": "og:title"}),
        ("published", {"property": "article:published_time"}),
        ("published", {"itemprop": "datePublished"}),
        ("published", {"name": "pubdate"}),
        ("url", {"property": "og:url"}),
        ("outlet", {"name": "author"}),
        ("outlet", {"property": "og:site_name"}),
    )
    for key, attrs in meta_attrs:
        tag = soup.find("meta", attrs=attrs)
        if isinstance(tag, Tag) and tag.get("content") and key not in meta:
            meta[key] = str(tag.get("content")).strip()
    h1 = soup.find("h1")
    if "title" not in meta and isinstance(h1, Tag) and h1.get_text(strip=True):
        meta["title"] = h1.get_text(" ", strip=True)
    if "title" not in meta and soup.title and soup.title.string:
        meta["title"] = soup.title.string.strip()
    if "published" not in meta:
        time_tag = soup.find("time")
        if isinstance(time_tag, Tag):
            meta["published"] = str(time_tag.get("datetime") or time_tag.get_text(" ")).strip()
    canonical = soup.find("link", rel="canonical")
    if "url" not in meta and isinstance(canonical, Tag) and canonical.get("href"):
        meta["url"] = str(canonical.get("href"))

    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag) or getattr(tag, "decomposed", False) or tag.attrs is None:
            continue
        if tag.name in ("html", "body", "article", "main"):
            continue  # a class like "post share-enabled" must not drop the article itself
        role = str(tag.get("role") or "").lower()
        classes = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")
        hidden = tag.has_attr("hidden") or "display:none" in str(tag.get("style") or "").replace(" ", "")
        if role in _DROP_ROLES or hidden or (classes.strip() and _DROP_CLASS.search(classes)):
            tag.decompose()

    candidates = [t for t in soup.find_all(["article", "main"]) if isinstance(t, Tag)]
    root: Any = max(candidates, key=lambda t: len(t.get_text(" ", strip=True))) if candidates else None
    if root is None or not root.get_text(strip=True):
        root = soup.body or soup
    for br in root.find_all("br"):
        br.replace_with("\n")
    for heading in root.find_all(["h2", "h3", "h4", "h5", "h6"]):
        said = heading.get_text(" ", strip=True)
        if said and section_heading(said) != said:
            heading.append(":")
    for group in root.find_all(["ol", "ul", "table", "thead", "tbody", "tfoot", "tr"]):
        for child in list(group.children):
            if isinstance(child, NavigableString) and not child.strip():
                child.extract()  # the source's indentation between items would become blank lines
    first_blocks: set[int] = set()
    for lst in root.find_all(["ol", "ul"]):
        # the items keep their marks ("1.", "-"): a list stays a list, and a question asking for its
        # steps or papers is answered by all of them
        start = str(lst.get("start") or "1")
        n = int(start) if lst.name == "ol" and start.isdigit() else 1
        for item in lst.find_all("li", recursive=False):
            target = item
            while isinstance(first := next((c for c in target.children if not (
                    isinstance(c, NavigableString) and not c.strip())), None), Tag) and first.name in ("p", "div"):
                target = first  # "<li><p>Tờ khai</p></li>": the mark goes on the item's first line
                first_blocks.add(id(first))
            target.insert(0, f"{n}. " if lst.name == "ol" else "- ")
            n += 1
    for tag in root.find_all(_BLOCK_TAGS):
        if id(tag) in first_blocks:
            continue  # the item's first paragraph is the item's line
        if tag.name in ("li", "tr"):
            tag.insert_before("\n")  # one line per item or row, no blank line between them
            continue
        tag.insert_before("\n\n" if tag.name in ("p", "h1", "h2", "h3", "h4", "h5", "h6") else "\n")
        tag.insert_after("\n\n" if tag.name in ("p", "h1", "h2", "h3", "h4", "h5", "h6") else "\n")
    for cell in root.find_all(["td", "th"]):
        cell.insert_after(" | ")
    return _clean_lines(root.get_text("")), meta


_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<!--.*?-->", re.DOTALL), ""),
    (re.compile(r"^```.*$", re.MULTILINE), ""),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images carry no text worth citing
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links -> their text
    (re.compile(r"^[ \t]{0,3}#[ \t]+", re.MULTILINE), ""),  # the title; section headings: _md_heading
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE), ""),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
    (re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.MULTILINE), ""),
)
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


# A section heading that is neither numbered ("2. Hồ sơ gồm", "III. …", which read as headings already) nor
# closed by punctuation ("Biển số định danh là gì?")
_PLAIN_HEADING = re.compile(r"^(?!(?:\d{1,2}|[IVXLivxl]{1,4})[.)]\s).*[^\W_]$")
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{2,6}[ \t]+(.*?)[ \t#]*$", re.MULTILINE)


def section_heading(text: str) -> str:
    """A section heading as a line of text. Why: once "##" or <h2> is gone, "Trình tự thực hiện" above a
    numbered list reads like any short line; a colon keeps it a lead-in, as a reader takes it ("Trình tự
    thực hiện:" announces the steps), so a question asking for the steps gets the whole list."""
    text = text.strip()
    return f"{text}:" if _PLAIN_HEADING.match(text) else text


def markdown_to_text(md: str) -> tuple[str, dict[str, str]]:
    """Light markdown stripping (headings, emphasis, links, images) + YAML-ish front matter."""
    meta: dict[str, str] = {}
    fm = _FRONT_MATTER.match(md)
    if fm:
        for line in fm.group(1).split("\n"):
            key, sep, value = line.partition(":")
            if sep and key.strip().lower() in ("title", "date", "published", "url"):
                k = "published" if key.strip().lower() == "date" else key.strip().lower()
                meta[k] = value.strip().strip("\"'")
        md = md[fm.end() :]
    md = _MD_HEADING.sub(lambda m: section_heading(m.group(1)), md)
    for pattern, repl in _MD_RULES:
        md = pattern.sub(repl, md)
    return _clean_lines(md), meta


def _docx_text(path: Path, data: bytes) -> tuple[str, dict[str, str]]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for corrupt files
        raise UnusableDocument(
            f"{path}: is not a readable .docx file ({exc.__class__.__name__}: {exc})"
        ) from exc
    parts: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = [c.text.strip() for c in row.cells]
                parts.append(" | ".join(c for c in cells if c))
    meta: dict[str, str] = {}
    props = document.core_properties
    if props.title:
        meta["title"] = props.title
    # core_properties.created is not used: templates carry stale dates (python-docx's says 2013)
    return _clean_lines("\n".join(parts)), meta


def _pdf_text(path: Path, data: bytes) -> tuple[str, dict[str, str]]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnusableDocument(f"{path}: is a password-protected PDF; remove the password and retry")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnusableDocument:
        raise
    except Exception as exc:  # malformed PDFs surface as many unrelated exception types
        raise UnusableDocument(f"{path}: is not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    text = "\n\n".join(_clean_lines(p) for p in pages if p.strip())
    if not text.strip():
        raise UnusableDocument(
            f"{path}: the PDF has no text layer (a scan?); run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`)"
        )
    meta: dict[str, str] = {}
    info = reader.metadata
    if info is not None and info.title:
        meta["title"] = str(info.title)
    return text, meta


# ---------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------


def _read_sidecar(path: Path) -> dict[str, Any]:
    sidecar = path.with_name(path.name + ".json")
    if not sidecar.is_file():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnusableDocument(f"{sidecar}: metadata sidecar is not valid UTF-8 JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise UnusableDocument(f"{sidecar}: metadata sidecar must be a JSON object with url/title/published")
    for key, value in data.items():
        bad = find_unencodable(str(key)) or find_unencodable(value if isinstance(value, str) else "")
        if bad is not None:
            raise UnusableDocument(f"{sidecar}: field {key!r} has an {bad.describe_en()}; "
                                   "fix the JSON (a \\uD800-style escape without its pair) and ingest again")
    return data


def _merge_meta(found: Mapping[str, str], sidecar: Mapping[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {k: v for k, v in found.items() if v}
    if merged.get("published") and not parse_date(str(merged["published"])):
        iso = re.match(r"^\d{4}-\d{2}-\d{2}", str(merged["published"]))
        merged["published"] = iso.group(0) if iso else None
    merged.update({k: v for k, v in sidecar.items() if v not in (None, "")})
    return merged


def load_document(path: Path, source: str, max_bytes: int = MAX_BYTES, gazetteer: Gazetteer | None = None) -> Document:
    """Read, decode, extract and normalise one file into a ``Document`` (places from ``gazetteer``, None:
    the shipped one).

    Raises ``UnusableDocument`` (message names the file and the fix) for
    unsupported types, oversized/empty/binary/undecodable files, and PDFs without
    a text layer.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnusableDocument(
            f"{path}: unsupported file type {suffix or '(none)'!r}; supported: {supported}"
        )
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnusableDocument(
                f"{path}: is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit; split it into smaller files"
            )
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UnusableDocument(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise UnusableDocument(f"{path}: is a folder, not a file") from exc
    except PermissionError as exc:
        raise UnusableDocument(f"{path}: cannot be read (permission denied)") from exc
    if not data.strip():
        raise UnusableDocument(f"{path}: is empty")

    found: dict[str, str] = {}
    if suffix in _TEXT_SUFFIXES:
        raw = decode_bytes(data, str(path))
        if suffix in (".html", ".htm"):
            raw, found = html_to_text(raw)
        elif suffix == ".md":
            raw, found = markdown_to_text(raw)
    elif suffix == ".docx":
        if not data.startswith(b"PK\x03\x04"):
            raise UnusableDocument(
                f"{path}: is not a .docx (Word 2007+) file; open it in Word and save as .docx"
            )
        raw, found = _docx_text(path, data)
    else:  # .pdf
        if not data.lstrip().startswith(b"%PDF"):
            raise UnusableDocument(f"{path}: is not a PDF file (no %PDF header)")
        raw, found = _pdf_text(path, data)

    bad = find_unencodable(raw)
    if bad is not None:  # e.g. a damaged PDF text layer: it would fail later, at embedding or storing
        line = raw.count("\n", 0, bad.offset) + 1
        raise UnusableDocument(
            f"{path}: line {line} has an {bad.describe_en()}, which cannot be stored as UTF-8; "
            "the file's text is damaged: re-export or re-save it as UTF-8 text and ingest it again"
        )
    # no stripping: for plain text, offsets must equal those of normalize_text(file contents)
    text = normalize_text(raw)
    if not text.strip():
        raise UnusableDocument(f"{path}: contains no text (empty or whitespace only)")
    sidecar = _merge_meta(found, _read_sidecar(path))
    meta = extract_meta(source, text, sidecar or None, gazetteer)
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(meta=meta, text=text, content_hash=content_hash)


def load_all(paths: Iterable[Path]) -> list[Document]:
    """Convenience for scripts/tests: load every source under ``paths`` (fails on the first bad file)."""
    return [load_document(file, source) for file, source in iter_sources(list(paths))]
