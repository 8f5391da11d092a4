"""The handbook site: a thin mkdocs layer over the `handbook` library.

`plugin.py` handles mkdocs events and delegates to plain functions (`pages.py` and friends) that
take library objects and return Markdown/HTML strings. No protocol rule lives here: comparisons,
hashes and diffs come from `handbook`.
"""
