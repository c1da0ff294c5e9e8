"""JUnit XML for CI systems: one test case per direction and metric; a failed gate check is a failure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..atomic import write_text_atomic
from ..metrics.registry import label
from .model import Report


def report_to_junit(report: Report) -> str:
    checks = report.gate.checks if report.gate is not None else []
    suites = ET.Element("testsuites", name="tqcheck")
    total = failed = skipped = 0
    for d in report.directions:
        suite = ET.SubElement(suites, "testsuite", name=f"tqcheck {d.direction}")
        names = list(
            dict.fromkeys(
                [m.name for m in d.metrics]
                + [c.metric for c in checks if c.direction == d.direction]
                + list(d.skipped_metrics)
            )
        )
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for name in names:
            shown = label(name)
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"tqcheck.{d.direction}",
                name=f"{d.direction} {shown}",
                time=f"{d.seconds.get(name, 0.0):.3f}",
            )
            counts["tests"] += 1
            mine = [c for c in checks if c.direction == d.direction and c.metric == name and c.document is None]
            bad = [c for c in mine if not c.passed]
            metric = d.metric(name)
            lines = [f"{shown} {metric.score:.4f}  {metric.signature}"] if metric is not None else []
            lines += [f"{'PASS' if c.passed else 'FAIL'} {c.kind}: {c.reason}" for c in mine]
            if bad:
                counts["failures"] += 1
                failure = ET.SubElement(
                    case, "failure", type=bad[0].kind, message="; ".join(f"{d.direction} {c.reason}" for c in bad)
                )
                failure.text = "\n".join(lines)
            elif metric is None:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=d.skipped_metrics.get(name, "not computed"))
            else:
                ET.SubElement(case, "system-out").text = "\n".join(lines)
        for key, value in counts.items():
            suite.set(key, str(value))
        total, failed, skipped = total + counts["tests"], failed + counts["failures"], skipped + counts["skipped"]
        if d.documents is not None:
            counts = _document_suite(suites, d, checks)
            total, failed, skipped = total + counts["tests"], failed + counts["failures"], skipped + counts["skipped"]
    suites.set("tests", str(total))
    suites.set("failures", str(failed))
    suites.set("skipped", str(skipped))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _document_suite(suites, d, checks) -> dict[str, int]:
    """A corpus direction: one test case per document and metric; a failed per-document gate check is
    its failure, a document that could not be scored is skipped with the reason."""
    suite = ET.SubElement(suites, "testsuite", name=f"tqcheck {d.direction} documents")
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for doc in d.documents:
        for m in d.metrics:
            shown = label(m.name)
            case = ET.SubElement(
                suite, "testcase", classname=f"tqcheck.{d.direction}.documents", name=f"{doc.name} {shown}"
            )
            counts["tests"] += 1
            bad = [
                c
                for c in checks
                if c.direction == d.direction and c.document == doc.name and c.metric == m.name and not c.passed
            ]
            result = doc.metric(m.name)
            if bad:
                counts["failures"] += 1
                ET.SubElement(case, "failure", type=bad[0].kind, message="; ".join(c.reason for c in bad))
            elif result is None:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=doc.not_scored or "not scored")
            else:
                ET.SubElement(case, "system-out").text = f"{shown} {result.score:.4f}  {result.signature}"
    for key, value in counts.items():
        suite.set(key, str(value))
    return counts


def write_junit(report: Report, path: str) -> None:
    write_text_atomic(path, report_to_junit(report))
