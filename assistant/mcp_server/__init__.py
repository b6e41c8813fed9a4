"""`assistant mcp`: the memory offered to other local AI apps over the Model Context Protocol (stdio only).

The package is not called `mcp` so that `import mcp` always finds the SDK. The SDK is imported only by
`server.py`, inside the function that builds the server.
"""
