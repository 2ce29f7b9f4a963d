"""The HTTP face: the FastAPI app, authentication, limits and the protocol's bodies."""
