"""Readers for the formats translators use: Markdown and HTML documents, bilingual PO/XLIFF/TMX/TSV/JSONL."""
