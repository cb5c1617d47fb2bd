"""The HTTP service: a thin FastAPI front end over the store, the screener and batch jobs."""
