"""BLEU, chrF and TER through sacrebleu, with its signatures and its language-specific tokenisers.

The system score is sacrebleu's corpus score (identical to the ``sacrebleu`` CLI on the same
lines); segment scores are sentence-level scores (BLEU with effective order, as sacrebleu
recommends for sentences).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .base import Metric, MetricResult, TranslationTriple
from .specs import METRICS

_CJK = {"zh", "ja", "ko"}
TABLE = "sacrebleu_statistics"
STATISTICS_BLOCK = 2000
# Below this many segments, extracting statistics in worker processes costs more than it saves:
# starting them and importing sacrebleu takes ~0.3 s once per process, and TER ~0.5 ms a segment
# (bench/RESULTS.md).
PARALLEL_MIN_SEGMENTS = 1_000


def build_metric(name: str, tgt_lang: str, sentence_level: bool):
    """The sacrebleu metric object tqcheck configures for ``name`` (corpus or sentence level)."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    if name == "bleu":
        return BLEU(trg_lang=tgt_lang, effective_order=sentence_level)
    if name == "chrf":
        return CHRF()
    if name == "ter":
        return TER(asian_support=tgt_lang in _CJK)
    raise ValueError(name)


def block_statistics(name: str, tgt_lang: str, hypotheses: list[str], references: list[str]) -> list:
    """sacrebleu's sufficient statistics of one block of segments: a top-level function, so that a
    worker process or a Ray task can run it and return the very rows this process would."""
    return build_metric(name, tgt_lang, False)._extract_corpus_statistics(hypotheses, [references])


block_statistics.TASK_KIND = "statistics"  # type: ignore[attr-defined]


class SacrebleuMetric(Metric):
    """One adapter for the three sacrebleu metrics; they differ only in construction."""

    def __init__(
        self,
        name: str,
        tgt_lang: str | None = None,
        *,
        executor: str = "local",
        ray_address: str | None = None,
        cache=None,
    ) -> None:
        self.name = name
        self.tgt_lang = (tgt_lang or "").lower()
        self.higher_is_better = METRICS[name].higher_is_better
        self.executor, self.ray_address = executor, ray_address
        self.cache = cache  # segment statistics are kept by (metric, hypothesis, reference)
        self._statistics: list | None = None  # of the last score() call, for group_scores
        self.ran_on = "local"  # where the last score() extracted its statistics

    def _build(self, sentence_level: bool):
        return build_metric(self.name, self.tgt_lang, sentence_level)

    def corpus_metric(self):
        """The configured sacrebleu metric for system scores (and for sacrebleu's paired tests)."""
        return self._build(sentence_level=False)

    def score(self, triples: Sequence[TranslationTriple]) -> MetricResult:
        """One pass of sacrebleu's statistics extraction serves both levels: the corpus score is
        sacrebleu's aggregate of them (what corpus_score does), and each segment's score is
        computed from its own row (what sentence_score does, without tokenising twice)."""
        hypotheses = [t.hypothesis for t in triples]
        references = [t.reference or "" for t in triples]
        corpus_metric = self.corpus_metric()
        # sacrebleu caches every reference's n-grams before it extracts statistics; segments are
        # independent, so a block at a time gives the same rows with memory bounded by the block
        # (chrF over 50,000 segments: 1.3 GB at once), and blocks can run anywhere
        statistics = self._statistics_of(hypotheses, references)
        # what sacrebleu's reference cache would have recorded for the signature: one reference per
        # segment (every reference is a string here), or "variable" (-1) when there is no segment
        corpus_metric.num_refs = 1 if hypotheses else -1
        self._statistics = statistics
        corpus = corpus_metric._aggregate_and_compute(statistics)
        sentence_metric = self._build(sentence_level=True)
        segment_scores = [sentence_metric._compute_score_from_stats(row).score for row in statistics]
        details = {}
        if self.name == "bleu":
            details = {
                "precisions": [round(p, 4) for p in corpus.precisions],
                "bp": round(corpus.bp, 4),
                "sys_len": corpus.sys_len,
                "ref_len": corpus.ref_len,
            }
        return MetricResult(
            name=self.name,
            score=float(corpus.score),
            signature=corpus_metric.get_signature().format(),
            segment_scores=[float(s) for s in segment_scores],
            higher_is_better=self.higher_is_better,
            details=details,
        )

    def _statistics_of(self, hypotheses: list[str], references: list[str]) -> list:
        """Each segment's sufficient statistics: from the cache where it has them (a re-run of the
        same inputs extracts nothing), the rest extracted here, in worker processes or on Ray."""
        from ..executor import LocalProcesses, runner_for

        keys: list[str] = []
        stored: dict[str, Any] = {}
        if self.cache is not None:
            import json

            from ..cache import cache_key

            # the statistics are what this exact configuration extracts: its signature names the
            # tokenizer, case, smoothing, n-gram orders and sacrebleu's version
            configured = build_metric(self.name, self.tgt_lang, False)
            configured.num_refs = 1
            version = ("sacrebleu-statistics-v2", self.name, configured.get_signature().format())
            keys = [cache_key(*version, h, r) for h, r in zip(hypotheses, references)]
            stored = {k: json.loads(v) for k, v in self.cache.get_many(TABLE, keys).items()}
        todo = [k for k in range(len(hypotheses)) if not keys or keys[k] not in stored]
        runner = runner_for(
            self.executor,
            self.ray_address,
            pieces=len(todo),
            min_pieces=PARALLEL_MIN_SEGMENTS,
        )
        size = STATISTICS_BLOCK
        if isinstance(runner, LocalProcesses):  # at least one block per worker
            size = min(size, -(-len(todo) // runner.processes))
        blocks = [
            (self.name, self.tgt_lang, [hypotheses[k] for k in part], [references[k] for k in part])
            for part in (todo[start : start + size] for start in range(0, len(todo), size))
        ]
        self.ran_on = runner.name
        extracted = [row for rows in runner.map(block_statistics, blocks) for row in rows] if blocks else []
        if not keys:
            return extracted
        if extracted:
            import json

            self.cache.put_many(TABLE, {keys[k]: json.dumps(row) for k, row in zip(todo, extracted)})
        out: list = [stored.get(key) for key in keys]
        for k, row in zip(todo, extracted):
            out[k] = row
        return out

    def group_scores(self, result: MetricResult, bounds: Sequence[tuple[int, int]]) -> list[float]:
        """Each group's corpus score from its segments' sufficient statistics, which sacrebleu
        extracts segment by segment: equal to corpus_score on that group's lines alone."""
        if self._statistics is None or len(self._statistics) != len(result.segment_scores):
            raise RuntimeError("group_scores needs the statistics of this metric's last score() call")
        corpus_metric = self.corpus_metric()
        return [float(corpus_metric._aggregate_and_compute(self._statistics[start:end]).score) for start, end in bounds]
