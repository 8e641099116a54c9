"""Article indexing: model preparation, text handling and retrieval."""
