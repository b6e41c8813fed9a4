"""Recall: the one search the facade calls. Routing, time phrases, BM25 + vectors fused by RRF, recency
as the tie-breaker, and de-duplication of hits that repeat what a higher hit already covers.

Without an embedder it is full-text only (with routing and time phrases). Recall only ranks: what it
reads comes from the store's queries (`store.fulltext`, `store.recall_queries`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from assistant.retrieval import routing
from assistant.retrieval.fusion import rrf
from assistant.retrieval.query import Query, read_query
from assistant.retrieval.search import VectorRetriever, matching_sources_first, self_sourced, split_types, to_hits
from assistant.store import fulltext
from assistant.store import recall_queries as rows
from assistant.store.db import Database
from assistant.store.fulltext import TermCounts, prune_common_terms
from assistant.text import STOPWORDS, has_content_words, words
from assistant.values import ASK_SESSION_PREFIX, MEMORY_TYPES, SearchHit, to_ts, utcnow

_VECTOR_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="recall-vectors")


@dataclass(frozen=True)
class FusionConfig:
    """How the ranked lists are merged. The defaults were tuned on the LoCoMo dev split only."""

    rrf_k: int = 5  # LoCoMo dev recall@10: 67.0 at 5, 66.2 at 10, 63.9 at 30, 61.4 at 60 (top ranks matter most)
    bm25_weight: float = 1.0
    vector_weight: float = 1.0
    depth: int = 50  # candidates taken from each list (at least 5x the number of hits asked for)
    # In a conversation a reply often lacks the words of the question it answers ("Edinburgh would be
    # great!" after "which city for our trip?"), and a speaker's point often spans their turns on either
    # side of the other's ("Super good! Rich and creamy" two turns after "I made coconut milk ice cream"):
    # each chat candidate votes for the turns 1, 2, ... places before and after it in its session, as
    # extra ranked lists weighted so. LoCoMo dev recall@10: 67.0 -> 69.6 for distance 1; 79.0 -> 81.3
    # adding distance 2 at 0.5 (0.25: 80.3, 0.75: 80.5, 1.0: 79.1).
    neighbour_weights: tuple[float, ...] = (0.5, 0.5)
    # A question naming a chat participant ("What has Melanie painted?") is mostly about what that person
    # said: the name leaves the query (it is in half the turns and drowned the content words in BM25 and
    # the embedding) and their turns score (1 + boost) times higher. LoCoMo dev recall@10 70.4 -> 76.8.
    speaker_boost: float = 1.0
    # A time phrase in the question adds ranked lists from its window (weighted so) instead of excluding
    # everything outside it: LoCoMo dev 76.8 (hard filter) -> 79.0.
    window_weight: float = 1.0
    # What the vector list alone may bring: an item no full-text list found must be at least this similar
    # (cosine) to the query, or the neighbours of a made-up word (any ten lines) count as matches. On
    # all-MiniLM-L6-v2, made-up words reach 0.21 against everyday lines, unrelated pairs 0.31, paraphrases
    # 0.40-0.75 (tests/integration/test_relevance.py holds the calibration set).
    min_similarity: float = 0.35


class Recall:
    def __init__(
        self,
        db: Database,
        vectors: VectorRetriever | None = None,
        *,
        timezone: str = "UTC",
        config: FusionConfig | None = None,
    ) -> None:
        self._db = db
        self.vectors = vectors
        self.timezone = timezone
        self.config = config or FusionConfig()
        self._speakers: dict[str, set[str]] = {}
        self._speakers_seen = 0
        self._speakers_lock = threading.Lock()
        self._term_counts: TermCounts = {}

    def read(self, question: str, *, now: datetime | None = None, parse_time: bool = True, route: bool = True) -> Query:
        """The question read once, with its time phrase in this recall's time zone relative to `now`, and
        the chat participants it names among those in the store."""
        return read_query(
            question,
            now=now or utcnow(),
            tz=self.timezone,
            speakers=self._speaker_names(),
            parse_time=parse_time,
            route=route,
        )

    def search(
        self,
        query: str | Query,
        *,
        types: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 10,
        now: datetime | None = None,
        route: bool = True,
        parse_time: bool = True,
        exclude_asks: bool = False,
    ) -> list[SearchHit]:
        """Hits best first; explicit `since`/`until` win over a time phrase in the query. A question
        given as text is read here (`now`, `route`, `parse_time` apply to that reading).

        `exclude_asks`: leave out the turns `ask` recorded, and episodes made only of them. The answering
        head asks for this: a past question repeats the new one's words and outranks the evidence, and a
        past answer is the assistant's own words, which citing again would only reinforce.
        """
        if limit < 1 or not (query.text if isinstance(query, Query) else query).strip():
            return []
        mem_types, kinds = split_types(types)
        q = query if isinstance(query, Query) else self.read(query, now=now, parse_time=parse_time, route=route)
        prefer: tuple[datetime | None, datetime | None] | None = None
        mentions = q.time.mentions if q.time is not None else ()
        if q.time is not None:
            if since is None and until is None:
                prefer = (q.time.since, q.time.until)
            else:
                since = since if since is not None else q.time.since
                until = until if until is not None else q.time.until
        if not q.topic and (since is not None or until is not None or prefer is not None):
            lo, hi = prefer if prefer is not None else (since, until)
            ranked = self._browse(mem_types, kinds, lo, hi, q.route, limit)
            if prefer is not None and mentions:  # and what mentions that time, whenever it was said
                talked, _ = self.ranked_lists(
                    " ".join(mentions), mem_types, kinds, None, None, self.config.depth, lexical=True
                )
                ranked = rrf([ranked, *talked], k=self.config.rrf_k)
        else:
            named = set(q.participants) if "chat" in kinds else set()
            ranked = self._fused(
                q.search_text,
                mem_types,
                kinds,
                since,
                until,
                q.route,
                limit,
                prefer,
                mentions if prefer is not None else (),
                named,
            )
        asks = self._ask_turns([i for i, _ in ranked])
        if exclude_asks:
            ranked = [(i, s) for i, s in ranked if i not in asks]
        elif asks:
            # Past questions repeat the new one's words and would outrank the evidence: shown, but below it.
            ranked = [(i, s) for i, s in ranked if i not in asks] + [(i, s) for i, s in ranked if i in asks]
        # Hydrate only the head of the ranking (loading a memory costs more than ranking it), more if
        # de-duplication thinned it out.
        take = max(2 * limit, 20)
        conn = self._db.reader()
        hits = to_hits(conn, ranked[:take])
        while len(hits) < limit and take < len(ranked):
            take *= 2
            hits = to_hits(conn, ranked[:take])
        hits = matching_sources_first(hits[:limit], ranked)
        # Every hit names where it came from; a memory typed in by hand is its own source.
        return [h if h.sources else self_sourced(h) for h in hits]

    def ranked_lists(
        self,
        text: str,
        mem_types: list[str],
        kinds: list[str],
        since: datetime | None,
        until: datetime | None,
        depth: int,
        *,
        lexical: bool = False,
    ) -> tuple[list[list[tuple[str, float]]], list[float]]:
        """The BM25 and vector candidate lists with their fusion weights (`lexical`: BM25 only)."""
        conn = self._db.reader()
        lists: list[list[tuple[str, float]]] = []
        weights: list[float] = []
        pending: Future[list[tuple[str, float]]] | None = None
        if self.vectors is not None and not lexical:
            # Under a time filter the index over-fetches neighbours in proportion to what it is asked
            # for, so it is asked for fewer: with a small rrf_k, ranks past 2x the hits add little.
            filtered = since is not None or until is not None
            vector_depth = max(depth * 2 // 5, 20) if filtered else depth  # depth is 5x the hits asked for
            # chromadb and SQLite release the GIL: the vector query runs while BM25 does (100k: 30 -> 26 ms).
            pending = _VECTOR_POOL.submit(
                self.vectors.query, text, types=[*mem_types, *kinds], since=since, until=until, limit=vector_depth
            )
        if mem_types:
            # All types: no type clause at all. With one, SQLite may drive the join from the type index
            # and test MATCH row by row (1000x slower at 5k memories); full text must lead the plan.
            every = set(mem_types) >= set(MEMORY_TYPES)
            lists.append(
                fulltext.search_memories(
                    conn,
                    prune_common_terms(conn, "memory_fts", "memories", text, self._term_counts),
                    types=None if every else mem_types,
                    since=since,
                    until=until,
                    limit=depth,
                )
            )
            weights.append(self.config.bm25_weight)
        if kinds:
            lists.append(
                fulltext.search_events(
                    conn,
                    prune_common_terms(conn, "raw_fts", "raw_events", text, self._term_counts),
                    kinds=kinds,
                    since=since,
                    until=until,
                    limit=depth,
                )
            )
            weights.append(self.config.bm25_weight)
        if pending is not None:
            lists.append(pending.result())
            weights.append(self.config.vector_weight)
        return lists, weights

    def _fused(
        self,
        text: str,
        mem_types: list[str],
        kinds: list[str],
        since: datetime | None,
        until: datetime | None,
        rt: routing.Route,
        limit: int,
        prefer: tuple[datetime | None, datetime | None] | None = None,
        mentions: tuple[str, ...] = (),
        named: set[str] | None = None,
    ) -> list[tuple[str, float]]:
        """`prefer`: the window a time phrase names. Its candidates get their own lists (extra votes), but
        what lies outside still ranks: an event is often talked about days after it happened, and a
        question may name a date the annotator or the user got slightly wrong. `mentions`: the phrase's
        calendar names ("june"); what matches the question with them is talked about at that time,
        whenever it was said (a chat in May about June), and votes like the window. `named`: the chat
        participants the question names.

        Only relevant candidates are kept: found by full text (or next to a turn that was), or by
        vectors at `min_similarity` or more."""
        depth = max(limit * 5, self.config.depth)
        named = named or set()
        if named:
            names = {w for speaker in named for w in (speaker, *words(speaker))}
            stripped = " ".join(w for w in words(text) if w.lower() not in names)
            text = stripped if has_content_words(stripped) else text
        n_text = (1 if mem_types else 0) + (1 if kinds else 0)  # ranked_lists puts full text first
        lists, weights = self.ranked_lists(text, mem_types, kinds, since, until, depth)
        relevant = self._relevant(lists, n_text)
        voters = list(zip(lists[:n_text], weights[:n_text], strict=True))
        if prefer is not None and self.config.window_weight:
            inside, inside_w = self.ranked_lists(text, mem_types, kinds, *prefer, depth)
            relevant |= self._relevant(inside, n_text)
            voters += [(r, w * self.config.window_weight) for r, w in zip(inside[:n_text], inside_w, strict=False)]
            lists += inside
            weights += [w * self.config.window_weight for w in inside_w]
        if mentions and self.config.window_weight:
            talked, talked_w = self.ranked_lists(
                f"{text} {' '.join(mentions)}", mem_types, kinds, since, until, depth, lexical=True
            )
            relevant |= {i for ranked in talked for i, _ in ranked}
            voters += [(r, w * self.config.window_weight) for r, w in zip(talked, talked_w, strict=True)]
            lists += talked
            weights += [w * self.config.window_weight for w in talked_w]
        if "chat" in kinds and any(self.config.neighbour_weights):
            n_lists = len(lists)
            lists, weights = self._with_neighbours(lists, weights, voters, since, until)
            relevant |= {i for ranked in lists[n_lists:] for i, _ in ranked}
        lists = [[(i, s) for i, s in ranked if i in relevant] for ranked in lists]
        info = rows.type_and_time(self._db.reader(), list(dict.fromkeys(i for ranked in lists for i, _ in ranked)))
        # Equal scores go to the more recent item: within each list first (BM25 ties on short texts),
        # then after fusion (rank fusion makes its own ties). Ids no longer in the store drop out here.
        lists = [
            sorted(((i, s) for i, s in ranked if i in info), key=lambda x: (-round(x[1], 12), -info[x[0]][1]))
            for ranked in lists
        ]
        fused = rrf(lists, k=self.config.rrf_k, weights=weights)[:depth]
        boost = self._speaker_of(named, [i for i, _ in fused]) if named and self.config.speaker_boost else {}
        scored = [
            (i, s * rt.weight(info[i][0]) * (1 + self.config.speaker_boost * boost.get(i, 0)), info[i][1])
            for i, s in fused
        ]
        scored.sort(key=lambda x: (-round(x[1], 12), -x[2]))
        return [(i, s) for i, s, _ in scored]

    def _relevant(self, lists: list[list[tuple[str, float]]], n_text: int) -> set[str]:
        """Every full-text candidate, and the vector candidates similar enough (ranked_lists puts the
        full-text lists first)."""
        found = {i for ranked in lists[:n_text] for i, _ in ranked}
        return found | {i for ranked in lists[n_text:] for i, s in ranked if s >= self.config.min_similarity}

    def _speaker_names(self) -> dict[str, set[str]]:
        """name word -> speakers. Kept up to date incrementally: only events added since the last look are
        read."""
        with self._speakers_lock:
            top, speakers = rows.chat_speakers_after(self._db.reader(), self._speakers_seen)
            self._speakers_seen = max(self._speakers_seen, top)
            for speaker in speakers:
                parts = words(speaker)
                for key in {speaker, *parts[:1]} if parts else ():
                    if key not in STOPWORDS:
                        self._speakers.setdefault(key, set()).add(speaker)
            return self._speakers

    def _speaker_of(self, named: set[str], ids: list[str]) -> dict[str, int]:
        return {i: int(speaker in named) for i, speaker in rows.speakers_of(self._db.reader(), ids).items()}

    def _with_neighbours(
        self,
        lists: list[list[tuple[str, float]]],
        weights: list[float],
        voters: list[tuple[list[tuple[str, float]], float]],
        since: datetime | None,
        until: datetime | None,
    ) -> tuple[list[list[tuple[str, float]]], list[float]]:
        """Add the neighbour-vote lists. Only full-text hits vote: the vector list always holds `depth`
        items however weak (in a small store, all of them), and their votes reshuffled everything.
        Votes only re-rank candidates that some list found itself: a turn sharing nothing with the
        question is not shown for its position alone."""
        ids = list(dict.fromkeys(i for ranked in lists for i, _ in ranked if i.startswith("ev_")))
        factors = {
            offset: w
            for distance, w in enumerate(self.config.neighbour_weights, start=1)
            for offset in (distance, -distance)
            if w
        }
        tables = self._turns_around(ids, list(factors), since, until)
        found = set(ids)
        out_lists, out_weights = list(lists), list(weights)
        for offset, factor in factors.items():
            table = tables[offset]
            for ranked, weight in voters:
                moved: dict[str, float] = {}
                for i, score in ranked:  # each neighbour at the best rank of the hits next to it
                    if i in table and table[i] in found:
                        moved.setdefault(table[i], score)
                if moved:
                    out_lists.append(list(moved.items()))
                    out_weights.append(weight * factor)
        return out_lists, out_weights

    def _turns_around(
        self, ids: list[str], offsets: list[int], since: datetime | None, until: datetime | None
    ) -> dict[int, dict[str, str]]:
        """For chat events: offset -> {event: the turn that many places after (before, if negative) it in the
        same session and time range}."""
        conn = self._db.reader()
        positions = rows.chat_positions(conn, ids)
        # Neighbours are looked up by seq: an import or an ask writes its turns as consecutive rows. A
        # neighbour row of another session or kind (a screen frame captured in between) gives no vote.
        by_seq = rows.chat_turns_at(conn, sorted({seq + d for seq, _ in positions.values() for d in offsets}))
        lo = to_ts(since) if since is not None else float("-inf")
        hi = to_ts(until) if until is not None else float("inf")
        tables: dict[int, dict[str, str]] = {d: {} for d in offsets}
        for item, (seq, session) in positions.items():
            for d in offsets:
                found = by_seq.get(seq + d)
                if found is not None and found[1] == session and lo <= found[2] < hi:
                    tables[d][item] = found[0]
        return tables

    def _browse(
        self,
        mem_types: list[str],
        kinds: list[str],
        since: datetime | None,
        until: datetime | None,
        rt: routing.Route,
        limit: int,
    ) -> list[tuple[str, float]]:
        """A question that is only a time ("what did I do yesterday?"): what is in the range, latest first."""
        depth = max(limit * 5, self.config.depth)
        found = rows.latest_in_range(self._db.reader(), mem_types, kinds, since, until, depth)
        # Summaries (memories) before the raw events they summarise; routed types first; latest first.
        found.sort(key=lambda r: (-rt.weight(r[1]), r[3], -r[2]))
        return [(r[0], 1.0 / (self.config.rrf_k + n)) for n, r in enumerate(found, start=1)]

    def _ask_turns(self, ids: list[str]) -> set[str]:
        """Which of `ids` are turns `ask` recorded, or episodes whose every source is one."""
        return rows.session_turns(self._db.reader(), ids, ASK_SESSION_PREFIX)
