"""LLM-backed answering and follow-up condensing, each with a deterministic fallback.

Why the LLM is optional and distrusted: a generated answer is only kept when it is grounded in
the way our contract demands. The model sees the retrieved chunks as a numbered context; its
``[n]`` markers are validated (``assistant.citations``), each surviving marker becomes a verbatim
quote (the cited chunk's best matching sentence, offsets into the normalised source), and a
reply with no valid citation, an echoed prompt, or garbage is thrown away in favour of the
extractive answerer. Any LLM failure (timeout, HTTP error, refused connection) degrades to that
same fallback with one log line, so the assistant keeps answering when the LLM is down.

Context text is data: it goes into the *user* message inside ``<tai_lieu so="n">`` tags with any
look-alike tags neutralised, never into the system message, so an instruction planted in a
document ("Bỏ qua mọi hướng dẫn…") is something to quote, not something to obey.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant.citations import MARKER_RE, finalize_citations
from assistant.errors import LLMError
from assistant.prompting import REFUSAL_MARKER, PromptSet, load_prompts
from assistant.protocols import Answerer, ChatModel, StreamEvent
from assistant.types import Answer, Chunk, Citation, Retrieved, ScoredChunk, Turn
from index.chunking import split_sentences
from index.normalize import fold, normalize_text

if TYPE_CHECKING:
    from assistant.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["LLMAnswerer", "LLMCondenser", "LLMParts", "build_llm_parts", "refusal_text"]

Condense = Callable[[str, Sequence[Turn]], str]

_LANGUAGE_NAMES = {"vi": "tiếng Việt", "en": "English (tiếng Anh)"}
_REFUSALS = {
    "vi": ("Xin lỗi, các tài liệu hiện có không chứa thông tin để trả lời câu hỏi này. "
           "Bạn có thể hỏi lại cụ thể hơn (địa phương, thời gian, thủ tục), hoặc liên hệ cơ quan có "
           "thẩm quyền / Cổng Dịch vụ công quốc gia để được hỗ trợ."),
    "en": ("Sorry, the available documents do not contain the answer to this question. You could ask "
           "more specifically (place, period, procedure), or contact the competent authority / the "
           "National Public Service Portal for help."),
}
# The marker, tolerant of the spacing/casing/diacritics a model may add ("KHÔNG CÓ TRONG TÀI LIỆU").
_REFUSAL_RE = re.compile(r"khong[\s_]*co[\s_]*trong[\s_]*tai[\s_]*lieu")
_THINK_RE = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL | re.IGNORECASE)
# Tags of our own prompt: inside documents they are neutralised; in a reply they mean an echo.
_OUR_TAGS_RE = re.compile(r"<\s*/?\s*(?:tai_lieu|cau_hoi|hoi_thoai|cau_hoi_tiep_theo)\b", re.IGNORECASE)
_TOKEN_RE = re.compile(r"\w+(?:[.,]\d+)*", re.UNICODE)
_LEAK_PROBE_CHARS = 32
_WORDS_RE = re.compile(r"\s*\S+\s*|\s+")


def refusal_text(language: str) -> str:
    return _REFUSALS.get(language, _REFUSALS["vi"])


@dataclass(frozen=True)
class _Verdict:
    """What a raw LLM reply turned out to be: an Answer to keep, or why it is unusable."""

    answer: Answer | None
    problem: str = ""


class LLMAnswerer:
    """An ``Answerer`` that asks a ``ChatModel`` and validates the reply; ``fallback`` otherwise."""

    def __init__(
        self,
        chat: ChatModel,
        *,
        fallback: Answerer,
        prompts: PromptSet | None = None,
        max_context_chars: int = 9000,
        shared_verdict: bool = True,
    ) -> None:
        if not isinstance(chat, ChatModel):
            raise TypeError(f"chat must implement ChatModel (complete/stream), got {type(chat).__name__}")
        if not isinstance(fallback, Answerer):
            raise TypeError(f"fallback must implement Answerer (answer/stream), got {type(fallback).__name__}")
        if max_context_chars < 200:
            raise ValueError(f"max_context_chars={max_context_chars} is too small to hold a passage")
        self._chat = chat
        self._fallback = fallback
        self._prompts = prompts or load_prompts()
        self._max_context_chars = max_context_chars
        # True (the product): refuse on the extractive verdict and show the LLM only the chosen evidence.
        # False: the LLM reads the retrieved passages as they are (tests of the citation plumbing).
        self._shared_verdict = shared_verdict
        self._system = self._prompts.answer_system.render(refusal_marker=REFUSAL_MARKER)
        self._leak_probes = _leak_probes(self._system, self._prompts.answer_user.text)

    # --- Answerer protocol ----------------------------------------------------------------------------

    def answer(self, question: str, contexts: Sequence[ScoredChunk], *, language: str = "vi") -> Answer:
        started = time.monotonic()
        if not contexts:  # nothing to ground on: the fallback owns the "not in the documents" reply
            return self._use_fallback(question, contexts, language, "no context retrieved")
        refusal, evidence = self._shared_stage(question, contexts, language)
        if refusal is not None:
            return _with_latency(refusal, started)
        try:
            raw = self._chat.complete(self.messages(question, evidence, language=language))
        except LLMError as err:
            return self._use_fallback(question, contexts, language, str(err))
        except Exception as err:  # a bug in a ChatModel must not cost the user their answer
            return self._use_fallback(question, contexts, language, f"{type(err).__name__}: {err}")
        verdict = self._judge(raw, question, evidence, language)
        if verdict.answer is None:
            return self._use_fallback(question, contexts, language, verdict.problem)
        return _with_latency(replace(verdict.answer, retrieved=_retrieved(contexts)), started)

    def stream(
        self, question: str, contexts: Sequence[ScoredChunk], *, language: str = "vi"
    ) -> Iterator[StreamEvent]:
        """Text deltas as the model writes, then the validated Answer exactly once.

        The final Answer is authoritative (markers renumbered, invalid ones gone). When the LLM
        fails before saying anything, the fallback streams instead; when it fails midway, the
        fallback's Answer is sent as the final event (clients replace the partial text with it).
        """
        started = time.monotonic()
        if not contexts:
            yield from self._fallback_stream(question, contexts, language, "no context retrieved", emitted=False)
            return
        refusal, evidence = self._shared_stage(question, contexts, language)
        if refusal is not None:
            yield StreamEvent(type="delta", text=refusal.answer)
            yield StreamEvent(type="answer", answer=_with_latency(refusal, started))
            return
        gate = _DeltaGate()
        screen = _SentenceScreen(self._leak_probes, question, evidence)
        parts: list[str] = []
        emitted = False
        try:
            for piece in self._chat.stream(self.messages(question, evidence, language=language)):
                parts.append(piece)
                shown = screen.feed(gate.feed(piece))
                if shown:
                    emitted = True
                    for word in _WORDS_RE.findall(shown):  # a checked sentence still streams word by word
                        yield StreamEvent(type="delta", text=word)
        except Exception as err:  # LLMError, or a broken ChatModel: same degradation
            problem = str(err) if isinstance(err, LLMError) else f"{type(err).__name__}: {err}"
            yield from self._fallback_stream(question, contexts, language, problem, emitted=emitted)
            return
        tail = screen.feed(gate.flush(), final=True)
        if tail:
            emitted = True
            for word in _WORDS_RE.findall(tail):
                yield StreamEvent(type="delta", text=word)
        verdict = self._judge("".join(parts), question, evidence, language)
        if verdict.answer is None:
            yield from self._fallback_stream(question, contexts, language, verdict.problem, emitted=emitted)
            return
        yield StreamEvent(type="answer", answer=_with_latency(replace(verdict.answer, retrieved=_retrieved(contexts)),
                                                              started))

    # --- the shared answer stage ------------------------------------------------------------------------

    def _shared_stage(self, question: str, contexts: Sequence[ScoredChunk],
                      language: str) -> tuple[Answer | None, Sequence[ScoredChunk]]:
        """The same verdict as the extractive answerer: a refusal (the fallback's, word for word) when
        the evidence does not answer; otherwise the chosen evidence sentences as the LLM's only
        context, so what it may say is what the extractive answer would quote."""
        evidence = getattr(self._fallback, "evidence", None)
        if evidence is None or not self._shared_verdict:
            return None, contexts
        _ev, chosen, verdict = evidence(question, contexts)
        if not verdict.answerable:
            ans = self._fallback.answer(question, contexts, language=language)
            return replace(ans, meta={**ans.meta, "answerer": "llm", "llm_skipped": verdict.reason}), contexts
        if not chosen:
            return None, contexts
        by_source = {sc.chunk.source: sc for sc in contexts}
        sentences: list[ScoredChunk] = []
        for r in sorted(chosen, key=lambda r: (r.sentence.source, r.sentence.start)):
            st = r.sentence
            base = by_source.get(st.source)
            title = base.chunk.title if base is not None else st.source
            sentences.append(ScoredChunk(
                chunk=Chunk(chunk_id=f"{st.source}#{st.start}", source=st.source, text=st.text, start=st.start,
                            end=st.end, title=title, doc_hash=base.chunk.doc_hash if base is not None else ""),
                score=r.score))
        return None, sentences

    # --- prompt -----------------------------------------------------------------------------------------

    def messages(self, question: str, contexts: Sequence[ScoredChunk], *, language: str = "vi") -> list[dict[str, str]]:
        """The chat messages for one question (public so tests and debugging can see the exact prompt)."""
        user = self._prompts.answer_user.render(
            context=self._numbered_context(contexts),
            question=_neutralise(normalize_text(question).strip()),
            answer_language=_LANGUAGE_NAMES.get(language, _LANGUAGE_NAMES["vi"]),
            refusal_marker=REFUSAL_MARKER,
        )
        return [{"role": "system", "content": self._system}, {"role": "user", "content": user}]

    def _numbered_context(self, contexts: Sequence[ScoredChunk]) -> str:
        """``<tai_lieu so="n" ...>`` blocks, numbered as the contract's ``[n]``; cut at the char budget."""
        blocks: list[str] = []
        used = 0
        for n, sc in enumerate(contexts, start=1):
            c = sc.chunk
            title = _neutralise(c.title).replace('"', "'")
            body = _neutralise(c.text)
            source = _neutralise(c.source).replace('"', "'")
            block = f'<tai_lieu so="{n}" nguon="{source}" tieu_de="{title}">\n{body}\n</tai_lieu>'
            if blocks and used + len(block) > self._max_context_chars:
                log.debug("context budget reached: passing %d of %d passages", n - 1, len(contexts))
                break
            blocks.append(block)
            used += len(block)
        return "\n\n".join(blocks)

    # --- validating a reply -------------------------------------------------------------------------

    def _judge(self, raw: str, question: str, contexts: Sequence[ScoredChunk], language: str) -> _Verdict:
        text = _THINK_RE.sub("", raw or "").strip()
        if not text:
            return _Verdict(None, "empty reply")
        folded = fold(text)
        retrieved = _retrieved(contexts)
        if _OUR_TAGS_RE.search(text) or any(p in folded for p in self._leak_probes):
            return _Verdict(None, "reply echoes the prompt")
        if _REFUSAL_RE.search(folded):
            return _Verdict(Answer(answer=refusal_text(language), refused=True, retrieved=retrieved,
                                   meta={"answerer": "llm", "refusal": "llm_not_in_documents"}))
        letters = sum(ch.isalpha() for ch in text)
        if letters < 8 or letters < 0.4 * len(text.replace(" ", "")):
            return _Verdict(None, "reply is not prose")
        text = normalize_text(text)
        candidates = _candidate_citations(text, contexts)
        new_text, citations = finalize_citations(text, candidates)
        if not citations:
            return _Verdict(None, "no valid [n] citation")
        invented = _unsupported_numbers(new_text, normalize_text(question), contexts)
        if invented:
            return _Verdict(None, f"numbers not in the documents: {invented[:5]}")
        unknown = _unsupported_names(new_text, normalize_text(question), contexts)
        if unknown:
            return _Verdict(None, f"names not in the documents: {unknown[:5]}")
        dropped = _out_of_range(text, len(contexts))
        if dropped:
            log.info("dropped out-of-range citation markers %s (only %d contexts)", dropped, len(contexts))
        return _Verdict(Answer(answer=new_text, refused=False, citations=citations, retrieved=retrieved,
                               meta={"answerer": "llm", "dropped_markers": dropped}))

    # --- fallback -----------------------------------------------------------------------------------

    def _use_fallback(self, question: str, contexts: Sequence[ScoredChunk], language: str, why: str) -> Answer:
        log.warning("LLM answer not used (%s); answering with the fallback answerer", why)
        ans = self._fallback.answer(question, contexts, language=language)
        return replace(ans, meta={**ans.meta, "llm_fallback": why})

    def _fallback_stream(self, question: str, contexts: Sequence[ScoredChunk], language: str, why: str,
                         *, emitted: bool) -> Iterator[StreamEvent]:
        log.warning("LLM answer not used (%s); answering with the fallback answerer", why)
        if emitted:  # deltas already shown: send only the replacement final Answer
            ans = self._fallback.answer(question, contexts, language=language)
            yield StreamEvent(type="answer", answer=replace(ans, meta={**ans.meta, "llm_fallback": why}))
            return
        for event in self._fallback.stream(question, contexts, language=language):
            if event.type == "answer" and event.answer is not None:
                event = replace(event, answer=replace(event.answer, meta={**event.answer.meta, "llm_fallback": why}))
            yield event


class LLMCondenser:
    """Rewrites a follow-up into a standalone question with the LLM; the rule-based one otherwise.

    Callable as ``condenser(question, history)`` so it can stand wherever the rule-based
    ``assistant.followup.condense`` does.
    """

    def __init__(self, chat: ChatModel, *, fallback: Condense, prompts: PromptSet | None = None,
                 max_history_turns: int = 6) -> None:
        if not isinstance(chat, ChatModel):
            raise TypeError(f"chat must implement ChatModel (complete/stream), got {type(chat).__name__}")
        if not callable(fallback):
            raise TypeError("fallback must be a condense(question, history) -> str function")
        self._chat = chat
        self._fallback = fallback
        self._prompts = prompts or load_prompts()
        self._max_history_turns = max(1, max_history_turns)

    def __call__(self, question: str, history: Sequence[Turn]) -> str:
        return self.condense(question, history)

    def condense(self, question: str, history: Sequence[Turn]) -> str:
        if not history:
            return self._fallback(question, history)
        turns = list(history)[-self._max_history_turns:]
        transcript = "\n".join(
            f"{'Người dùng' if t.role == 'user' else 'Trợ lý'}: {_neutralise(' '.join(t.content.split()))}"
            for t in turns
        )
        prompt = self._prompts.condense.render(history=transcript, question=_neutralise(question.strip()))
        try:
            raw = self._chat.complete([{"role": "user", "content": prompt}])
        except Exception as err:
            why = str(err) if isinstance(err, LLMError) else f"{type(err).__name__}: {err}"
            log.warning("LLM condense failed (%s); using the rule-based rewrite", why)
            return self._fallback(question, history)
        rewritten = _clean_condensed(raw)
        if (not rewritten or len(rewritten) > max(300, 3 * len(question)) or _REFUSAL_RE.search(fold(rewritten))
                or MARKER_RE.search(rewritten)):  # an answer with citations, not a rewritten question
            log.warning("LLM condense reply unusable (%r); using the rule-based rewrite", raw[:80])
            return self._fallback(question, history)
        return rewritten


@dataclass(frozen=True)
class LLMParts:
    chat: ChatModel
    answerer: LLMAnswerer
    condenser: LLMCondenser


def build_llm_parts(settings: Settings, *, fallback: Answerer, rule_condense: Condense | None = None) -> LLMParts:
    """Everything the composition root needs when ``settings.llm_enabled`` (prompts checked here)."""
    from assistant.llm import OpenAICompatibleChat

    if not settings.llm_enabled:
        raise LLMError("the LLM is not configured; set ASSISTANT_LLM_BASE_URL and ASSISTANT_LLM_MODEL")
    if rule_condense is None:
        from assistant import followup

        rule_condense = followup.condense
    prompts = load_prompts()
    chat = OpenAICompatibleChat(
        base_url=settings.llm_base_url, model=settings.llm_model, api_key=settings.llm_api_key,
        timeout_s=settings.llm_timeout_s, temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens,
    )
    log.info("LLM answering enabled: %r (extractive fallback)", chat)
    return LLMParts(
        chat=chat,
        answerer=LLMAnswerer(chat, fallback=fallback, prompts=prompts),
        condenser=LLMCondenser(chat, fallback=rule_condense, prompts=prompts,
                               max_history_turns=settings.max_history_turns),
    )


# --- helpers ----------------------------------------------------------------------------------------


class _DeltaGate:
    """Holds streamed text back while it may still be the refusal marker, and hides <think> blocks.

    Reasoning models (e.g. served by Ollama/vLLM) open with ``<think>…</think>``; users should see
    the answer after it, not the deliberation. A reply that opens with the refusal marker shows
    nothing (the final Answer carries the polite refusal).
    """

    _TARGETS = (fold(REFUSAL_MARKER), "khong co trong tai lieu", "<think>")

    def __init__(self) -> None:
        self._held = ""
        self._state = "undecided"  # -> "thinking" | "passing" | "refusing"

    def feed(self, piece: str) -> str:
        if self._state == "passing":
            return piece
        if self._state == "refusing":
            return ""
        self._held += piece
        if self._state == "thinking":
            close = self._held.lower().find("</think>")
            if close < 0:
                return ""
            self._held = self._held[close + len("</think>"):]
            self._state = "undecided"
        head = fold(self._held.lstrip())
        if head.startswith("<think>"):
            self._state = "thinking"
            return self.feed("")
        if len(head) < len(REFUSAL_MARKER) + 2 and any(_could_be(head, t) for t in self._TARGETS):
            return ""
        return self._decide()

    def flush(self) -> str:
        return self._decide() if self._state == "undecided" else ""

    def _decide(self) -> str:
        held, self._held = self._held.lstrip(), ""
        self._state = "refusing" if _REFUSAL_RE.match(fold(held)) else "passing"
        return "" if self._state == "refusing" else held


class _SentenceScreen:
    """Releases streamed text a sentence at a time, and only sentences that are safe to show.

    Why: deltas reach the user before the whole reply is judged, so an injected or misbehaving model
    could otherwise stream the prompt, the configuration or an invented figure to the screen (the
    final, validated Answer replaced it only afterwards). Each complete sentence is checked like the
    final reply is (no prompt echo, no numbers absent from the documents and the question); after the
    first unsafe sentence nothing more is streamed and the final Answer (the fallback) replaces it.
    """

    _END = re.compile(r"(?:[.!?…](?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*\s+|\n)")

    def __init__(self, probes: Sequence[str], question: str, contexts: Sequence[ScoredChunk]) -> None:
        self._probes = probes
        self._question = normalize_text(question)
        self._contexts = contexts
        self._held = ""
        self._shown = ""
        self.blocked = False

    def feed(self, text: str, *, final: bool = False) -> str:
        if self.blocked:
            return ""
        self._held += text
        cut = len(self._held) if final else max((m.end() for m in self._END.finditer(self._held)), default=0)
        if cut == 0:
            return ""
        out, self._held = self._held[:cut], self._held[cut:]
        if not self._safe(self._shown + out, out):
            self.blocked = True
            return ""
        self._shown += out
        return out

    def _safe(self, shown: str, new: str) -> bool:
        folded = fold(shown)
        if _OUR_TAGS_RE.search(shown) or any(p in folded for p in self._probes):
            return False
        return not _unsupported_numbers(normalize_text(new), self._question, self._contexts)


def _could_be(head: str, target: str) -> bool:
    return target.startswith(head) or head.startswith(target)


def _neutralise(text: str) -> str:
    """Make our own prompt tags inert inside data (documents, questions, history)."""
    return _OUR_TAGS_RE.sub(lambda m: "‹" + m.group(0)[1:], text)


def _leak_probes(*templates: str) -> tuple[str, ...]:
    """Folded snippets of fixed prompt lines: one showing up in a reply means the prompt leaked."""
    probes: list[str] = []
    for template in templates:
        for line in template.splitlines():
            # every sentence of a line, not only its start: an echo may begin mid-line
            for sentence in re.split(r"(?<=[.!?:])\s+", re.sub(r"\{\w+\}", " ", line)):
                static = sentence.strip().lstrip("0123456789. ")
                if len(static) >= _LEAK_PROBE_CHARS:
                    probes.append(fold(static[:_LEAK_PROBE_CHARS]))
    return tuple(probes)


def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(fold(text))


def _claims_by_context(text: str, n_contexts: int) -> dict[int, str]:
    """For each context number, the answer sentences that cite it (what its quote must back).

    A marker standing alone after the full stop ("... 66%. [1]") belongs to the sentence before it.
    """
    claims: dict[int, list[str]] = {}
    previous = ""
    for s, e in split_sentences(text):
        sentence = text[s:e]
        words = MARKER_RE.sub(" ", sentence)
        claim = words if any(ch.isalnum() for ch in words) else previous
        for m in MARKER_RE.finditer(sentence):
            for part in re.split(r"\s*[,;]\s*", m.group(1)):
                n = int(part)
                if 1 <= n <= n_contexts and claim:
                    claims.setdefault(n, []).append(claim)
        if any(ch.isalnum() for ch in words):
            previous = words
    return {n: " ".join(v) for n, v in claims.items()}


def _number_key(token: str) -> str:
    return re.sub(r"[.,]", "", token)


def _unsupported_numbers(text: str, question: str, contexts: Sequence[ScoredChunk]) -> list[str]:
    """Numbers in the answer found neither in the contexts nor in the question (likely invented)."""
    known = {_number_key(t) for sc in contexts for t in _tokens(sc.chunk.text) if any(c.isdigit() for c in t)}
    known |= {_number_key(t) for t in _tokens(question) if any(c.isdigit() for c in t)}
    body = MARKER_RE.sub(" ", text)
    return [t for t in _tokens(body) if any(c.isdigit() for c in t) and _number_key(t) not in known]


_WORD_RE = re.compile(r"[^\W\d_][^\W_]*")


def _unsupported_names(text: str, question: str, contexts: Sequence[ScoredChunk]) -> list[str]:
    """Names (runs of two or more capitalised words, not opening a sentence) in the answer that neither
    the evidence nor the question states: an invented person, office or place."""
    known = fold(" ".join([question, *(sc.chunk.text for sc in contexts)]))
    body = MARKER_RE.sub(" ", text)
    runs: list[list[re.Match[str]]] = [[]]
    for m in _WORD_RE.finditer(body):
        prev = runs[-1][-1] if runs[-1] else None
        if m.group(0)[0].isupper() and (prev is None or body[prev.end():m.start()] == " "):
            runs[-1].append(m)
        else:
            runs.append([])
            if m.group(0)[0].isupper():
                runs[-1].append(m)
    out: list[str] = []
    for run in runs:
        if len(run) < 2:
            continue
        head = body[:run[0].start()].rstrip()
        words = run if head and head[-1] not in ".!?:\n" else run[1:]  # a sentence's first word is capitalised anyway
        name = body[words[0].start():words[-1].end()] if len(words) >= 2 else ""
        if name and fold(name) not in known:
            out.append(name)
    return out


def _candidate_citations(text: str, contexts: Sequence[ScoredChunk]) -> list[Citation]:
    claims = _claims_by_context(text, len(contexts))
    return [_best_citation(n, sc.chunk, claims.get(n, "")) for n, sc in enumerate(contexts, start=1)]


def _best_citation(n: int, chunk: Chunk, claim: str) -> Citation:
    """The chunk sentence(s) sharing most words with the claim (numbers count double); else the chunk.

    Offsets are chunk-relative spans shifted by ``chunk.start``: since ``chunk.text`` is exactly
    ``document.text[chunk.start:chunk.end]``, the quote is a verbatim substring of the source.
    """
    whole = Citation(n=n, source=chunk.source, title=chunk.title, quote=chunk.text, start=chunk.start,
                     end=chunk.end, chunk_id=chunk.chunk_id)
    want = set(_tokens(claim))
    spans = split_sentences(chunk.text)
    if not want or not spans:
        return whole

    def weight(tokens: set[str]) -> float:
        return sum(2.0 if any(ch.isdigit() for ch in t) else 1.0 for t in tokens)

    scored = [(weight(want & set(_tokens(chunk.text[s:e]))), i) for i, (s, e) in enumerate(spans)]
    best_score, best = max(scored)
    if best_score < 2.0:
        return whole
    lo = hi = best
    covered = want & set(_tokens(chunk.text[slice(*spans[best])]))
    for j in (best - 1, best + 1):  # a claim drawn from two adjacent sentences quotes both
        if 0 <= j < len(spans):
            extra = (want & set(_tokens(chunk.text[slice(*spans[j])]))) - covered
            if weight(extra) >= 2.0:
                lo, hi = min(lo, j), max(hi, j)
                covered |= extra
    a, b = spans[lo][0], spans[hi][1]
    return Citation(n=n, source=chunk.source, title=chunk.title, quote=chunk.text[a:b],
                    start=chunk.start + a, end=chunk.start + b, chunk_id=chunk.chunk_id)


def _out_of_range(text: str, n_contexts: int) -> list[int]:
    bad: list[int] = []
    for m in MARKER_RE.finditer(text):
        bad.extend(int(p) for p in re.split(r"\s*[,;]\s*", m.group(1)) if not 1 <= int(p) <= n_contexts)
    return bad


def _clean_condensed(raw: str) -> str:
    text = _THINK_RE.sub("", raw or "").strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return ""
    line = re.sub(r"^(?:câu hỏi độc lập|câu hỏi|standalone question|question)\s*:\s*", "", lines[0],
                  flags=re.IGNORECASE)
    return normalize_text(line.strip().strip('"“”\'«»').strip())


def _retrieved(contexts: Sequence[ScoredChunk]) -> tuple[Retrieved, ...]:
    return tuple(Retrieved(c.chunk.source, c.chunk.chunk_id, round(float(c.score), 4)) for c in contexts)


def _with_latency(answer: Answer, started: float) -> Answer:
    return replace(answer, latency_ms=round((time.monotonic() - started) * 1000.0, 1))
