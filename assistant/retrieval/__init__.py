"""Finding memories: full text, embeddings, the vector index, fusion, time and type routing."""
