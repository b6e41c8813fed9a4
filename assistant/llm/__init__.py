"""The local model runtime (llama-cpp-python), GGUF inspection, conversion and the model manager."""
