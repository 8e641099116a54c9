"""Which articles have been indexed, so `--article ID` finds one that `index PATH` added."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from index.article import DEFAULT_ARTICLE, Article, ArticleError, load_article
from index.readers import ARTICLE_SUFFIXES

DEFAULT_ID = "default"


class ArticleLibrary:
    def __init__(self, store_dir: Path, max_bytes: int = 20_000_000) -> None:
        self.dir = store_dir / "articles"
        self.max_bytes = max_bytes

    def save(self, article: Article) -> None:
        """Written atomically, and only when it changed: every start saves the article in use."""
        target = self.dir / f"{article.id}.json"
        payload = article.model_dump_json()
        if target.exists() and target.read_text(encoding="utf-8") == payload:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(payload)
        os.replace(tmp, target)

    def has(self, article: Article) -> bool:
        """Saved with this very content (an index for it was built before)."""
        target = self.dir / f"{article.id}.json"
        try:
            return target.exists() and json.loads(target.read_text(encoding="utf-8")).get("content_hash") == article.content_hash
        except (OSError, ValueError):
            return False

    def ids(self) -> list[str]:
        return sorted(p.stem for p in self.dir.glob("*.json")) if self.dir.exists() else []

    def resolve(self, ref: str) -> Article:
        """`default`, a path to a .txt/.md/.html file, or the id of an indexed article."""
        ref = (ref or DEFAULT_ID).strip()
        if ref == DEFAULT_ID:
            return load_article(DEFAULT_ARTICLE, self.max_bytes, DEFAULT_ID)
        path = Path(ref).expanduser()
        if path.suffix.lower() in ARTICLE_SUFFIXES or path.exists():
            return load_article(path, self.max_bytes)
        saved = self.dir / f"{ref}.json"
        if saved.exists():
            try:
                return Article.model_validate(json.loads(saved.read_text(encoding="utf-8")))
            except (ValueError, OSError) as exc:
                raise ArticleError(f"The saved article '{ref}' is damaged ({exc}); index its file again.") from exc
        known = ", ".join([DEFAULT_ID, *self.ids()])
        raise ArticleError(f"No article '{ref}': give a file path or one of: {known}.")
