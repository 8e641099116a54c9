"""Article indexing: reading files, text handling, the embedding model and what runs it, the store,
similarity over an indexed article."""
