"""The answering head: routing, context packing, state reuse, citations."""
