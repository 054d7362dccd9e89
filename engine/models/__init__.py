"""Neural models of the engine: the hierarchical motion tokenizer (and, later, the denoisers)."""
