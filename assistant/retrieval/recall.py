"""Recall: the one search the facade calls. Routing, time phrases, BM25 + vectors fused by RRF, recency
as the tie-breaker, and de-duplication of hits that repeat what a higher hit already covers.

Without an embedder it is full-text only (with routing and time phrases). Recall only ranks: what it
reads comes from the store's queries (`store.fulltext`, `store.recall_queries`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from assistant.retrieval import proximity, routing
from assistant.retrieval.fusion import rrf
from assistant.retrieval.query import Query, read_query, word_pairs
from assistant.retrieval.ranking import Candidates, FusionConfig, Listed, Scope, rank
from assistant.retrieval.search import VectorRetriever, matching_sources_first, self_sourced, split_types, to_hits
from assistant.store import fulltext
from assistant.store import recall_queries as rows
from assistant.store.db import Database
from assistant.store.fulltext import TermCounts, prune_common_terms
from assistant.text import STOPWORDS, has_content_words, lower_words, words
from assistant.values import ASK_SESSION_PREFIX, MEMORY_TYPES, SearchHit, to_ts, utcnow

_VECTOR_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="recall-vectors")
# The screen captures of each full-text list read for the window and word-pair lists (the first so many):
# one ranked lower seldom reaches the first hits. Screen benchmark: the same found@1 for the first 10, 20,
# 30 or all. At 100k items, 30% of them screen captures, the window list cost ~0.35 ms a search with 20,
# ~0.2 with 10 (bench_search --settings-cost): reading and scanning each capture's text is most of it.
WINDOW_CANDIDATES = 10


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

    @property
    def db(self) -> Database:
        return self._db

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
        q = query if isinstance(query, Query) else self.read(query, now=now, parse_time=parse_time, route=route)
        found = self.find(q, types=types, since=since, until=until, limit=limit)
        ranked = found if isinstance(found, list) else rank(found, self.config)
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

    def find(
        self,
        q: Query,
        *,
        types: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 10,
    ) -> Candidates | list[tuple[str, float]]:
        """What the searches find for `q`: the candidates to fuse, or, for a question that is only a
        time, what lies in it, already ranked."""
        mem_types, kinds = split_types(types)
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
                said = " ".join(mentions)
                talked = self.ranked_lists(said, mem_types, kinds, None, None, self.config.depth, "mention")
                ranked = rrf([ranked, *(t.ranked for t in talked)], k=self.config.rrf_k)
            return ranked
        named = set(q.participants) if "chat" in kinds else set()
        return self.candidates(
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

    def ranked_lists(
        self,
        text: str,
        mem_types: list[str],
        kinds: list[str],
        since: datetime | None,
        until: datetime | None,
        depth: int,
        scope: Scope = "all",
    ) -> list[Listed]:
        """The BM25 lists and the vector list (not for date mentions: they are words)."""
        conn = self._db.reader()
        lists: list[Listed] = []
        pending: Future[list[tuple[str, float]]] | None = None
        if self.vectors is not None and scope != "mention":
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
            found = fulltext.search_memories(
                conn,
                prune_common_terms(conn, "memory_fts", "memories", text, self._term_counts),
                types=None if every else mem_types,
                since=since,
                until=until,
                limit=depth,
            )
            lists.append(Listed(found, "bm25", scope))
        if kinds:
            found = fulltext.search_events(
                conn,
                prune_common_terms(conn, "raw_fts", "raw_events", text, self._term_counts),
                kinds=kinds,
                since=since,
                until=until,
                limit=depth,
            )
            lists.append(Listed(found, "bm25", scope))
        if pending is not None:
            lists.append(Listed(pending.result(), "vector", scope))
        return lists

    def candidates(
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
    ) -> Candidates:
        """What the searches find for a question, before fusion. `prefer`: the window a time phrase
        names. Its candidates get their own lists (extra votes), but what lies outside still ranks: an
        event is often talked about days after it happened, and a question may name a date the annotator
        or the user got slightly wrong. `mentions`: the phrase's calendar names ("june"); what matches
        the question with them is talked about at that time, whenever it was said (a chat in May about
        June), and votes like the window. `named`: the chat participants the question names."""
        depth = max(limit * 5, self.config.depth)
        named = named or set()
        if named:
            names = {w for speaker in named for w in (speaker, *words(speaker))}
            stripped = " ".join(w for w in words(text) if w.lower() not in names)
            text = stripped if has_content_words(stripped) else text
        lists = self.ranked_lists(text, mem_types, kinds, since, until, depth)
        if prefer is not None and self.config.window_weight:
            lists += self.ranked_lists(text, mem_types, kinds, *prefer, depth, "window")
        if mentions and self.config.window_weight:
            lists += self.ranked_lists(f"{text} {' '.join(mentions)}", mem_types, kinds, since, until, depth, "mention")
        if "chat" in kinds and any(self.config.neighbour_weights):
            lists += self._neighbour_lists(lists, since, until)
        if (self.config.passage_weight or self.config.phrase_weight) and "screen" in kinds:
            lists += self._screen_windows(text, lists)
        conn = self._db.reader()
        ids = list(dict.fromkeys(i for listed in lists for i, _ in listed.ranked))
        info = rows.type_and_time(conn, ids)
        said = {i for i, speaker in rows.speakers_of(conn, ids).items() if speaker in named} if named else set()
        sources = rows.screen_sources(conn, ids) if self.config.source_first else {}
        return Candidates(lists, info, rt, depth, rows.item_count(conn), frozenset(said), sources)

    def _screen_windows(self, text: str, lists: list[Listed]) -> list[Listed]:
        """The screen captures full text found, ranked by their best window of the question's words, and
        those holding two words that follow each other in the question next to each other (a pair of
        words full text keeps: common words pair with everything), ranked by the pairs' weight."""
        conn = self._db.reader()
        heads = (listed.ranked[:WINDOW_CANDIDATES] for listed in lists if listed.source == "bm25")
        found = list(dict.fromkeys(i for head in heads for i, _ in head))
        texts = rows.screen_texts(conn, found)
        if not texts:
            return []
        counts, total = fulltext.term_frequencies(conn, "raw_fts", "raw_events", text, self._term_counts)
        weights: dict[str, float] = {}
        for word, matching in counts.items():  # words sharing a stem keep the rarer one's weight
            key = proximity.stem(word)
            weights[key] = max(weights.get(key, 0.0), proximity.idf(matching, total))
        kept = set(lower_words(prune_common_terms(conn, "raw_fts", "raw_events", text, self._term_counts)))
        pairs = frozenset(
            (proximity.stem(a), proximity.stem(b))
            for a, b in (p.split() for p in word_pairs(text))
            if a in kept and b in kept
        )
        window = proximity.Window(weights)
        scored = {i: window.scores(body, pairs) for i, body in texts.items()}

        def ranked(n: int) -> list[tuple[str, float]]:
            return sorted(((i, s[n]) for i, s in scored.items() if s[n] > 0), key=lambda x: -x[1])

        out = [Listed(ranked(0), "passage")] if self.config.passage_weight else []
        return out + ([Listed(ranked(1), "phrase")] if self.config.phrase_weight else [])

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

    def _neighbour_lists(self, lists: list[Listed], since: datetime | None, until: datetime | None) -> list[Listed]:
        """The neighbour-vote lists. Only full-text hits vote: the vector list always holds `depth`
        items however weak (in a small store, all of them), and their votes reshuffled everything.
        Votes only re-rank candidates that some list found itself: a turn sharing nothing with the
        question is not shown for its position alone."""
        ids = list(dict.fromkeys(i for listed in lists for i, _ in listed.ranked if i.startswith("ev_")))
        offsets = {
            offset: distance
            for distance, w in enumerate(self.config.neighbour_weights, start=1)
            for offset in (distance, -distance)
            if w
        }
        tables = self._turns_around(ids, list(offsets), since, until)
        found = set(ids)
        voters = [listed for listed in lists if listed.source == "bm25"]
        out: list[Listed] = []
        for offset, distance in offsets.items():
            table = tables[offset]
            for voter in voters:
                moved: dict[str, float] = {}
                for i, score in voter.ranked:  # each neighbour at the best rank of the hits next to it
                    if i in table and table[i] in found:
                        moved.setdefault(table[i], score)
                if moved:
                    out.append(Listed(list(moved.items()), "bm25", voter.scope, distance))
        return out

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
