"""Merging candidates from every source and ranking them (both backends).

The rules and constants are signalwire-sdk's (pool size, multi-source bonus, ceiling,
exact-match boosts, rank weight, dedupe, document diversity, match-type mix); where its
rules misfire the fix is noted at the line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from signalwire.search.models import document_key

MIN_CANDIDATE_POOL = 30
DIVERSITY_WINDOW = 10
TIEBREAK_MAX = 0.05
_DOC_PENALTY = (1.0, 0.85, 0.7, 0.5)
_LATER_PENALTY = 0.4


def pool_size(count: int) -> int:
    """How many candidates each source contributes for ``count`` results."""
    return max(3 * count, MIN_CANDIDATE_POOL)


def merge(sources: Iterable[tuple[str, list[tuple[int, float]]]]) -> dict[int, dict[str, Any]]:
    """``{id: candidate}`` from ``(source name, [(id, raw score)])`` lists, vector first."""
    out: dict[int, dict[str, Any]] = {}
    for name, hits in sources:
        for chunk_id, score in hits:
            cand = out.get(chunk_id)
            if cand is None:
                cand = out[chunk_id] = {
                    "id": chunk_id,
                    "search_type": name,
                    "sources": {},
                    "source_scores": {},
                }
            cand["sources"][name] = True
            cand["source_scores"][name] = score
            if name == "vector":
                cand["vector_score"] = score
                cand["vector_distance"] = 1.0 - score
    return out


def _normalised(text: str) -> str:
    text = re.sub(r"\s+", " ", text.lower()).strip("*_`#>- \t\n")
    return text


def _rank_weight(meta: dict[str, Any]) -> float | None:
    # Read from the result metadata, or the nested chunk metadata of .swsearch rows (the
    # vendor reads only the outer level, so the weight never applies to its sqlite rows).
    for source in (meta, meta.get("metadata")):
        if isinstance(source, dict):
            value = source.get("rank_weight")
            if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 1:
                return float(value)
    return None


def rank(
    candidates: list[dict[str, Any]],
    count: int,
    similarity_threshold: float,
    original_query: str | None,
) -> list[dict[str, Any]]:
    """Score, boost, dedupe, diversify and cut ``candidates`` (each with ``content`` and
    ``metadata`` filled in) to ``count`` results."""
    if not candidates:
        return []
    vector_scores = [c["vector_score"] for c in candidates if "vector_score" in c]
    ceiling = max(vector_scores) if vector_scores else None
    for cand in candidates:
        n = len(cand["sources"])
        if "vector_score" in cand:
            score = min(1.0, cand["vector_score"] + min(TIEBREAK_MAX, 0.1 * (n - 1)))
        else:
            raw = min(1.0, max(cand["source_scores"].values()))  # sources may exceed 1
            score = (
                min(1.0, raw * ceiling * 0.99)
                if ceiling is not None
                else min(1.0, raw + 0.1 * (n - 1))
            )
        cand["final_score"] = score
    candidates.sort(key=lambda c: c["final_score"], reverse=True)

    if similarity_threshold > 0:
        candidates = [c for c in candidates if c["final_score"] >= similarity_threshold]

    if original_query:
        q = original_query.lower().strip()
        wants_example = any(w in q for w in ("example", "sample", "code"))
        for cand in candidates:
            boost = 1.0
            if q and q in cand["content"].lower():
                boost *= 2.0
            filename = str(cand["metadata"].get("filename") or "").lower()
            if wants_example and any(
                w in filename for w in ("example", "sample", "demo", "tutorial", "guide")
            ):
                boost *= 1.5
            if "getting started" in q and "start" in cand["content"].lower():
                boost *= 1.5
            cand["final_score"] *= boost
        for cand in candidates:
            if "vector_score" not in cand and ceiling is not None:
                cand["final_score"] = min(cand["final_score"], ceiling * 0.99)
        candidates.sort(key=lambda c: c["final_score"], reverse=True)

    for cand in candidates:
        weight = _rank_weight(cand["metadata"])
        if weight is not None:
            cand["final_score"] *= weight
        # Scores stay in [0, 1] (the vendor's boosts can push them past 1).
        cand["final_score"] = min(1.0, cand["final_score"])
    candidates.sort(key=lambda c: c["final_score"], reverse=True)

    seen: set[str] = set()
    unique: list[dict[str, Any]] = []
    for cand in candidates:
        norm = _normalised(cand["content"])
        if norm:
            digest = hashlib.sha1(norm.encode(), usedforsecurity=False).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
        unique.append(cand)
    candidates = unique

    window = max(count, DIVERSITY_WINDOW)
    per_doc: dict[str | None, int] = {}
    for cand in candidates:
        key = document_key(cand["metadata"])
        k = per_doc.get(key, 0)
        penalty = _DOC_PENALTY[k] if k < len(_DOC_PENALTY) else _LATER_PENALTY
        per_doc[key] = k + 1
        cand["diversity_penalty"] = penalty
        cand["final_score"] *= penalty
    candidates.sort(key=lambda c: c["final_score"], reverse=True)

    if len(candidates) > window:
        head = candidates[:window]
        docs = [document_key(c["metadata"]) for c in head]
        if len(set(docs)) < min(3, window):
            top = candidates[0]["final_score"]
            for cand in candidates[window:]:
                key = document_key(cand["metadata"])
                if key in docs or cand["final_score"] <= 0.5 * top:
                    continue
                crowded = [i for i in range(len(head) - 1, -1, -1) if docs.count(docs[i]) > 2]
                if not crowded:
                    break
                i = crowded[0]
                head[i] = cand
                docs[i] = key
            in_head = {id(c) for c in head}
            candidates = sorted(head, key=lambda c: c["final_score"], reverse=True) + [
                c for c in candidates[window:] if id(c) not in in_head
            ]

    if len(candidates) > window:
        hybrid, vector_only, other = [], [], []
        for cand in candidates:
            has_vec = "vector" in cand["sources"]
            if has_vec and len(cand["sources"]) > 1:
                hybrid.append(cand)
            elif has_vec:
                vector_only.append(cand)
            else:
                other.append(cand)
        quota = [
            (hybrid, max(1, int(0.4 * window))),
            (vector_only, max(1, int(0.4 * window))),
            (other, max(1, int(0.2 * window))),
        ]
        chosen: list[dict[str, Any]] = []
        for group, n in quota:
            chosen.extend(group[:n])
        taken = {id(c) for c in chosen}
        for cand in candidates:
            if len(chosen) >= window:
                break
            if id(cand) not in taken:
                chosen.append(cand)
        candidates = sorted(chosen[:window], key=lambda c: c["final_score"], reverse=True)

    for cand in candidates:
        cand["score"] = cand["final_score"]
    return candidates[:count]
